// The .nfab language service: one implementation for the Monaco web worker and the CLI.
//
// Every function is pure over the document text (a one-entry cache shares one parse between the
// calls of one keystroke) and imports nothing from Node or the DOM.
//
// Positions: 0-based UTF-16 offsets into the text, ranges as { start, end } half-open — the
// parser's own spans. The editor converts with model.getPositionAt/getOffsetAt, the CLI with
// LineMap (1-based line:col). Folding ranges are the one exception: 1-based line numbers.
export { type CodeAction, codeActions } from './actions';
export { type CompletionItem, type CompletionKind, completion } from './completion';
export { analyze, getDocument, type NfabDocument } from './document';
export { type Hover, hover } from './hover';
export {
  applyEdits,
  definition,
  type PrepareRename,
  prepareRename,
  type RenameResult,
  references,
  rename,
  type TextEdit,
} from './navigation';
export { type DocumentSymbol, documentSymbols, type FoldingRange, foldingRanges } from './outline';
export {
  encodeSemanticTokens,
  type SemanticToken,
  semanticTokens,
  TOKEN_LEGEND,
  TOKEN_MODIFIERS,
  TOKEN_TYPES,
  type TokenType,
} from './tokens';
