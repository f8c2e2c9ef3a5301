// Keeping the editor and the disk honest with each other: unsaved buffers a previous session left
// are brought back (hot exit, engine/host/backups.ts), and a file something else changed on disk
// is offered for reload. Both show as banners above the workbench until dealt with.
import { useEffect, useState } from 'react';
import { DismissButton } from '../app/Banners';
import { useConnection, useDocuments, useStudio } from '../app/studio-context';
import { DISK_POLL_MS } from './documents';

interface Restored {
  restored: string[];
  diskChanged: string[];
}

export function DiskBanners({ projectRoot }: { projectRoot: string | null }) {
  const { documents, errors } = useStudio();
  const snapshot = useDocuments();
  const connection = useConnection();
  const connected = connection.phase === 'open';
  const [restored, setRestored] = useState<Restored | null>(null);
  // Backups are restored once per project (a reconnect to a restarted engine does not repeat it).
  const [restoredFor, setRestoredFor] = useState<string | null>(null);

  useEffect(() => {
    if (!connected || projectRoot === null || restoredFor === projectRoot) return;
    setRestoredFor(projectRoot);
    documents.restoreBackups().then(
      (r) => setRestored(r.restored.length > 0 ? r : null),
      (err) => errors.report('Restoring unsaved changes from the last session', err),
    );
  }, [connected, projectRoot, restoredFor, documents, errors]);

  useEffect(() => {
    if (!connected) return;
    const poll = () => {
      if (document.visibilityState === 'visible') void documents.pollDisk();
    };
    const timer = window.setInterval(poll, DISK_POLL_MS);
    window.addEventListener('focus', poll);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', poll);
    };
  }, [connected, documents]);

  const changed = snapshot.tabs.filter((t) => t.changedOnDisk);
  if (!restored && changed.length === 0) return null;
  return (
    <div className="banners" role="status">
      {restored && (
        <div className="banner info" data-testid="restored-banner">
          <div className="banner-body">
            <div className="banner-title">Unsaved changes restored</div>
            <div>
              {restored.restored.join(', ')} had unsaved changes when the studio last closed; they are back in
              the editor (Ctrl+Z shows the saved text).
              {restored.diskChanged.length > 0 &&
                ` ${restored.diskChanged.join(', ')} also changed on disk since: compare before saving.`}
            </div>
          </div>
          <DismissButton testId="dismiss-restored" onClick={() => setRestored(null)} />
        </div>
      )}
      {changed.map((t) => {
        const doc = documents.get(t.path);
        const deleted = doc?.changedOnDisk?.hash === null;
        return (
          <div key={t.path} className="banner info" data-testid="changed-on-disk" data-path={t.path}>
            <div className="banner-body">
              <div className="banner-title">
                {t.path} {deleted ? 'was deleted on disk' : 'changed on disk'}
              </div>
              <div>
                {deleted
                  ? 'Saving writes the editor’s text back.'
                  : t.dirty
                    ? 'Something else changed the file while it has unsaved changes here. Reload loses them; keeping yours overwrites the file on the next save.'
                    : 'Something else changed the file. Reload shows its new text.'}
              </div>
            </div>
            {!deleted && (
              <button
                type="button"
                className="button primary"
                data-testid="reload-from-disk"
                onClick={() => void documents.reload(t.path)}
              >
                Reload
              </button>
            )}
            <button
              type="button"
              className="button"
              data-testid="keep-mine"
              onClick={() => documents.keepMine(t.path)}
            >
              Keep mine
            </button>
          </div>
        );
      })}
    </div>
  );
}
