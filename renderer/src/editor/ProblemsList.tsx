// The active file's diagnostics as a list; a click puts the cursor on the problem.
import type { Diagnostic } from '../../../engine/protocol/schema';

const RANK = { error: 0, warning: 1, info: 2 } as const;

/** Errors first, then warnings, then notes; each in file order. */
const byImportance = (a: Diagnostic, b: Diagnostic): number =>
  RANK[a.severity] - RANK[b.severity] ||
  a.range.file.localeCompare(b.range.file) ||
  a.range.start.offset - b.range.start.offset;

export function ProblemsList({
  diagnostics,
  onReveal,
}: {
  diagnostics: Diagnostic[];
  onReveal: (d: Diagnostic) => void;
}) {
  if (diagnostics.length === 0) {
    return (
      <div className="empty-note" data-testid="problems-empty">
        No problems in the active file.
      </div>
    );
  }
  return (
    <ul className="problems" data-testid="problems-list">
      {[...diagnostics].sort(byImportance).map((d) => (
        <li key={`${d.range.file}:${d.range.start.offset}:${d.range.end.offset}:${d.message}`}>
          <button
            type="button"
            className={`problem problem-${d.severity}`}
            data-testid="problem"
            data-severity={d.severity}
            onClick={() => onReveal(d)}
          >
            <span className={`severity-icon sev-${d.severity}`} title={d.severity} />
            <span className="problem-message">{d.message}</span>
            {d.code && <span className="problem-code">{d.code}</span>}
            <span className="problem-location">
              {d.range.file}:{d.range.start.line}:{d.range.start.col}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
