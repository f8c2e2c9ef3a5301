// View settings that outlive the component showing them: the Runs and Compare tabs unmount when
// another bottom tab is chosen, and coming back should find the same search, filter, columns,
// sort, metric and smoothing. Kept for the page's lifetime, never written anywhere.
import { type Dispatch, type SetStateAction, useCallback, useState } from 'react';

const saved = new Map<string, unknown>();

/** useState whose value is remembered under `key` across unmounts. */
export function useViewState<T>(key: string, initial: T): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState<T>(() => (saved.has(key) ? (saved.get(key) as T) : initial));
  const set = useCallback<Dispatch<SetStateAction<T>>>(
    (next) =>
      setValue((prev) => {
        const v = typeof next === 'function' ? (next as (p: T) => T)(prev) : next;
        saved.set(key, v);
        return v;
      }),
    [key],
  );
  return [value, set];
}
