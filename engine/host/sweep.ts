// Sweeps: an experiment's `sweep dev.field in [a, b, c]` blocks expand into a grid of points, and
// each point is the experiment re-checked with those values written into the DSL text. Writing
// the value back as it was typed (`2%`, `25uS`) and re-running the checker means a sweep point is
// exactly the design the user would get by editing the file: same units, defaults and checks.

import { parse } from '../dsl';
import { applyEdit, setFieldEdit } from '../dsl/schematic/edits';
import { findDecl } from '../dsl/schematic/graph';
import type { SweepSpec } from '../ir/model';

export interface SweepAssignment {
  /** Device or neuron name, and the DSL field it varies. */
  target: string;
  field: string;
  /** The value in SI (as the checker read it) and as written in the sweep. */
  value: number | string;
  text: string;
}

export interface SweepPoint {
  /** 0-based position in the grid (the first sweep varies slowest). */
  index: number;
  assignments: SweepAssignment[];
}

/** Most points one experiment may expand to; beyond it the grid is almost surely a mistake. */
export const MAX_SWEEP_POINTS = 10_000;

/** The cartesian product of the sweeps, in a fixed order. Empty when there is no sweep. */
export function expandSweeps(sweeps: readonly SweepSpec[]): SweepPoint[] {
  if (sweeps.length === 0) return [];
  const total = sweeps.reduce((n, s) => n * s.values.length, 1);
  if (total > MAX_SWEEP_POINTS) {
    throw new Error(
      `the sweeps expand to ${total} points; at most ${MAX_SWEEP_POINTS} are allowed (use fewer values or split the experiment)`,
    );
  }
  const points: SweepPoint[] = [];
  for (let index = 0; index < total; index++) {
    let rest = index;
    const assignments: SweepAssignment[] = new Array(sweeps.length);
    for (let s = sweeps.length - 1; s >= 0; s--) {
      const spec = sweeps[s]!;
      const i = rest % spec.values.length;
      rest = Math.floor(rest / spec.values.length);
      const value = spec.values[i]!;
      assignments[s] = {
        target: spec.path[0]!,
        field: spec.path.slice(1).join('.'),
        value,
        text: spec.texts?.[i] ?? String(value),
      };
    }
    points.push({ index, assignments });
  }
  return points;
}

/** `sweep.<target>.<field>` → value as written: the params that tell the points of a sweep apart. */
export function sweepParams(point: SweepPoint): Record<string, string> {
  return Object.fromEntries(point.assignments.map((a) => [`sweep.${a.target}.${a.field}`, a.text]));
}

/**
 * Writes a point's values into the source texts. `files` maps each file the experiment reads (the
 * main file and its imports) to its text; the result has the same keys, with the file that
 * declares each target patched. Throws when a target is declared in none of them.
 */
export function applySweepPoint(files: ReadonlyMap<string, string>, point: SweepPoint): Map<string, string> {
  const out = new Map(files);
  for (const a of point.assignments) {
    const file = [...out.keys()].find((f) => findDecl(parse(out.get(f)!).file, [a.target]) !== null);
    if (file === undefined) {
      throw new Error(
        `sweep ${a.target}.${a.field}: '${a.target}' is not declared in ${[...files.keys()].join(', ')}`,
      );
    }
    const edit = setFieldEdit(out.get(file)!, [a.target], a.field, a.text);
    if (!edit.ok) throw new Error(`sweep ${a.target}.${a.field} = ${a.text}: ${edit.message}`);
    out.set(file, applyEdit(out.get(file)!, edit.edit));
  }
  return out;
}
