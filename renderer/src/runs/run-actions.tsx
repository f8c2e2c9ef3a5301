// The bulk actions of the runs table on the ticked runs (re-run, tag, note, delete, export,
// report) and a sweep's Resume: each reports failures in the error banner and says what it did
// in a notice; tag and note ask through PromptDialog, delete through the ConfirmDialog.
import { type ReactNode, useState } from 'react';
import type { RunSummary, SweepSummary } from '../../../engine/protocol/schema';
import { PromptDialog, type PromptRequest } from '../analysis/PromptDialog';
import type { ConfirmRequest } from '../app/ConfirmDialog';
import { useStudio } from '../app/studio-context';
import { isActiveStatus, shortId } from './format';

export type ActionId =
  | 'runs-rerun'
  | 'runs-tag'
  | 'runs-note'
  | 'runs-delete'
  | 'runs-export-csv'
  | 'runs-export-json'
  | 'report-html'
  | 'report-pdf';
interface Action {
  id: ActionId;
  label: string;
  title: string;
  danger?: boolean;
}
/** The bulk actions on the ticked runs, in toolbar groups (the id is also the test id). */
export const ACTION_GROUPS: Action[][] = [
  [
    {
      id: 'runs-rerun',
      label: 'Re-run',
      title: 'Run again from the recorded DSL, seed and overrides (new runs)',
    },
    { id: 'runs-tag', label: 'Tag…', title: 'Set or remove a tag on the runs' },
    { id: 'runs-note', label: 'Note…', title: 'Write a note on the runs' },
    { id: 'runs-delete', label: 'Delete', title: 'Delete the runs and all they recorded', danger: true },
  ],
  [
    { id: 'runs-export-csv', label: 'CSV', title: 'Download params, tags and metric history as CSV' },
    { id: 'runs-export-json', label: 'JSON', title: 'Download params, tags and metric history as JSON' },
    { id: 'report-html', label: 'HTML report', title: 'Write a self-contained HTML report into reports/' },
    { id: 'report-pdf', label: 'PDF', title: 'Write a PDF report into reports/' },
  ],
];

/** report.export's limit on runIds (engine/protocol/schema.ts). */
const REPORT_MAX_RUNS = 200;
export interface Notice {
  text: string;
  /** A written file's path (a report), for tests and copy-paste. */
  path?: string;
}

export function useRunActions({
  checkedRuns,
  onSelect,
  ask,
  reload,
  untick,
}: {
  checkedRuns: RunSummary[];
  onSelect: (runId: string) => void;
  ask: (request: Omit<ConfirmRequest, 'resolve'>) => Promise<string>;
  reload: () => void;
  untick: (ids: string[]) => void;
}): {
  busy: boolean;
  notice: Notice | null;
  setNotice: (notice: Notice | null) => void;
  /** The open prompt dialog, if any, to render. */
  prompt: ReactNode;
  resume: (sweep: SweepSummary) => Promise<void>;
  handlers: Record<ActionId, () => Promise<void>>;
} {
  const { engine, errors } = useStudio();
  const [prompt, setPrompt] = useState<PromptRequest | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (what: string, fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      errors.report(what, err);
    } finally {
      setBusy(false);
    }
  };

  const rerun = () =>
    act('Re-running', async () => {
      let first: string | null = null;
      for (const r of checkedRuns) {
        const res = await engine.call('run.rerun', { runId: r.id });
        first ??= res.runId;
      }
      if (first) onSelect(first);
    });

  const askText = (request: Omit<PromptRequest, 'resolve'>) =>
    new Promise<string | null>((resolve) =>
      setPrompt({
        ...request,
        resolve: (v) => {
          setPrompt(null);
          resolve(v);
        },
      }),
    );

  const tag = async () => {
    const text = await askText({
      title: `Tag ${checkedRuns.length} run(s)`,
      message: 'key=value sets a tag; key alone sets it to an empty value; -key removes it.',
      label: 'Tag',
      initial: '',
      placeholder: 'baseline=yes',
      validate: (v) =>
        /^\s*-?[\w.:-]+(\s*=.*)?$/.test(v)
          ? null
          : 'Write key=value, key, or -key (letters, digits, _ . : -).',
    });
    if (text === null) return;
    const m = /^\s*(-?)([\w.:-]+)\s*(?:=\s*(.*))?$/.exec(text)!;
    const remove = m[1] === '-';
    await act('Tagging runs', async () => {
      for (const r of checkedRuns) {
        await engine.call('runs.setTag', {
          runId: r.id,
          key: m[2]!,
          value: remove ? null : (m[3] ?? '').trim(),
        });
      }
      reload();
    });
  };

  const note = async () => {
    const first = checkedRuns[0];
    if (!first) return;
    const text = await askText({
      title: checkedRuns.length === 1 ? `Note on ${shortId(first.id)}` : `Note on ${checkedRuns.length} runs`,
      message: 'Free text (Markdown) kept with the run; it is searched and goes into reports.',
      label: 'Note',
      initial: checkedRuns.length === 1 ? first.note : '',
      multiline: true,
    });
    if (text === null) return;
    await act('Saving the note', async () => {
      for (const r of checkedRuns) await engine.call('runs.setNote', { runId: r.id, note: text });
      reload();
    });
  };

  const remove = async () => {
    const active = checkedRuns.filter((r) => isActiveStatus(r.status));
    if (active.length > 0) {
      errors.report(
        'Deleting runs',
        new Error(`${active.length} of the runs are still queued or running; cancel them first.`),
      );
      return;
    }
    const answer = await ask({
      title: `Delete ${checkedRuns.length} run(s)?`,
      message: 'Their parameters, metrics, logs and artifacts are removed from the project for good.',
      actions: [
        { label: 'Cancel', value: 'cancel', primary: true },
        { label: 'Delete', value: 'delete', danger: true },
      ],
    });
    if (answer !== 'delete') return;
    await act('Deleting runs', async () => {
      const ids = checkedRuns.map((r) => r.id);
      const { deleted } = await engine.call('runs.delete', { runIds: ids });
      untick(ids);
      setNotice({ text: `Deleted ${deleted} run(s).` });
      reload();
    });
  };

  const exportRuns = (format: 'csv' | 'json') =>
    act(`Exporting runs as ${format.toUpperCase()}`, async () => {
      const res = await engine.call('runs.export', { runIds: checkedRuns.map((r) => r.id), format });
      const url = URL.createObjectURL(new Blob([res.text], { type: res.mediaType }));
      const a = document.createElement('a');
      a.href = url;
      a.download = res.fileName;
      a.click();
      window.setTimeout(() => URL.revokeObjectURL(url), 1000);
      setNotice({ text: `Exported ${checkedRuns.length} run(s) as ${res.fileName}.` });
    });

  const report = (format: 'html' | 'pdf') =>
    act(`Exporting a ${format.toUpperCase()} report`, async () => {
      if (checkedRuns.length > REPORT_MAX_RUNS) {
        throw new Error(
          `A report takes at most ${REPORT_MAX_RUNS} runs; ${checkedRuns.length} are ticked. Filter or untick some.`,
        );
      }
      const res = await engine.call('report.export', { runIds: checkedRuns.map((r) => r.id), format });
      setNotice({
        text: `Report written to ${res.path} (${(res.bytes / 1024).toFixed(0)} KiB).`,
        path: res.path,
      });
    });

  const resume = (sweep: SweepSummary) =>
    act('Resuming the sweep', async () => {
      const res = await engine.call('sweep.resume', { sweepId: sweep.id });
      if (res.runId) onSelect(res.runId);
      setNotice({ text: `Resumed ${res.runIds.length} missing point(s) of the sweep.` });
    });

  const handlers: Record<ActionId, () => Promise<void>> = {
    'runs-rerun': rerun,
    'runs-tag': tag,
    'runs-note': note,
    'runs-delete': remove,
    'runs-export-csv': () => exportRuns('csv'),
    'runs-export-json': () => exportRuns('json'),
    'report-html': () => report('html'),
    'report-pdf': () => report('pdf'),
  };
  return {
    busy,
    notice,
    setNotice,
    prompt: prompt && <PromptDialog request={prompt} />,
    resume,
    handlers,
  };
}
