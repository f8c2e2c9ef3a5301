// Two runs side by side: what they were started with (params, overrides, seed), how they are
// labelled (tags, note) and what they reached (final metrics), differences highlighted; then the
// DSL each one ran, in Monaco's diff editor.
import { DiffEditor } from '@monaco-editor/react';
import { useEffect, useMemo, useState } from 'react';
import type { RunDetail, RunSummary } from '../../../engine/protocol/schema';
import { useStudio } from '../app/studio-context';
import '../editor/monaco-setup';
import { NFAB_LANGUAGE_ID } from '../editor/nfab-language';
import { THEME_ID } from '../editor/theme';
import { formatNumber, shortId } from '../runs/format';
import { runLabel } from './MetricOverlay';

interface Row {
  section: string;
  key: string;
  a: string;
  b: string;
}

function rowsOf(a: RunDetail, b: RunDetail): Row[] {
  const rows: Row[] = [];
  const add = (section: string, ra: Record<string, string>, rb: Record<string, string>) => {
    for (const key of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
      rows.push({ section, key, a: ra[key] ?? '–', b: rb[key] ?? '–' });
    }
  };
  add(
    'run',
    { experiment: a.experiment, status: a.status, seed: String(a.seed), source: a.sourceFile ?? '–' },
    { experiment: b.experiment, status: b.status, seed: String(b.seed), source: b.sourceFile ?? '–' },
  );
  const fmt = (m: Record<string, number>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, formatNumber(v, 6)]));
  add('metrics', fmt(a.metrics), fmt(b.metrics));
  add('params', a.params, b.params);
  const str = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
  add('overrides', str(a.overrides ?? {}), str(b.overrides ?? {}));
  add('tags', a.tags ?? {}, b.tags ?? {});
  if (a.note || b.note) add('note', { note: a.note }, { note: b.note });
  return rows;
}

export function RunDiff({ runs }: { runs: RunSummary[] }) {
  const { engine, errors } = useStudio();
  const [aId, setAId] = useState<string | null>(null);
  const [bId, setBId] = useState<string | null>(null);
  const ids = runs.map((r) => r.id);
  const a = aId && ids.includes(aId) ? aId : (ids[0] ?? null);
  const b = bId && ids.includes(bId) && bId !== a ? bId : (ids.find((id) => id !== a) ?? null);
  const [details, setDetails] = useState<[RunDetail, RunDetail] | null>(null);
  const [onlyDiff, setOnlyDiff] = useState(true);

  useEffect(() => {
    setDetails(null);
    if (!a || !b) return;
    let stale = false;
    // The diff compares params, metrics and DSL, not histories: a token history keeps it quick on long runs.
    Promise.all([
      engine.call('runs.get', { runId: a, maxPointsPerKey: 10 }),
      engine.call('runs.get', { runId: b, maxPointsPerKey: 10 }),
    ]).then(
      ([da, db]) => !stale && setDetails([da, db]),
      (err) => errors.report(`Loading runs ${shortId(a)} and ${shortId(b)}`, err),
    );
    return () => {
      stale = true;
    };
  }, [a, b, engine, errors]);

  const rows = useMemo(() => (details ? rowsOf(details[0], details[1]) : []), [details]);
  const differing = rows.filter((r) => r.a !== r.b);

  if (runs.length < 2) return <div className="empty-note">Tick two runs in the Runs tab to diff them.</div>;
  const picker = (value: string | null, set: (id: string) => void, testId: string, label: string) => (
    <label>
      {label}
      <select
        className="select"
        data-testid={testId}
        value={value ?? ''}
        onChange={(e) => set(e.target.value)}
      >
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {runLabel(r)}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="compare-pane diff-pane" data-testid="run-diff">
      <div className="compare-controls">
        {picker(a, setAId, 'diff-a', 'A')}
        {picker(b, setBId, 'diff-b', 'B')}
        <label>
          <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} />
          Only differences
        </label>
        <span className="compare-caption" data-testid="diff-count">
          {details ? `${differing.length} of ${rows.length} values differ` : 'Loading…'}
        </span>
      </div>
      {details && (
        <div className="diff-body">
          <div className="diff-table-scroll">
            <table className="diff-table" data-testid="diff-table">
              <thead>
                <tr>
                  <th>Section</th>
                  <th>Key</th>
                  <th className="mono">A {shortId(details[0].id)}</th>
                  <th className="mono">B {shortId(details[1].id)}</th>
                </tr>
              </thead>
              <tbody>
                {(onlyDiff ? differing : rows).map((r) => (
                  <tr
                    key={`${r.section}:${r.key}`}
                    className={r.a !== r.b ? 'diff-changed' : undefined}
                    data-testid="diff-row"
                    data-section={r.section}
                    data-key={r.key}
                    data-differs={r.a !== r.b}
                  >
                    <td className="muted">{r.section}</td>
                    <td className="param-key">{r.key}</td>
                    <td className="mono">{r.a}</td>
                    <td className="mono">{r.b}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {onlyDiff && differing.length === 0 && (
              <div className="empty-note">The two runs agree on everything.</div>
            )}
          </div>
          <div className="diff-editor" data-testid="dsl-diff">
            {details[0].dslSnapshot === null || details[1].dslSnapshot === null ? (
              <div className="empty-note">
                {details[0].dslSnapshot === null ? shortId(details[0].id) : shortId(details[1].id)} has no
                recorded DSL snapshot.
              </div>
            ) : (
              <DiffEditor
                original={details[0].dslSnapshot}
                modified={details[1].dslSnapshot}
                language={NFAB_LANGUAGE_ID}
                theme={THEME_ID}
                options={{
                  readOnly: true,
                  originalEditable: false,
                  renderSideBySide: true,
                  minimap: { enabled: false },
                  scrollBeyondLastLine: false,
                  fontSize: 12,
                  automaticLayout: true,
                }}
              />
            )}
          </div>
        </div>
      )}
    </div>
  );
}
