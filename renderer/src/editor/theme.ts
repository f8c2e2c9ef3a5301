// The editor's colours, matched to the studio chrome (styles.css) so the editor does not look
// pasted in.
import type * as Monaco from 'monaco-editor/editor';

export const THEME_ID = 'neurofab-dark';

export function registerTheme(monaco: typeof Monaco): void {
  monaco.editor.defineTheme(THEME_ID, {
    base: 'vs-dark',
    inherit: true,
    rules: [
      { token: 'keyword', foreground: 'c792ea' },
      { token: 'type', foreground: '4ec9b0' },
      { token: 'field', foreground: '9cdcfe' },
      { token: 'identifier', foreground: 'd4d7dd' },
      { token: 'constant', foreground: '569cd6' },
      { token: 'number', foreground: 'b5cea8' },
      { token: 'unit', foreground: 'dcdcaa' },
      { token: 'string', foreground: 'ce9178' },
      { token: 'comment', foreground: '6a7585', fontStyle: 'italic' },
      { token: 'operator', foreground: 'd4d7dd' },
      { token: 'delimiter', foreground: '8a93a3' },
      // Semantic token types of the language service (engine/dsl/service/tokens.ts).
      { token: 'declaration', foreground: 'e5c07b' },
      { token: 'kind', foreground: '4ec9b0' },
      { token: 'reference', foreground: 'e5c07b', fontStyle: 'underline' },
      { token: 'enum', foreground: '569cd6' },
    ],
    colors: {
      'editor.background': '#1b1e24',
      'editor.foreground': '#d4d7dd',
      'editor.lineHighlightBackground': '#232730',
      'editor.lineHighlightBorder': '#00000000',
      'editorLineNumber.foreground': '#4b5263',
      'editorLineNumber.activeForeground': '#a0a8b7',
      'editorGutter.background': '#1b1e24',
      'editor.selectionBackground': '#2f4a6d',
      'editorIndentGuide.background1': '#2a2e37',
      'editorWidget.background': '#20242c',
      'editorWidget.border': '#313745',
      'scrollbarSlider.background': '#3a404c80',
      'editorError.foreground': '#f14c4c',
      'editorWarning.foreground': '#cca700',
    },
  });
}
