// The Cluster tab: run the open file's sweep on a Slurm cluster (here, or through an SSH login
// node), follow each point (queued, running, done, failed with its stderr), and collect finished
// points into the project's runs. The engine does the work (cluster.* RPCs, docs/cluster.md).
import { useCallback, useEffect, useState } from 'react';
import type { Result, RunOverrides } from '../../../engine/protocol/schema';
import { useStudio } from '../app/studio-context';
import './cluster.css';

type ClusterSweep = Result<'cluster.sweeps'>['sweeps'][number];
type Preview = Result<'cluster.submit'>;

/** Points still queued or running: the list refreshes itself while there are any. */
const active = (s: ClusterSweep) => s.points.some((p) => p.state === 'queued' || p.state === 'running');
const POLL_MS = 3000;

export function ClusterPanel({
  path,
  experiment,
  getText,
  overrides,
  onOpenRun,
}: {
  path: string | null;
  experiment: string | null;
  getText: () => string | null;
  /** The run panel's Quick look slices, when ticked: every point trains on them. */
  overrides: RunOverrides | null;
  onOpenRun: (runId: string) => void;
}) {
  const { engine, errors } = useStudio();
  const [sweeps, setSweeps] = useState<ClusterSweep[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [partition, setPartition] = useState('');
  const [time, setTime] = useState('');
  const [cpus, setCpus] = useState('1');
  const [sshHost, setSshHost] = useState('');
  const [remoteDir, setRemoteDir] = useState('');

  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setSweeps((await engine.call('cluster.sweeps', {})).sweeps);
    } catch (err) {
      errors.report('Reading the cluster sweeps', err);
    } finally {
      setLoading(false);
    }
  }, [engine, errors]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const anyActive = sweeps?.some(active) ?? false;
  useEffect(() => {
    if (!anyActive) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [anyActive, refresh]);

  const submit = async (dryRun: boolean) => {
    if (!path) return;
    const cpuCount = Number(cpus);
    if (!Number.isInteger(cpuCount) || cpuCount < 1) {
      setMessage(`CPUs per point must be a positive integer, not "${cpus}".`);
      return;
    }
    if ((sshHost === '') !== (remoteDir === '')) {
      setMessage('Over SSH, give both the login host and the remote directory (or neither, to submit here).');
      return;
    }
    setBusy(dryRun ? 'preview' : 'submit');
    setMessage(null);
    try {
      const result = await engine.call('cluster.submit', {
        path,
        text: getText() ?? undefined,
        ...(experiment ? { experiment } : {}),
        ...(overrides ? { overrides } : {}),
        slurm: {
          cpus: cpuCount,
          ...(partition ? { partition } : {}),
          ...(time ? { time } : {}),
        },
        ...(sshHost ? { ssh: { host: sshHost, remoteDir } } : {}),
        dryRun,
      });
      if (dryRun) setPreview(result);
      else {
        setPreview(null);
        setMessage(`Submitted ${result.sweepId} as Slurm job ${result.jobId}: ${result.points} point(s).`);
        await refresh();
      }
    } catch (err) {
      errors.report(dryRun ? 'Preparing the cluster job' : 'Submitting to the cluster', err);
    } finally {
      setBusy(null);
    }
  };

  const collect = async (sweepId: string, resubmitFailed: boolean) => {
    setBusy(`${sweepId}:${resubmitFailed ? 'resubmit' : 'collect'}`);
    try {
      const r = await engine.call('cluster.collect', { sweepId, resubmitFailed });
      const parts = [
        `${r.imported.length} run(s) imported`,
        r.alreadyCollected.length ? `${r.alreadyCollected.length} already collected` : null,
        r.failed.length ? `${r.failed.length} failed` : null,
        r.resubmittedJobId
          ? `point(s) ${r.failed.join(', ')} resubmitted as job ${r.resubmittedJobId}`
          : null,
        ...r.unreadable.map((u) => `point ${u.index} not imported: ${u.reason}`),
      ].filter(Boolean);
      setMessage(`${sweepId}: ${parts.join('; ')}.`);
      await refresh();
    } catch (err) {
      errors.report(`Collecting ${sweepId}`, err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="cluster-panel" data-testid="cluster-panel">
      <section className="cluster-submit" aria-label="Run the sweep on a cluster">
        <h3>Run on cluster</h3>
        <p className="cluster-note">
          {path
            ? `The sweep of ${experiment ?? 'the first experiment'} in ${path}, one Slurm array task per point${
                overrides
                  ? `, on the Quick look slices (${overrides.trainLimit ?? 'all'} training / ${overrides.testLimit ?? 'all'} test samples, ${overrides.epochs ?? 'the set'} epoch(s)).`
                  : '.'
              }`
            : 'Open a .nfab file with a sweep to run it on a cluster.'}
        </p>
        <div className="cluster-form">
          <Field label="Partition" value={partition} onChange={setPartition} placeholder="default" />
          <Field label="Time limit" value={time} onChange={setTime} placeholder="HH:MM:SS" />
          <Field label="CPUs per point" value={cpus} onChange={setCpus} numeric />
          <Field label="SSH login host" value={sshHost} onChange={setSshHost} placeholder="(submit here)" />
          <Field
            label="Remote directory"
            value={remoteDir}
            onChange={setRemoteDir}
            placeholder="/scratch/…"
          />
        </div>
        <div className="cluster-actions">
          <button
            type="button"
            className="button"
            disabled={!path || busy !== null}
            onClick={() => void submit(true)}
          >
            Preview job
          </button>
          <button
            type="button"
            className="button primary"
            disabled={!path || busy !== null}
            onClick={() => void submit(false)}
            data-testid="cluster-submit"
          >
            {busy === 'submit' ? 'Submitting…' : 'Submit to Slurm'}
          </button>
        </div>
        {message && (
          <p className="cluster-message" role="status">
            {message}
          </p>
        )}
        {preview && (
          <details className="cluster-preview" open>
            <summary>
              {preview.points} point(s): <code>{preview.command}</code>
            </summary>
            <pre>{preview.script}</pre>
          </details>
        )}
      </section>
      <section className="cluster-sweeps" aria-label="Cluster sweeps">
        <div className="cluster-sweeps-header">
          <h3>Cluster sweeps</h3>
          {anyActive && <span className="cluster-note">refreshing every {POLL_MS / 1000} s</span>}
          <button type="button" className="button" onClick={() => void refresh()} disabled={loading}>
            Refresh
          </button>
        </div>
        {sweeps === null ? (
          <p className="cluster-note">Loading…</p>
        ) : sweeps.length === 0 ? (
          <p className="cluster-note">No sweep of this project has been submitted to a cluster yet.</p>
        ) : (
          sweeps.map((s) => (
            <ClusterSweepView
              key={s.sweepId}
              sweep={s}
              busy={busy}
              onCollect={(resubmit) => void collect(s.sweepId, resubmit)}
              onOpenRun={onOpenRun}
            />
          ))
        )}
      </section>
    </div>
  );
}

function Field({
  label,
  value,
  onChange,
  placeholder,
  numeric = false,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  numeric?: boolean;
}) {
  return (
    <label>
      {label}
      <input
        className="input"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        inputMode={numeric ? 'numeric' : undefined}
      />
    </label>
  );
}

function ClusterSweepView({
  sweep,
  busy,
  onCollect,
  onOpenRun,
}: {
  sweep: ClusterSweep;
  busy: string | null;
  onCollect: (resubmitFailed: boolean) => void;
  onOpenRun: (runId: string) => void;
}) {
  const count = (state: string) => sweep.points.filter((p) => p.state === state).length;
  const failed = count('failed');
  const uncollected = sweep.points.filter((p) => p.state === 'done' && p.runId === null).length;
  return (
    <div className="cluster-sweep" data-testid={`cluster-sweep-${sweep.sweepId}`}>
      <div className="cluster-sweep-header">
        <strong>{sweep.sweepId}</strong>
        <span className="cluster-note">
          {sweep.experiment} · {sweep.target === 'local' ? 'this machine' : `via ${sweep.target}`} ·{' '}
          {new Date(sweep.createdAt).toLocaleString()}
        </span>
        <span className="cluster-counts">
          {['queued', 'running', 'done', 'failed'].map((st) =>
            count(st) ? (
              <span key={st} className={`cluster-state ${st}`}>
                {count(st)} {st}
              </span>
            ) : null,
          )}
        </span>
        <button
          type="button"
          className="button"
          disabled={busy !== null || uncollected === 0}
          onClick={() => onCollect(false)}
        >
          Collect{uncollected ? ` ${uncollected}` : ''}
        </button>
        <button
          type="button"
          className="button"
          disabled={busy !== null || failed === 0}
          onClick={() => onCollect(true)}
        >
          Resubmit failed
        </button>
      </div>
      {sweep.error && <p className="cluster-error">The cluster could not be asked: {sweep.error}</p>}
      <table className="cluster-points">
        <thead>
          <tr>
            <th>Point</th>
            <th>Values</th>
            <th>State</th>
            <th>Job</th>
            <th>Node</th>
            <th>Run</th>
          </tr>
        </thead>
        <tbody>
          {sweep.points.map((p) => (
            <tr key={p.index} data-state={p.state}>
              <td>{p.index}</td>
              <td>{p.label}</td>
              <td>
                <span className={`cluster-state ${p.state}`} title={p.reason ?? undefined}>
                  {p.state}
                </span>
                {p.reason && (
                  <details className="cluster-reason">
                    <summary>why</summary>
                    <pre>{p.reason}</pre>
                  </details>
                )}
              </td>
              <td>{p.jobId ? `${p.jobId}_${p.index}` : ''}</td>
              <td>{p.node ?? ''}</td>
              <td>
                {p.runId ? (
                  <button type="button" className="button link" onClick={() => onOpenRun(p.runId!)}>
                    open
                  </button>
                ) : (
                  ''
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
