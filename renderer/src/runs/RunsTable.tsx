// Every run recorded in the project: search, filter, sort by any column (chosen metric and param
// columns too), check runs to compare, diff, re-run, tag, note, delete or export them. A sweep's
// runs sit under one collapsible row with its progress and a Resume action. While a run is live
// its status and metrics come from the event stream, so rows move without re-querying the store.
import { useEffect, useMemo, useState } from 'react';
import type { RunStatus, RunSummary } from '../../../engine/protocol/schema';
import {
  compareRuns,
  groupBySweep,
  matchesClauses,
  matchesSearch,
  parseFilter,
  type SortKey,
  sweepPoint,
} from '../analysis/query';
import { type RunsState, useRunsList } from '../analysis/use-runs';
import { useViewState } from '../analysis/view-state';
import type { ConfirmRequest } from '../app/ConfirmDialog';
import { useRunCacheVersion, useStudio } from '../app/studio-context';
import { formatDuration, formatNumber, formatPercent, formatTime, isActiveStatus, shortId } from './format';
import { ACTION_GROUPS, useRunActions } from './run-actions';
import type { RunCache } from './run-cache';
import { StatusBadge } from './StatusBadge';

export type CompareTab = 'metrics' | 'parallel' | 'param' | 'diff';

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}

interface Props {
  selected: string | null;
  onSelect: (runId: string) => void;
  /** Runs ticked for comparison and the bulk actions. */
  checked: ReadonlySet<string>;
  onCheckedChange: (ids: Set<string>) => void;
  ask: (request: Omit<ConfirmRequest, 'resolve'>) => Promise<string>;
  onCompare: (tab: CompareTab) => void;
}

const STATUSES: RunStatus[] = ['queued', 'running', 'finished', 'failed', 'interrupted', 'cancelled'];
const DEFAULT_COLUMNS = ['test_accuracy', 'train_loss'];
/** Rows (a sweep counts as one) drawn before "Show more". */
const ROW_PAGE = 300;
const COLUMN_LABELS: Record<string, string> = {
  test_accuracy: 'Test acc.',
  train_accuracy: 'Train acc.',
  train_loss: 'Train loss',
  test_loss: 'Test loss',
};

/** The run with its live status and latest metrics merged in, so filters see what the row shows. */
function withLive(run: RunSummary, cache: RunCache): RunSummary {
  const live = cache.get(run.id);
  if (!live) return run;
  return { ...run, status: live.status ?? run.status, metrics: { ...run.metrics, ...live.latest } };
}

export function RunsTable(props: Props) {
  const list = useRunsList();
  if (list.runs === null) return <div className="empty-note">Loading runs…</div>;
  if (list.runs.length === 0) {
    return (
      <div className="empty-note" data-testid="runs-empty">
        No runs yet. Open an experiment and press Run (Ctrl+Enter).
      </div>
    );
  }
  return <LoadedRunsTable {...props} list={list} runs={list.runs} />;
}

function LoadedRunsTable({
  selected,
  onSelect,
  checked,
  onCheckedChange,
  ask,
  onCompare,
  list,
  runs: stored,
}: Props & { list: RunsState; runs: RunSummary[] }) {
  const { runs: cache } = useStudio();
  useRunCacheVersion();
  const [search, setSearch] = useViewState('runs.search', '');
  const [status, setStatus] = useViewState<RunStatus | ''>('runs.status', '');
  const [filterText, setFilterText] = useViewState('runs.filter', '');
  const [columns, setColumns] = useViewState<string[]>('runs.columns', DEFAULT_COLUMNS);
  const [sort, setSort] = useViewState<SortKey>('runs.sort', { column: 'started', descending: true });
  const [collapsed, setCollapsed] = useViewState<ReadonlySet<string>>('runs.collapsed', new Set());
  const [limit, setLimit] = useState(ROW_PAGE);

  const runs = stored.map((r) => withLive(r, cache));
  const anyActive = runs.some((r) => isActiveStatus(r.status));
  const now = useNow(anyActive);
  const filter = useMemo(() => parseFilter(filterText), [filterText]);
  const visible = runs
    .filter((r) => (status ? r.status === status : true))
    .filter((r) => matchesSearch(r, search))
    .filter((r) => matchesClauses(r, filter.clauses))
    .sort((a, b) => compareRuns(a, b, sort));
  const items = groupBySweep(visible);
  // Thousands of rows would make every live update slow: the first pages only, more on demand.
  const shown = items.slice(0, limit);

  // Columns one can add: every metric and param key of the project's runs not shown yet.
  const addable = useMemo(() => {
    const metrics = new Set(stored.flatMap((r) => Object.keys(r.metrics)));
    const params = new Set(stored.flatMap((r) => Object.keys(r.params)));
    return {
      metrics: [...metrics].filter((k) => !columns.includes(k)).sort(),
      params: [...params].filter((k) => !columns.includes(k) && !metrics.has(k)).sort(),
    };
  }, [stored, columns]);

  const checkedRuns = runs.filter((r) => checked.has(r.id));
  const setChecked = (ids: Iterable<string>, on: boolean) => {
    const next = new Set(checked);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    onCheckedChange(next);
  };

  const sortBy = (column: string) =>
    setSort((s) => ({
      column,
      descending: s.column === column ? !s.descending : column === 'started' || columns.includes(column),
    }));

  const { busy, notice, setNotice, prompt, resume, handlers } = useRunActions({
    checkedRuns,
    onSelect,
    ask,
    reload: list.reload,
    untick: (ids) => setChecked(ids, false),
  });
  const none = checkedRuns.length === 0;
  const allVisibleIds = visible.map((r) => r.id);
  const allChecked = allVisibleIds.length > 0 && allVisibleIds.every((id) => checked.has(id));
  const header = (column: string, label: string, num = false) => (
    <th
      key={column}
      className={num ? 'num' : undefined}
      aria-sort={sort.column === column ? (sort.descending ? 'descending' : 'ascending') : 'none'}
    >
      <button type="button" className="th-sort" data-testid={`sort-${column}`} onClick={() => sortBy(column)}>
        {label}
        <span className="sort-mark" aria-hidden="true">
          {sort.column === column ? (sort.descending ? '▼' : '▲') : ''}
        </span>
      </button>
    </th>
  );

  const row = (run: RunSummary, inSweep: boolean) => {
    const end = run.endedAt ?? (isActiveStatus(run.status) ? now : null);
    const tags = Object.entries(run.tags ?? {}).filter(([k]) => k !== 'sweep' && k !== 'sweep_point');
    return (
      <tr
        key={run.id}
        data-testid="run-row"
        data-run-id={run.id}
        data-status={run.status}
        data-sweep-id={run.sweepId ?? undefined}
        className={`${run.id === selected ? 'selected' : ''} ${inSweep ? 'in-sweep' : ''}`}
        onClick={() => onSelect(run.id)}
        title={run.error ?? run.sourceFile ?? undefined}
      >
        <td className="check-cell">
          <input
            type="checkbox"
            data-testid="run-check"
            aria-label={`Select run ${shortId(run.id)}`}
            checked={checked.has(run.id)}
            // Ticking is not viewing: keep the row's click (view the run) out of it.
            onClick={(e) => e.stopPropagation()}
            onChange={(e) => setChecked([run.id], e.target.checked)}
          />
        </td>
        <td className="mono">
          <button
            type="button"
            className="run-open"
            title="Open the run in the Run panel"
            onClick={(e) => {
              e.stopPropagation();
              onSelect(run.id);
            }}
          >
            {shortId(run.id)}
          </button>
        </td>
        <td>{run.experiment}</td>
        <td className="mono" data-testid="run-sweep-point">
          {sweepPoint(run.params)}
        </td>
        <td>
          <StatusBadge status={run.status} />
        </td>
        <td className="tags-cell">
          {tags.map(([k, v]) => (
            <span key={k} className="tag-chip" data-testid="run-tag">
              {v ? `${k}=${v}` : k}
            </span>
          ))}
          {run.note && (
            <span className="note-mark" title={run.note} data-testid="run-note">
              ✎
            </span>
          )}
        </td>
        <td>{formatTime(run.startedAt)}</td>
        <td className="num">{end === null ? '–' : formatDuration(end - run.startedAt)}</td>
        <td className="num mono">{run.seed}</td>
        {columns.map((c) => (
          <td key={c} className="num mono">
            {formatCell(run, c)}
          </td>
        ))}
      </tr>
    );
  };

  const sweepRow = (sweepId: string, group: RunSummary[]) => {
    const summary = list.sweeps?.get(sweepId) ?? null;
    const counts = summary?.counts ?? countStatuses(group);
    const total = summary?.total ?? group.length;
    const finished = counts.finished ?? 0;
    const running = (counts.running ?? 0) + (counts.queued ?? 0);
    const failed = counts.failed ?? 0;
    const stopped = (counts.interrupted ?? 0) + (counts.cancelled ?? 0);
    const open = !collapsed.has(sweepId);
    const ids = group.map((r) => r.id);
    const some = ids.some((id) => checked.has(id));
    const all = ids.every((id) => checked.has(id));
    const groupActive = group.some((r) => isActiveStatus(r.status));
    const params = [
      ...new Set(group.flatMap((r) => Object.keys(r.params).filter((k) => k.startsWith('sweep.')))),
    ];
    return (
      <tr
        key={`sweep-${sweepId}`}
        className="sweep-row"
        data-testid="sweep-row"
        data-sweep-id={sweepId}
        data-finished={finished}
        data-total={total}
      >
        <td className="check-cell">
          <input
            type="checkbox"
            data-testid="sweep-check"
            aria-label="Select the sweep's runs"
            checked={all}
            ref={(el) => {
              if (el) el.indeterminate = some && !all;
            }}
            onChange={(e) => setChecked(ids, e.target.checked)}
          />
        </td>
        <td colSpan={8 + columns.length}>
          <div className="sweep-row-body">
            <button
              type="button"
              className="icon-button sweep-toggle"
              aria-expanded={open}
              aria-label={open ? 'Collapse the sweep' : 'Expand the sweep'}
              data-testid="sweep-toggle"
              onClick={() =>
                setCollapsed((c) => {
                  const next = new Set(c);
                  if (open) next.add(sweepId);
                  else next.delete(sweepId);
                  return next;
                })
              }
            >
              {open ? '▾' : '▸'}
            </button>
            <span className="sweep-title">
              Sweep · {group[0]?.experiment} · {params.map((p) => p.slice('sweep.'.length)).join(' × ')}
            </span>
            <span className="sweep-progress" data-testid="sweep-progress">
              <span className="sweep-bar" aria-hidden="true">
                <span style={{ width: `${total > 0 ? (100 * finished) / total : 0}%` }} />
              </span>
              {finished}/{total} finished
              {running > 0 && <span className="sweep-running"> · {running} running</span>}
              {failed > 0 && <span className="sweep-failed"> · {failed} failed</span>}
              {stopped > 0 && <span className="sweep-stopped"> · {stopped} cancelled or interrupted</span>}
            </span>
            {summary && summary.missing.length > 0 && !groupActive && (
              <button
                type="button"
                className="button small"
                data-testid="sweep-resume"
                title={`Run the ${summary.missing.length} point(s) with no finished run`}
                disabled={busy}
                onClick={() => void resume(summary)}
              >
                Resume ({summary.missing.length})
              </button>
            )}
          </div>
        </td>
      </tr>
    );
  };

  return (
    <div className="runs-view" data-testid="runs-view">
      <div className="runs-toolbar">
        <input
          className="input runs-search"
          type="search"
          placeholder="Search id, experiment, params, tags, note"
          aria-label="Search runs"
          data-testid="runs-search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <select
          className="select runs-status"
          aria-label="Status"
          data-testid="runs-status-filter"
          value={status}
          onChange={(e) => setStatus(e.target.value as RunStatus | '')}
        >
          <option value="">any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <input
          className={`input runs-filter ${filter.error ? 'invalid' : ''}`}
          placeholder="Filter: test_accuracy > 0.9, program_noise <= 1%"
          aria-label="Filter runs"
          aria-invalid={filter.error !== null}
          title={filter.error ?? 'key op value, joined by "," or "and"; op: > >= < <= = != ~ (contains)'}
          data-testid="runs-filter"
          value={filterText}
          onChange={(e) => setFilterText(e.target.value)}
        />
        <select
          className="select runs-add-column"
          aria-label="Add a column"
          data-testid="runs-add-column"
          value=""
          onChange={(e) => e.target.value && setColumns((c) => [...c, e.target.value])}
        >
          <option value="">+ column</option>
          <optgroup label="Metrics">
            {addable.metrics.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </optgroup>
          <optgroup label="Params">
            {addable.params.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </optgroup>
        </select>
        <span className="runs-count" data-testid="runs-count">
          {visible.length === runs.length
            ? `${runs.length} runs`
            : `${visible.length} of ${runs.length} runs`}
        </span>
      </div>
      <div className="runs-actions" role="toolbar" aria-label="Actions on the selected runs">
        <span
          className="runs-selected"
          data-testid="runs-selected"
          data-count={checkedRuns.length}
          title="Tick runs (or a sweep's row) to compare or act on them"
        >
          {`${checkedRuns.length} selected`}
        </span>
        <button
          type="button"
          className="button small primary"
          data-testid="runs-compare"
          disabled={none}
          onClick={() => onCompare('metrics')}
        >
          Compare
        </button>
        <button
          type="button"
          className="button small"
          data-testid="runs-diff"
          disabled={checkedRuns.length !== 2}
          title={checkedRuns.length === 2 ? 'Diff the two runs' : 'Tick exactly two runs to diff them'}
          onClick={() => onCompare('diff')}
        >
          Diff
        </button>
        {ACTION_GROUPS.map((group) => (
          <span key={group[0]!.id} className="runs-action-group">
            <span className="toolbar-sep" />
            {group.map((a) => (
              <button
                key={a.id}
                type="button"
                className={`button small ${a.danger ? 'danger' : ''}`}
                data-testid={a.id}
                disabled={none || busy}
                title={a.title}
                onClick={() => void handlers[a.id]()}
              >
                {a.label}
              </button>
            ))}
          </span>
        ))}
        {notice && (
          <span className="runs-notice" data-testid="runs-notice" data-path={notice.path ?? ''}>
            {notice.text}
            <button
              type="button"
              className="icon-button"
              aria-label="Dismiss"
              onClick={() => setNotice(null)}
            >
              ×
            </button>
          </span>
        )}
      </div>
      {filter.error && (
        <div className="runs-filter-error" role="alert" data-testid="runs-filter-error">
          {filter.error}
        </div>
      )}
      <div className="table-scroll">
        <table className="runs-table" data-testid="runs-table">
          <thead>
            <tr>
              <th className="check-cell">
                <input
                  type="checkbox"
                  aria-label="Tick every run that matches the search and filter"
                  data-testid="runs-check-all"
                  checked={allChecked}
                  onChange={(e) => setChecked(allVisibleIds, e.target.checked)}
                />
              </th>
              {header('id', 'Run')}
              {header('experiment', 'Experiment')}
              {header('sweep', 'Sweep point')}
              {header('status', 'Status')}
              <th>Tags</th>
              {header('started', 'Started')}
              {header('duration', 'Duration', true)}
              {header('seed', 'Seed', true)}
              {columns.map((c) => (
                <th
                  key={c}
                  className="num"
                  aria-sort={sort.column === c ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                >
                  <span className="th-extra">
                    <button
                      type="button"
                      className="th-sort"
                      data-testid={`sort-${c}`}
                      title={c}
                      onClick={() => sortBy(c)}
                    >
                      {COLUMN_LABELS[c] ?? c.split('.').slice(-2).join('.')}
                      <span className="sort-mark" aria-hidden="true">
                        {sort.column === c ? (sort.descending ? '▼' : '▲') : ''}
                      </span>
                    </button>
                    <button
                      type="button"
                      className="th-remove"
                      aria-label={`Remove the ${c} column`}
                      onClick={() => setColumns((cs) => cs.filter((x) => x !== c))}
                    >
                      ×
                    </button>
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((item) =>
              item.kind === 'run'
                ? row(item.run, false)
                : [
                    sweepRow(item.sweepId, item.runs),
                    ...(collapsed.has(item.sweepId) ? [] : item.runs.map((r) => row(r, true))),
                  ],
            )}
          </tbody>
        </table>
        {shown.length < items.length && (
          <button
            type="button"
            className="button small runs-more"
            data-testid="runs-more"
            onClick={() => setLimit((l) => l + ROW_PAGE)}
          >
            Show more ({items.length - shown.length} more rows or sweeps)
          </button>
        )}
        {visible.length === 0 && (
          <div className="empty-note" data-testid="runs-none-match">
            No run matches the search and filter.
          </div>
        )}
      </div>
      {prompt}
    </div>
  );
}

function countStatuses(runs: readonly RunSummary[]): Partial<Record<RunStatus, number>> {
  const out: Partial<Record<RunStatus, number>> = {};
  for (const r of runs) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

function formatCell(run: RunSummary, column: string): string {
  if (column in run.metrics) {
    const v = run.metrics[column];
    return column.endsWith('accuracy') ? formatPercent(v) : formatNumber(v);
  }
  return run.params[column] ?? '–';
}
