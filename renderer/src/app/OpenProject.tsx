// Shown when the engine has no project open: a path field (browser mode) or the native folder
// picker (Electron), and whether to create the folder if it does not exist.
import { type FormEvent, useState } from 'react';
import type { ProjectInfo } from '../../../engine/protocol/schema';
import { useStudio } from './studio-context';

export function OpenProject({
  onOpened,
  onCancel,
}: {
  onOpened: (p: ProjectInfo) => void;
  onCancel?: () => void;
}) {
  const { engine, errors } = useStudio();
  const [root, setRoot] = useState('');
  const [create, setCreate] = useState(false);
  const [busy, setBusy] = useState(false);
  const pick = engine.platform.pickProjectFolder;

  const open = async (path: string) => {
    setBusy(true);
    try {
      onOpened(await engine.call('project.open', { root: path, create }));
    } catch (err) {
      errors.report(`Opening project ${path}`, err);
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (root.trim()) void open(root.trim());
  };

  return (
    <div className="welcome">
      <form className="welcome-card" onSubmit={submit} data-testid="open-project-form">
        <div className="brand-mark large" aria-hidden="true" />
        <h1>Open a project</h1>
        <p className="muted">
          A project is a folder of <code>.nfab</code> sources; its runs are recorded in{' '}
          <code>.neurofab/project.db</code> inside it.
        </p>
        <label className="field-label" htmlFor="project-path">
          Project folder
        </label>
        <div className="row">
          <input
            id="project-path"
            className="input"
            data-testid="project-path-input"
            placeholder="/home/me/chips/spin-mlp"
            value={root}
            onChange={(e) => setRoot(e.target.value)}
            spellCheck={false}
            // biome-ignore lint/a11y/noAutofocus: the only thing to do on this screen
            autoFocus
          />
          {pick && (
            <button
              type="button"
              className="button"
              onClick={async () => {
                const chosen = await pick().catch((err) => {
                  errors.report('Choosing a folder', err);
                  return null;
                });
                if (chosen) {
                  setRoot(chosen);
                  void open(chosen);
                }
              }}
            >
              Browse…
            </button>
          )}
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="project-create"
            checked={create}
            onChange={(e) => setCreate(e.target.checked)}
          />
          Create the folder if it does not exist
        </label>
        <div className="row end">
          {onCancel && (
            <button type="button" className="button" onClick={onCancel}>
              Cancel
            </button>
          )}
          <button
            type="submit"
            className="button primary"
            data-testid="open-project-button"
            disabled={busy || !root.trim()}
          >
            {busy ? 'Opening…' : 'Open'}
          </button>
        </div>
      </form>
    </div>
  );
}
