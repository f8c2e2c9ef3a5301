// Go to definition, find references, rename.
import type { Span } from '../ast';
import { CLAUSE_KEYWORDS, TOP_LEVEL_KEYWORDS } from '../parser';
import { lineOf } from './describe';
import { getDocument, type NfabDocument, occurrenceAt, type SymbolInfo } from './document';

export interface TextEdit {
  range: Span;
  newText: string;
}

function symbolAt(doc: NfabDocument, offset: number): { key: string; span: Span } | null {
  const o = occurrenceAt(doc, offset);
  if (!o?.symbol || (o.role !== 'declaration' && o.role !== 'reference')) return null;
  return { key: o.symbol, span: { start: o.start, end: o.end } };
}

/** The declaration's name span of the symbol under the cursor, or null. */
export function definition(text: string, offset: number): Span | null {
  const doc = getDocument(text);
  const s = symbolAt(doc, offset);
  const sym = s ? doc.symbols.get(s.key) : undefined;
  return sym ? { start: sym.nameSpan.start, end: sym.nameSpan.end } : null;
}

/** Every occurrence of the symbol under the cursor, in source order. */
export function references(text: string, offset: number, includeDeclaration = true): Span[] {
  const doc = getDocument(text);
  const s = symbolAt(doc, offset);
  if (!s) return [];
  return doc.occurrences
    .filter((o) => o.symbol === s.key && (includeDeclaration || o.role !== 'declaration'))
    .map((o) => ({ start: o.start, end: o.end }));
}

export type PrepareRename = { range: Span; placeholder: string } | { error: string };

export function prepareRename(text: string, offset: number): PrepareRename {
  const doc = getDocument(text);
  const s = symbolAt(doc, offset);
  if (!s)
    return {
      error: 'Only the names of devices, chips, tiles, networks, layers and experiments can be renamed.',
    };
  if (!doc.symbols.has(s.key))
    return { error: `'${text.slice(s.span.start, s.span.end)}' is not declared in this file.` };
  return { range: s.span, placeholder: text.slice(s.span.start, s.span.end) };
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set<string>([...TOP_LEVEL_KEYWORDS, ...CLAUSE_KEYWORDS, 'tile', 'true', 'false']);

export type RenameResult = { edits: TextEdit[] } | { error: string };

export function rename(text: string, offset: number, newName: string): RenameResult {
  const doc = getDocument(text);
  const prep = prepareRename(text, offset);
  if ('error' in prep) return prep;
  if (!IDENT.test(newName))
    return {
      error: `'${newName}' is not a valid name: use letters, digits and _, not starting with a digit.`,
    };
  if (RESERVED.has(newName))
    return { error: `'${newName}' is a keyword of the language and cannot be a name.` };
  const key = symbolAt(doc, offset)!.key;
  const sym = doc.symbols.get(key)!;
  if (newName === sym.name) return { edits: [] };
  const clash = findClash(doc, sym, newName);
  if (clash)
    return {
      error: `A ${clash.kind} named '${newName}' already exists (line ${lineOf(text, clash.nameSpan.start)}).`,
    };
  const edits = references(text, offset, true).map((range) => ({ range, newText: newName }));
  return { edits };
}

function findClash(doc: NfabDocument, sym: SymbolInfo, newName: string): SymbolInfo | undefined {
  return doc.allSymbols.find(
    (o) =>
      o.name === newName &&
      o.kind === sym.kind &&
      (sym.kind !== 'layer' || o.parent?.name === sym.parent?.name),
  );
}

/** Applies edits (any order, non-overlapping) to a text: for tests and the CLI. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.range.start - a.range.start))
    out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  return out;
}
