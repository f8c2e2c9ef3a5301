// The one Monaco editor instance. Tabs swap its model (keeping each file's cursor and scroll),
// so switching files is instant and undo history survives.
import { type RefObject, useEffect, useRef } from 'react';
import { useDocuments, useStudio } from '../app/studio-context';
import { monaco } from './monaco-setup';
import { THEME_ID } from './theme';

export interface EditorCommands {
  save: () => void;
  run: () => void;
  cursor: (line: number, col: number) => void;
}

interface Props {
  /** Read through a ref so Monaco's once-registered commands always call the latest handlers. */
  commands: RefObject<EditorCommands>;
  editorRef: RefObject<monaco.editor.IStandaloneCodeEditor | null>;
}

export function EditorPane({ commands, editorRef }: Props) {
  const { documents } = useStudio();
  const { active } = useDocuments();
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!host.current) return;
    const editor = monaco.editor.create(host.current, {
      model: null,
      theme: THEME_ID,
      automaticLayout: true,
      fontFamily:
        "'JetBrains Mono', 'Cascadia Code', 'Fira Code', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
      fontSize: 13,
      lineHeight: 20,
      minimap: { enabled: true, renderCharacters: false, scale: 1 },
      scrollBeyondLastLine: false,
      renderLineHighlight: 'all',
      smoothScrolling: true,
      tabSize: 2,
      padding: { top: 8 },
      fixedOverflowWidgets: true,
      'semanticHighlighting.enabled': true,
      // Completion comes from the .nfab language service, not from words seen in the file.
      wordBasedSuggestions: 'off',
    });
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => commands.current.save());
    // Replaces Monaco's default Ctrl+Enter (insert line below): in the studio it runs.
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => commands.current.run());
    editor.onDidChangeCursorPosition((e) =>
      commands.current.cursor(e.position.lineNumber, e.position.column),
    );
    editorRef.current = editor;
    return () => {
      editorRef.current = null;
      editor.dispose();
    };
  }, [commands, editorRef]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    const previous = editor.getModel();
    if (previous === (active?.model ?? null)) return;
    if (previous && !previous.isDisposed()) {
      const doc = documents.get(previous.uri.path.slice(1));
      if (doc) doc.viewState = editor.saveViewState();
    }
    editor.setModel(active?.model ?? null);
    if (active?.viewState) editor.restoreViewState(active.viewState);
    if (active) {
      editor.focus();
      const pos = editor.getPosition();
      if (pos) commands.current.cursor(pos.lineNumber, pos.column);
    }
  }, [active, documents, editorRef, commands]);

  return (
    <div className="editor-host">
      <div ref={host} className="monaco-host" data-testid="editor" data-path={active?.path ?? ''} />
      {!active && (
        <div className="editor-empty">
          <div className="editor-empty-title">Neurofab Studio</div>
          <div>Open a .nfab file from the Explorer.</div>
          <dl className="shortcut-list">
            <dt>Save</dt>
            <dd>Ctrl+S</dd>
            <dt>Run experiment</dt>
            <dd>Ctrl+Enter</dd>
            <dt>Find</dt>
            <dd>Ctrl+F</dd>
            <dt>Command palette</dt>
            <dd>F1</dd>
          </dl>
        </div>
      )}
    </div>
  );
}
