// The bottom strip: engine connection, problem counts of the active file, the viewed run, and the
// cursor position.
import type { Diagnostic } from '../../../engine/protocol/schema';
import { useConnection, useRunCacheVersion, useStudio } from './studio-context';

interface Props {
  diagnostics: Diagnostic[];
  onShowProblems: () => void;
  viewedRunId: string | null;
  cursor: { line: number; col: number } | null;
  language: string | null;
  engineVersion: string | null;
}

export function StatusBar({
  diagnostics,
  onShowProblems,
  viewedRunId,
  cursor,
  language,
  engineVersion,
}: Props) {
  const { engine, runs } = useStudio();
  // Subscribed here rather than in the workbench, so run events re-render only this strip.
  useRunCacheVersion();
  const runStatus = viewedRunId ? (runs.get(viewedRunId)?.status ?? null) : null;
  const connection = useConnection();
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const notes = diagnostics.length - errors - warnings;
  const label =
    connection.phase === 'open'
      ? 'Engine connected'
      : connection.phase === 'connecting'
        ? 'Connecting…'
        : 'Disconnected';
  return (
    <footer className={`status-bar ${connection.phase}`} data-testid="status-bar">
      <span className="status-item" title={`Platform: ${engine.platform.kind}`}>
        <span className={`conn-dot ${connection.phase}`} />
        {label}
        {engineVersion ? ` · engine ${engineVersion}` : ''}
      </span>
      <button
        type="button"
        className="status-item clickable"
        data-testid="problems-count"
        data-errors={errors}
        data-warnings={warnings}
        onClick={onShowProblems}
        title="Show problems"
      >
        <span className="sev-icon-inline error">×</span> {errors}
        <span className="sev-icon-inline warning">!</span> {warnings}
        {notes > 0 && (
          <>
            <span className="sev-icon-inline info">i</span> {notes}
          </>
        )}
      </button>
      {runStatus && (
        <span className="status-item" data-testid="status-run">
          run: {runStatus}
        </span>
      )}
      <span className="spacer" />
      {cursor && (
        <span className="status-item">
          Ln {cursor.line}, Col {cursor.col}
        </span>
      )}
      {language && <span className="status-item">{language}</span>}
      <span className="status-item">{engine.platform.kind === 'web' ? 'Browser' : 'Desktop'}</span>
    </footer>
  );
}
