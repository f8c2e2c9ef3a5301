// The long-lived services every view reaches through context: the engine connection, the error
// log, the open documents and the run cache. Created once per page, never per render.
import { createContext, type ReactNode, useContext, useEffect, useRef, useSyncExternalStore } from 'react';
import type { EventName, EventPayload } from '../../../engine/protocol/schema';
import type { Documents } from '../editor/documents';
import type { RunCache } from '../runs/run-cache';
import type { ConnectionState, Engine } from './engine';
import type { ErrorLog } from './errors';

export interface Studio {
  engine: Engine;
  errors: ErrorLog;
  documents: Documents;
  runs: RunCache;
}

const StudioContext = createContext<Studio | null>(null);

export function StudioProvider({ studio, children }: { studio: Studio; children: ReactNode }) {
  return <StudioContext.Provider value={studio}>{children}</StudioContext.Provider>;
}

export function useStudio(): Studio {
  const studio = useContext(StudioContext);
  if (!studio) throw new Error('useStudio outside <StudioProvider>');
  return studio;
}

export function useConnection(): ConnectionState {
  const { engine } = useStudio();
  return useSyncExternalStore(engine.subscribe, engine.getState);
}

export function useDocuments() {
  const { documents } = useStudio();
  return useSyncExternalStore(documents.subscribe, documents.getSnapshot);
}

/** Re-renders when any cached run changes (at most once per animation frame). */
export function useRunCacheVersion(): number {
  const { runs } = useStudio();
  return useSyncExternalStore(runs.subscribe, runs.getVersion);
}

/** Subscribes to an engine event for the component's lifetime; the latest handler is always used. */
export function useEngineEvent<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) {
  const { engine } = useStudio();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => engine.on(event, (payload) => ref.current(payload)), [engine, event]);
}
