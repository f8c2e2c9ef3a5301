import type { RunStatus } from '../../../engine/protocol/schema';

export function StatusBadge({ status, testId }: { status: RunStatus | null; testId?: string }) {
  return (
    <span
      className={`status-badge status-${status ?? 'unknown'}`}
      data-testid={testId}
      data-status={status ?? ''}
    >
      <span className="status-dot" />
      {status ?? 'starting'}
    </span>
  );
}
