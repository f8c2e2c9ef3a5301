// Messages between the studio and the .nfab language worker (nfab.worker.ts). Every request
// carries the model's text, so the worker holds no per-file state that could drift; the
// service's one-entry parse cache makes the several requests of one keystroke share a parse.
import type { TextEdit } from '../../../engine/dsl/format';
import type * as service from '../../../engine/dsl/service';
import type { Diagnostic } from '../../../engine/protocol/schema';

/** Service calls the worker answers: method -> [arguments after the text, result]. */
export interface NfabMethods {
  completion: [[offset: number], service.CompletionItem[]];
  hover: [[offset: number], service.Hover | null];
  definition: [[offset: number], { start: number; end: number } | null];
  references: [[offset: number, includeDeclaration: boolean], { start: number; end: number }[]];
  prepareRename: [[offset: number], service.PrepareRename];
  rename: [[offset: number, newName: string], service.RenameResult];
  documentSymbols: [[], service.DocumentSymbol[]];
  foldingRanges: [[], service.FoldingRange[]];
  codeActions: [[range: { start: number; end: number }], service.CodeAction[]];
  semanticTokens: [[], Uint32Array];
  formatEdits: [[], TextEdit[]];
}
export type NfabMethod = keyof NfabMethods;

export type ToWorker =
  | { type: 'check'; path: string; version: number; text: string }
  | { type: 'request'; id: number; method: NfabMethod; text: string; args: unknown[] };

export type FromWorker =
  | { type: 'diagnostics'; path: string; version: number; diagnostics: Diagnostic[]; experiments: string[] }
  | { type: 'response'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string };
