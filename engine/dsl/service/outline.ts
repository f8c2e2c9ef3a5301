// Document symbols (the outline) and folding ranges.
import type { Decl, Span, Statement } from '../ast';
import { lineOf } from './describe';
import { getDocument, topLevelKind } from './document';

export interface DocumentSymbol {
  name: string;
  /** device | chip | tile | network | layer | experiment | block */
  kind: string;
  /** `rram`, `crossbar(rows = 256, cols = 256)`, `256`. */
  detail: string;
  /** The whole declaration. */
  range: Span;
  /** The name (or the keyword of a nameless block). */
  selectionRange: Span;
  children: DocumentSymbol[];
}

export function documentSymbols(text: string): DocumentSymbol[] {
  const doc = getDocument(text);
  const visit = (list: readonly Statement[], parentKind: string): DocumentSymbol[] => {
    const out: DocumentSymbol[] = [];
    for (const st of list) {
      if (st.kind !== 'decl') continue;
      const kind = symbolKindOf(st, parentKind);
      const name = st.name ? [st.name, ...st.subpath].map((p) => p.name).join('.') : st.keyword.name;
      out.push({
        name,
        kind,
        detail: st.type ? text.slice(st.type.start, st.type.end) : st.name ? st.keyword.name : '',
        range: { start: st.start, end: st.end },
        selectionRange: st.name
          ? { start: st.name.start, end: st.name.end }
          : { start: st.keyword.start, end: st.keyword.end },
        children: st.body ? visit(st.body.statements, kind) : [],
      });
    }
    return out;
  };
  return visit(doc.file.statements, 'file');
}

function symbolKindOf(d: Decl, parentKind: string): string {
  if (parentKind === 'file') return topLevelKind(d.keyword.name) ?? d.keyword.name;
  if (parentKind === 'chip' && d.keyword.name === 'tile') return 'tile';
  if (parentKind === 'network') return 'layer';
  return 'block';
}

export interface FoldingRange {
  /** 1-based first line (where the block opens). */
  startLine: number;
  /** 1-based last line to fold (the line before the closing '}', or the comment's last line). */
  endLine: number;
  kind?: 'comment';
}

export function foldingRanges(text: string): FoldingRange[] {
  const doc = getDocument(text);
  const out: FoldingRange[] = [];
  const visit = (list: readonly Statement[]) => {
    for (const st of list) {
      if (st.kind !== 'decl' || !st.body) continue;
      const b = st.body;
      const startLine = lineOf(text, b.open.start);
      const endLine = b.close ? lineOf(text, b.close.start) - 1 : lineOf(text, b.end);
      if (endLine > startLine) out.push({ startLine, endLine });
      visit(b.statements);
    }
  };
  visit(doc.file.statements);
  for (const c of doc.comments) {
    if (c.style !== 'block') continue;
    const startLine = lineOf(text, c.start);
    const endLine = lineOf(text, c.end);
    if (endLine > startLine) out.push({ startLine, endLine, kind: 'comment' });
  }
  return out.sort((a, b) => a.startLine - b.startLine);
}
