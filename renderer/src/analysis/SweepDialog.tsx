// "Sweep…": pick a device or neuron field of the open file (or one it imports) and a list of
// values; the dialog writes `sweep dev.field in [...]` into the experiment (one undoable edit in
// the editor, refused with the checker's message if it would bring an error) and can run it.
import { useEffect, useMemo, useState } from 'react';
import { dirname, resolvePath } from '../../../engine/dsl/imports';
import { applyEdit, validateEdit } from '../../../engine/dsl/schematic/edits';
import { useStudio } from '../app/studio-context';
import type { OpenDocument } from '../editor/documents';
import { monaco } from '../editor/monaco-setup';
import { importsOf, parseValues, type SweepTarget, sweepEdit, sweepTargets } from './sweep-edit';

export function SweepDialog({
  doc,
  experiment,
  onClose,
  onRun,
  onRunOnCluster,
}: {
  doc: OpenDocument;
  experiment: string;
  onClose: () => void;
  /** Runs the experiment as the Run button would (its Quick look setting applies). */
  onRun: () => void;
  /** Opens the Cluster tab, where the inserted sweep is submitted to Slurm (docs/cluster.md). */
  onRunOnCluster?: () => void;
}) {
  const { engine } = useStudio();
  // Imported files, read once through the engine: their devices are sweepable too, and the
  // checker needs them to validate the edit.
  const [imported, setImported] = useState<Map<string, string> | null>(null);
  const [target, setTarget] = useState('');
  const [valuesText, setValuesText] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    const files = new Map<string, string>();
    const visit = async (path: string, text: string): Promise<void> => {
      for (const rel of importsOf(text)) {
        const p = resolvePath(dirname(path), rel);
        if (files.has(p)) continue;
        const read = await engine.call('file.read', { path: p }).then(
          (r) => r.text,
          () => null,
        );
        if (read === null) continue;
        files.set(p, read);
        await visit(p, read);
      }
    };
    void visit(doc.path, doc.model.getValue()).then(() => !stale && setImported(files));
    return () => {
      stale = true;
    };
  }, [doc, engine]);

  const targets: SweepTarget[] = useMemo(
    () =>
      imported
        ? sweepTargets([{ text: doc.model.getValue() }, ...[...imported.values()].map((text) => ({ text }))])
        : [],
    [imported, doc],
  );
  const chosen = target || (targets[0] ? `${targets[0].name}.${targets[0].fields[0]?.name ?? ''}` : '');
  const [dev, field] = chosen.split('.');
  const spec = targets.find((t) => t.name === dev)?.fields.find((f) => f.name === field);
  const values = parseValues(valuesText);
  const line = `sweep ${chosen} in [${values.join(', ')}]`;

  const apply = (then: 'stay' | 'run' | 'cluster') => {
    const text = doc.model.getValue();
    const result = sweepEdit(text, experiment, chosen, values);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    const checked = validateEdit(doc.path, text, result.edit, (p) => imported?.get(p) ?? null);
    if (!checked.ok) {
      setError(`The checker refuses it: ${checked.message ?? 'a new error'}`);
      return;
    }
    const m = doc.model;
    const s = m.getPositionAt(result.edit.offset);
    const e = m.getPositionAt(result.edit.offset + result.edit.length);
    m.pushStackElement();
    m.pushEditOperations(
      [],
      [
        {
          range: new monaco.Range(s.lineNumber, s.column, e.lineNumber, e.column),
          text: result.edit.newText,
        },
      ],
      () => null,
    );
    m.pushStackElement();
    // The model now holds exactly what validateEdit checked.
    if (m.getValue() !== applyEdit(text, result.edit)) {
      setError('The editor text changed while the sweep was inserted; try again.');
      return;
    }
    // Show the line where it went, in whichever editor shows this file.
    const at = m.getPositionAt(result.edit.offset + result.edit.newText.search(/\S/));
    const editor = monaco.editor.getEditors().find((ed) => ed.getModel() === m);
    editor?.revealLineInCenter(at.lineNumber);
    editor?.setPosition(at);
    onClose();
    if (then === 'run') onRun();
    else if (then === 'cluster') onRunOnCluster?.();
  };

  return (
    <div className="modal-backdrop">
      <div
        className="modal sweep-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="sweep-title"
        data-testid="sweep-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        <h2 id="sweep-title">Sweep a field of {experiment}</h2>
        <p>
          Writes a <span className="mono">sweep</span> line into the experiment: the text stays the source of
          truth (Ctrl+Z undoes it). A sweep over the same field is replaced; sweeps over other fields make a
          grid.
        </p>
        <label className="field-label">
          Field
          <select
            className="select"
            data-testid="sweep-field"
            value={chosen}
            disabled={!imported}
            onChange={(e) => setTarget(e.target.value)}
          >
            {!imported && <option value="">reading the design…</option>}
            {targets.map((t) => (
              <optgroup key={t.name} label={`${t.keyword} ${t.name} : ${t.kind}`}>
                {t.fields.map((f) => (
                  <option key={f.name} value={`${t.name}.${f.name}`}>
                    {t.name}.{f.name}
                    {f.current !== null ? ` (now ${f.current})` : ''}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        {imported && targets.length === 0 && (
          <div className="error-text">This file and its imports declare no device or neuron to sweep.</div>
        )}
        {spec && <div className="hint">{spec.doc}</div>}
        <label className="field-label">
          Values (comma-separated, DSL notation: 0.01, 1%, 25uS)
          <input
            className="input"
            data-testid="sweep-values"
            value={valuesText}
            placeholder="0, 1%, 2%, 5%"
            onChange={(e) => {
              setValuesText(e.target.value);
              setError(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') apply('run');
            }}
          />
        </label>
        <div className="sweep-preview" data-testid="sweep-preview">
          {line}
          {values.length > 0 ? `   // ${values.length} point(s)` : ''}
        </div>
        {error && (
          <div className="error-text" role="alert" data-testid="sweep-error">
            {error}
          </div>
        )}
        <div className="row end">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button"
            data-testid="sweep-insert"
            disabled={!chosen || values.length === 0}
            onClick={() => apply('stay')}
          >
            Insert
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="sweep-run"
            disabled={!chosen || values.length === 0}
            onClick={() => apply('run')}
          >
            Insert and run
          </button>
          {onRunOnCluster && (
            <button
              type="button"
              className="button"
              data-testid="sweep-cluster"
              disabled={!chosen || values.length === 0}
              onClick={() => apply('cluster')}
              title="Insert the sweep, then submit it to Slurm from the Cluster tab"
            >
              Insert, run on cluster…
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
