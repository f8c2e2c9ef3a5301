// The main-thread side of the .nfab language worker: a typed request/response client, and the
// Monaco providers (semantic tokens, completion, hover, definition, references, rename, outline,
// folding, quick fixes) that call it. Offsets cross the boundary; Monaco positions are converted
// here with model.getOffsetAt / getPositionAt.
import type * as Monaco from 'monaco-editor/editor';
import { TOKEN_LEGEND } from '../../../engine/dsl/service/tokens';
import type { Diagnostic } from '../../../engine/protocol/schema';
import NfabWorker from './nfab.worker?worker';
import type { FromWorker, NfabMethod, NfabMethods, ToWorker } from './nfab-protocol';

export interface WorkerDiagnostics {
  path: string;
  version: number;
  diagnostics: Diagnostic[];
  experiments: string[];
}

export class NfabLanguageClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly diagnosticsListeners = new Set<(d: WorkerDiagnostics) => void>();
  /** False once the worker failed to start: callers fall back to the engine's dsl.check. */
  ok = true;

  constructor() {
    this.worker = new NfabWorker();
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      if (m.type === 'diagnostics') {
        for (const l of this.diagnosticsListeners) l(m);
        return;
      }
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.type === 'response') w.resolve(m.result);
      else w.reject(new Error(m.message));
    };
    this.worker.onerror = (ev) => {
      this.ok = false;
      console.error('nfab language worker failed', ev.message);
      for (const w of this.waiting.values()) w.reject(new Error('language worker failed'));
      this.waiting.clear();
    };
  }

  /** Checks a file's text in the worker; the answer arrives through onDiagnostics. */
  check(path: string, version: number, text: string): void {
    this.post({ type: 'check', path, version, text });
  }

  onDiagnostics(listener: (d: WorkerDiagnostics) => void): () => void {
    this.diagnosticsListeners.add(listener);
    return () => this.diagnosticsListeners.delete(listener);
  }

  request<M extends NfabMethod>(
    method: M,
    text: string,
    ...args: NfabMethods[M][0]
  ): Promise<NfabMethods[M][1]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ type: 'request', id, method, text, args });
    });
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m);
  }
}

type Span = { start: number; end: number };

function toRange(monaco: typeof Monaco, model: Monaco.editor.ITextModel, s: Span): Monaco.IRange {
  const a = model.getPositionAt(s.start);
  const b = model.getPositionAt(s.end);
  return new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column);
}

export function registerNfabProviders(
  monaco: typeof Monaco,
  languageId: string,
  client: NfabLanguageClient,
): void {
  const L = monaco.languages;
  const offset = (model: Monaco.editor.ITextModel, p: Monaco.IPosition) => model.getOffsetAt(p);
  const range = (model: Monaco.editor.ITextModel, s: Span) => toRange(monaco, model, s);

  L.registerDocumentSemanticTokensProvider(languageId, {
    getLegend: () => TOKEN_LEGEND,
    provideDocumentSemanticTokens: async (model) => ({
      data: await client.request('semanticTokens', model.getValue()),
    }),
    releaseDocumentSemanticTokens: () => {},
  });

  const kinds: Record<string, Monaco.languages.CompletionItemKind> = {
    keyword: L.CompletionItemKind.Keyword,
    field: L.CompletionItemKind.Field,
    reference: L.CompletionItemKind.Reference,
    unit: L.CompletionItemKind.Unit,
    value: L.CompletionItemKind.EnumMember,
    kind: L.CompletionItemKind.Class,
    snippet: L.CompletionItemKind.Snippet,
  };
  L.registerCompletionItemProvider(languageId, {
    triggerCharacters: ['=', ':', '(', ','],
    provideCompletionItems: async (model, position) => {
      const items = await client.request('completion', model.getValue(), offset(model, position));
      return {
        suggestions: items.map((c) => ({
          label: c.label,
          kind: kinds[c.kind] ?? L.CompletionItemKind.Text,
          detail: c.detail,
          ...(c.documentation ? { documentation: { value: c.documentation } } : {}),
          insertText: c.insertText,
          ...(c.snippet ? { insertTextRules: L.CompletionItemInsertTextRule.InsertAsSnippet } : {}),
          range: range(model, c.range),
          ...(c.sortText ? { sortText: c.sortText } : {}),
          ...(c.deprecated ? { tags: [L.CompletionItemTag.Deprecated] } : {}),
        })),
      };
    },
  });

  L.registerHoverProvider(languageId, {
    provideHover: async (model, position) => {
      const h = await client.request('hover', model.getValue(), offset(model, position));
      return h ? { contents: [{ value: h.contents }], range: range(model, h.range) } : null;
    },
  });

  L.registerDefinitionProvider(languageId, {
    provideDefinition: async (model, position) => {
      const d = await client.request('definition', model.getValue(), offset(model, position));
      return d ? { uri: model.uri, range: range(model, d) } : null;
    },
  });

  L.registerReferenceProvider(languageId, {
    provideReferences: async (model, position, context) => {
      const refs = await client.request(
        'references',
        model.getValue(),
        offset(model, position),
        context.includeDeclaration,
      );
      return refs.map((r) => ({ uri: model.uri, range: range(model, r) }));
    },
  });

  L.registerRenameProvider(languageId, {
    resolveRenameLocation: async (model, position) => {
      const r = await client.request('prepareRename', model.getValue(), offset(model, position));
      if ('error' in r) return { range: new monaco.Range(1, 1, 1, 1), text: '', rejectReason: r.error };
      return { range: range(model, r.range), text: r.placeholder };
    },
    provideRenameEdits: async (model, position, newName) => {
      const versionId = model.getVersionId();
      const r = await client.request('rename', model.getValue(), offset(model, position), newName);
      if ('error' in r) return { edits: [], rejectReason: r.error };
      return {
        edits: r.edits.map((e) => ({
          resource: model.uri,
          versionId,
          textEdit: { range: range(model, e.range), text: e.newText },
        })),
      };
    },
  });

  const symbolKinds: Record<string, Monaco.languages.SymbolKind> = {
    device: L.SymbolKind.Class,
    chip: L.SymbolKind.Module,
    tile: L.SymbolKind.Object,
    network: L.SymbolKind.Namespace,
    layer: L.SymbolKind.Field,
    experiment: L.SymbolKind.Event,
  };
  L.registerDocumentSymbolProvider(languageId, {
    displayName: 'nfab',
    provideDocumentSymbols: async (model) => {
      const syms = await client.request('documentSymbols', model.getValue());
      type Sym = (typeof syms)[number];
      const conv = (s: Sym): Monaco.languages.DocumentSymbol => ({
        name: s.name,
        detail: s.detail,
        kind: symbolKinds[s.kind] ?? L.SymbolKind.Struct,
        tags: [],
        range: range(model, s.range),
        selectionRange: range(model, s.selectionRange),
        children: s.children.map(conv),
      });
      return syms.map(conv);
    },
  });

  // Shift+Alt+F: the same formatter as `neurofab fmt`, as minimal edits so the cursor, undo and
  // untouched lines survive. A file with syntax errors comes back unchanged (no edits).
  L.registerDocumentFormattingEditProvider(languageId, {
    displayName: 'nfab',
    provideDocumentFormattingEdits: async (model) => {
      const edits = await client.request('formatEdits', model.getValue());
      return edits.map((e) => ({
        range: range(model, { start: e.offset, end: e.offset + e.length }),
        text: e.newText,
      }));
    },
  });

  L.registerFoldingRangeProvider(languageId, {
    provideFoldingRanges: async (model) => {
      const folds = await client.request('foldingRanges', model.getValue());
      return folds.map((f) => ({
        start: f.startLine,
        end: f.endLine,
        ...(f.kind === 'comment' ? { kind: L.FoldingRangeKind.Comment } : {}),
      }));
    },
  });

  L.registerCodeActionProvider(
    languageId,
    {
      provideCodeActions: async (model, r, context) => {
        const span = {
          start: model.getOffsetAt(r.getStartPosition()),
          end: model.getOffsetAt(r.getEndPosition()),
        };
        const actions = await client.request('codeActions', model.getValue(), span);
        return {
          actions: actions.map((a) => {
            const start = model.getPositionAt(a.diagnostic.range.start.offset);
            const markers = context.markers.filter(
              (m) => m.message === a.diagnostic.message && m.startLineNumber === start.lineNumber,
            );
            return {
              title: a.title,
              kind: 'quickfix',
              diagnostics: markers,
              isPreferred: a.isPreferred,
              edit: {
                edits: a.edits.map((e) => ({
                  resource: model.uri,
                  versionId: model.getVersionId(),
                  textEdit: { range: range(model, e.range), text: e.newText },
                })),
              },
            };
          }),
          dispose: () => {},
        };
      },
    },
    { providedCodeActionKinds: ['quickfix'] },
  );
}
