// The viewed run's log lines, following the tail unless the user has scrolled up to read.
import { useLayoutEffect, useRef } from 'react';
import { useRunCacheVersion, useStudio } from '../app/studio-context';

export function RunLog({ runId }: { runId: string | null }) {
  const { runs } = useStudio();
  useRunCacheVersion();
  const logs = runId ? (runs.get(runId)?.logs ?? []) : [];
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  });

  if (!runId) return <div className="empty-note">The log of the viewed run appears here.</div>;
  return (
    <div
      className="log"
      ref={box}
      data-testid="run-log"
      onScroll={(e) => {
        const el = e.currentTarget;
        follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
      }}
    >
      {logs.length === 0 && <div className="empty-note">No log lines yet.</div>}
      {logs.map((line, i) => (
        // Lines are append-only, so the index is a stable key.
        // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
        <div key={i} className={`log-line log-${line.level}`}>
          <span className="log-time">
            {new Date(line.time).toLocaleTimeString(undefined, { hour12: false })}
          </span>
          <span className="log-level">{line.level}</span>
          <span className="log-message">{line.message}</span>
        </div>
      ))}
    </div>
  );
}
