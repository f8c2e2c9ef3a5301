// A stored run's recorded parameters (the flattened training plan) and where it came from.
import { useMemo, useState } from 'react';
import type { RunDetail } from '../../../engine/protocol/schema';
import { formatTime } from './format';
import { SpikeView } from './spikes/SpikeView';

export function RunDetails({ detail }: { detail: RunDetail }) {
  const [filter, setFilter] = useState('');
  const params = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return Object.entries(detail.params)
      .filter(([k, v]) => !needle || k.toLowerCase().includes(needle) || v.toLowerCase().includes(needle))
      .sort(([a], [b]) => a.localeCompare(b));
  }, [detail.params, filter]);

  return (
    <section className="run-details" data-testid="run-details">
      <SpikeView runId={detail.id} status={detail.status} />
      <div className="section-title">
        Details
        <span className="section-sub">
          {detail.sourceFile ?? 'unsaved source'} · seed {detail.seed} · {formatTime(detail.startedAt)}
        </span>
      </div>
      {detail.error && <div className="run-error">{detail.error}</div>}
      <input
        className="input small"
        placeholder={`Filter ${Object.keys(detail.params).length} parameters`}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        aria-label="Filter parameters"
      />
      <div className="params-scroll">
        <table className="params-table" data-testid="run-params">
          <tbody>
            {params.map(([k, v]) => (
              <tr key={k}>
                <td className="param-key">{k}</td>
                <td className="param-value mono">{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
