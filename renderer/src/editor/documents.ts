// Open files: one Monaco model per file, the version last saved (for the dirty marker), and the
// engine's latest diagnostics and experiment list for it. Lives outside React so that a
// reconnect or a re-render never loses unsaved text.
import { type Diagnostic, ErrorCode } from '../../../engine/protocol/schema';
import type { Engine } from '../app/engine';
import type { ErrorLog } from '../app/errors';
import { monaco, nfabLanguage } from './monaco-setup';
import { NFAB_LANGUAGE_ID } from './nfab-language';

/**
 * Diagnostics come from the .nfab language worker on every change (no server round trip). A file
 * with `import` statements is checked by the engine instead, which can read the imported files;
 * so is every file if the worker failed to start.
 */
const HAS_IMPORT = /^\s*import\b/m;

/** Pause in typing before the engine checks the text (keeps RPC traffic to one call per pause). */
const CHECK_DEBOUNCE_MS = 300;
/** Pause in typing before an unsaved buffer is backed up (hot exit, engine/host/backups.ts). */
const BACKUP_DEBOUNCE_MS = 1000;
/** How often open files are compared with the disk while the page is visible. */
export const DISK_POLL_MS = 3000;
const MARKER_OWNER = 'nfab';

export interface OpenDocument {
  readonly path: string;
  readonly model: monaco.editor.ITextModel;
  /** Monaco's alternative version id at the last save; undoing back to it clears the dirty mark. */
  savedVersion: number;
  dirty: boolean;
  diagnostics: Diagnostic[];
  experiments: string[];
  /** Set once the engine has checked some version of the text. */
  checked: boolean;
  viewState: monaco.editor.ICodeEditorViewState | null;
  timer: number | null;
  checkSeq: number;
  /** sha256 of the file on disk as last read or saved (null: not on disk). */
  diskHash: string | null;
  /** Set when the file on disk changed (or was deleted: null) since: the editor offers a reload. */
  changedOnDisk: { hash: string | null } | null;
  backupTimer: number | null;
}

export interface DocumentsSnapshot {
  tabs: { path: string; dirty: boolean; changedOnDisk: boolean }[];
  active: OpenDocument | null;
  /** Bumped whenever diagnostics or experiments change. */
  revision: number;
}

export const isNfab = (path: string): boolean => path.endsWith('.nfab');

function toMarker(d: Diagnostic): monaco.editor.IMarkerData {
  const { start, end } = d.range;
  const sameLine = start.line === end.line;
  return {
    severity:
      d.severity === 'error'
        ? monaco.MarkerSeverity.Error
        : d.severity === 'warning'
          ? monaco.MarkerSeverity.Warning
          : monaco.MarkerSeverity.Info,
    message: d.message,
    code: d.code,
    source: 'nfab',
    startLineNumber: start.line,
    startColumn: start.col,
    endLineNumber: end.line,
    // An empty range (e.g. "expected '}'" at end of file) still needs a visible squiggle.
    endColumn: sameLine && end.col <= start.col ? start.col + 1 : end.col,
  };
}

export class Documents {
  private readonly docs = new Map<string, OpenDocument>();
  private order: string[] = [];
  private activePath: string | null = null;
  private revision = 0;
  private snapshot: DocumentsSnapshot = { tabs: [], active: null, revision: 0 };
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly engine: Engine,
    private readonly errors: ErrorLog,
  ) {
    nfabLanguage.onDiagnostics((r) => {
      const doc = this.docs.get(r.path);
      // Answers for an older version of the text are dropped.
      if (!doc || doc.model.isDisposed() || r.version !== doc.model.getVersionId()) return;
      this.apply(doc, r.diagnostics, r.experiments);
    });
  }

  private apply(doc: OpenDocument, diagnostics: Diagnostic[], experiments: string[]): void {
    doc.diagnostics = diagnostics;
    doc.experiments = experiments;
    doc.checked = true;
    const own = diagnostics.filter((d) => d.range.file === doc.path || d.range.file === '');
    monaco.editor.setModelMarkers(doc.model, MARKER_OWNER, own.map(toMarker));
    this.revision++;
    this.emit();
  }

  /** Whether the worker can check this text (no imports to read from the project). */
  private inWorker(doc: OpenDocument): boolean {
    return nfabLanguage.ok && !HAS_IMPORT.test(doc.model.getValue());
  }

  getSnapshot = (): DocumentsSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get(path: string): OpenDocument | undefined {
    return this.docs.get(path);
  }

  get active(): OpenDocument | null {
    return this.activePath ? (this.docs.get(this.activePath) ?? null) : null;
  }

  anyDirty(): boolean {
    return [...this.docs.values()].some((d) => d.dirty);
  }

  /** Opens a project file in a tab (or focuses its tab). */
  async open(path: string): Promise<void> {
    if (this.docs.has(path)) {
      this.activate(path);
      return;
    }
    let text: string;
    let hash: string;
    try {
      ({ text, hash } = await this.engine.call('file.read', { path }));
    } catch (err) {
      this.errors.report(`Opening ${path}`, err);
      return;
    }
    if (this.docs.has(path)) {
      this.activate(path);
      return;
    }
    const uri = monaco.Uri.from({ scheme: 'nfab-project', path: `/${path}` });
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(text, isNfab(path) ? NFAB_LANGUAGE_ID : 'plaintext', uri);
    const doc: OpenDocument = {
      path,
      model,
      savedVersion: model.getAlternativeVersionId(),
      dirty: false,
      diagnostics: [],
      experiments: [],
      checked: false,
      viewState: null,
      timer: null,
      checkSeq: 0,
      diskHash: hash,
      changedOnDisk: null,
      backupTimer: null,
    };
    model.onDidChangeContent(() => {
      const dirty = model.getAlternativeVersionId() !== doc.savedVersion;
      if (dirty !== doc.dirty) {
        doc.dirty = dirty;
        this.emit();
      }
      this.scheduleCheck(doc);
      this.scheduleBackup(doc);
    });
    this.docs.set(path, doc);
    this.order = [...this.order, path];
    this.activate(path);
    void this.check(doc);
  }

  activate(path: string): void {
    if (!this.docs.has(path) || this.activePath === path) return;
    this.activePath = path;
    this.emit();
  }

  /** Closes a tab without asking; the caller confirms discarding unsaved text first. */
  close(path: string): void {
    const doc = this.docs.get(path);
    if (!doc) return;
    if (doc.timer !== null) window.clearTimeout(doc.timer);
    if (doc.backupTimer !== null) window.clearTimeout(doc.backupTimer);
    // Its unsaved changes were discarded on purpose: no backup brings them back.
    if (doc.dirty) void this.discardBackup(doc.path);
    monaco.editor.setModelMarkers(doc.model, MARKER_OWNER, []);
    doc.model.dispose();
    this.docs.delete(path);
    const index = this.order.indexOf(path);
    this.order = this.order.filter((p) => p !== path);
    if (this.activePath === path) {
      this.activePath = this.order[Math.min(index, this.order.length - 1)] ?? null;
    }
    this.emit();
  }

  closeAll(): void {
    for (const path of [...this.order]) this.close(path);
  }

  async save(path: string): Promise<boolean> {
    const doc = this.docs.get(path);
    if (!doc) return false;
    const version = doc.model.getAlternativeVersionId();
    let hash: string;
    try {
      // Refused (CONFLICT) when something else changed the file since it was read: nothing is
      // overwritten without the user choosing to (Keep mine, then save again).
      ({ hash } = await this.engine.call('file.write', {
        path,
        text: doc.model.getValue(),
        ifHash: doc.diskHash,
      }));
    } catch (err) {
      if ((err as { code?: string }).code === ErrorCode.Conflict) void this.pollDisk();
      this.errors.report(`Saving ${path}`, err);
      return false;
    }
    doc.savedVersion = version;
    doc.diskHash = hash;
    doc.changedOnDisk = null;
    doc.dirty = doc.model.getAlternativeVersionId() !== version;
    if (!doc.dirty) void this.discardBackup(path);
    this.emit();
    return true;
  }

  /**
   * Compares every open file with the disk; a file changed (or deleted) by something else is
   * marked, and the editor offers to reload it.
   */
  async pollDisk(): Promise<void> {
    const docs = [...this.docs.values()];
    if (docs.length === 0) return;
    let files: { path: string; hash: string | null }[];
    try {
      ({ files } = await this.engine.call('file.hashes', { paths: docs.map((d) => d.path) }));
    } catch {
      return; // the engine is away (reconnecting): the next poll asks again
    }
    let changed = false;
    for (const f of files) {
      const doc = this.docs.get(f.path);
      if (!doc) continue;
      const known = doc.changedOnDisk ? doc.changedOnDisk.hash : doc.diskHash;
      if (f.hash === known) continue;
      // Back where the editor has it (e.g. an outside edit undone): nothing to offer any more.
      doc.changedOnDisk = f.hash === doc.diskHash ? null : { hash: f.hash };
      changed = true;
    }
    if (changed) this.emit();
  }

  /** Replaces the buffer with the file on disk (one undoable edit) and clears the mark. */
  async reload(path: string): Promise<void> {
    const doc = this.docs.get(path);
    if (!doc) return;
    let text: string;
    let hash: string;
    try {
      ({ text, hash } = await this.engine.call('file.read', { path }));
    } catch (err) {
      this.errors.report(`Reloading ${path}`, err);
      return;
    }
    this.replaceText(doc, text);
    doc.savedVersion = doc.model.getAlternativeVersionId();
    doc.diskHash = hash;
    doc.changedOnDisk = null;
    doc.dirty = false;
    void this.discardBackup(path);
    this.emit();
  }

  /** Keeps the editor's text; the next save overwrites the changed file. */
  keepMine(path: string): void {
    const doc = this.docs.get(path);
    if (!doc?.changedOnDisk) return;
    doc.diskHash = doc.changedOnDisk.hash;
    doc.changedOnDisk = null;
    // The buffer no longer matches the disk: it is unsaved work now.
    doc.savedVersion = -1;
    doc.dirty = true;
    this.scheduleBackup(doc);
    this.emit();
  }

  /**
   * Brings back the unsaved buffers a previous session left (hot exit): each file opens with the
   * backed-up text as one undoable edit over the disk's, so Ctrl+Z shows what is on disk. Returns
   * the restored paths, and those whose file also changed on disk since.
   */
  async restoreBackups(): Promise<{ restored: string[]; diskChanged: string[] }> {
    const { backups } = await this.engine.call('backup.list', {});
    const restored: string[] = [];
    const diskChanged: string[] = [];
    for (const b of backups) {
      await this.open(b.path);
      const doc = this.docs.get(b.path);
      if (!doc) continue; // the file cannot be opened any more: its backup stays for a human
      if (doc.model.getValue() !== b.text) this.replaceText(doc, b.text);
      restored.push(b.path);
      if (b.baseHash !== b.diskHash) diskChanged.push(b.path);
    }
    return { restored, diskChanged };
  }

  private replaceText(doc: OpenDocument, text: string): void {
    doc.model.pushStackElement();
    doc.model.pushEditOperations([], [{ range: doc.model.getFullModelRange(), text }], () => null);
    doc.model.pushStackElement();
  }

  private scheduleBackup(doc: OpenDocument): void {
    if (doc.backupTimer !== null) window.clearTimeout(doc.backupTimer);
    doc.backupTimer = window.setTimeout(() => {
      doc.backupTimer = null;
      if (doc.model.isDisposed()) return;
      if (!doc.dirty) {
        void this.discardBackup(doc.path);
        return;
      }
      this.engine
        .call('backup.write', { path: doc.path, text: doc.model.getValue(), baseHash: doc.diskHash })
        .catch(() => {
          // Best effort: the buffer is still in the editor, and the next change tries again.
        });
    }, BACKUP_DEBOUNCE_MS);
  }

  private async discardBackup(path: string): Promise<void> {
    await this.engine.call('backup.discard', { path }).catch(() => {});
  }

  /** Re-checks every open file, e.g. after reconnecting to a restarted engine. */
  recheckAll(): void {
    for (const doc of this.docs.values()) void this.check(doc);
  }

  private scheduleCheck(doc: OpenDocument): void {
    if (!isNfab(doc.path)) return;
    if (doc.timer !== null) window.clearTimeout(doc.timer);
    if (this.inWorker(doc)) {
      doc.checkSeq++; // any engine answer still under way is now stale
      nfabLanguage.check(doc.path, doc.model.getVersionId(), doc.model.getValue());
      return;
    }
    doc.timer = window.setTimeout(() => {
      doc.timer = null;
      void this.check(doc);
    }, CHECK_DEBOUNCE_MS);
  }

  private async check(doc: OpenDocument): Promise<void> {
    if (!isNfab(doc.path)) return;
    if (this.inWorker(doc)) {
      doc.checkSeq++;
      nfabLanguage.check(doc.path, doc.model.getVersionId(), doc.model.getValue());
      return;
    }
    const seq = ++doc.checkSeq;
    try {
      const result = await this.engine.call('dsl.check', { path: doc.path, text: doc.model.getValue() });
      // A newer check is under way (or the tab closed): this answer is for stale text.
      if (seq !== doc.checkSeq || doc.model.isDisposed()) return;
      this.apply(doc, result.diagnostics, result.experiments);
    } catch (err) {
      if (seq === doc.checkSeq) this.errors.report(`Checking ${doc.path}`, err);
    }
  }

  private emit(): void {
    this.snapshot = {
      tabs: this.order.map((path) => ({
        path,
        dirty: this.docs.get(path)?.dirty ?? false,
        changedOnDisk: this.docs.get(path)?.changedOnDisk != null,
      })),
      active: this.active,
      revision: this.revision,
    };
    for (const l of this.listeners) l();
  }
}
