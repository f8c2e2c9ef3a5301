// Semantic tokens: every word classified by the same walk as hover and completion, plus comments.
import type { Span } from '../ast';
import { getDocument, type Role } from './document';

/** Token types, in legend order (the index is what the encoded form carries). */
export const TOKEN_TYPES = [
  'keyword',
  'declaration',
  'kind',
  'field',
  'reference',
  'enum',
  'number',
  'unit',
  'string',
  'comment',
] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** Token modifiers: `unresolved` marks a reference to a name not declared in the file. */
export const TOKEN_MODIFIERS = ['unresolved'] as const;

export const TOKEN_LEGEND = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

export interface SemanticToken extends Span {
  type: TokenType;
  modifiers: (typeof TOKEN_MODIFIERS)[number][];
}

const ROLE_TYPE: Record<Role, TokenType> = {
  keyword: 'keyword',
  declaration: 'declaration',
  kind: 'kind',
  field: 'field',
  reference: 'reference',
  enum: 'enum',
  number: 'number',
  unit: 'unit',
  string: 'string',
};

/** Tokens in source order, as offsets (a block comment may span lines; encode() splits it). */
export function semanticTokens(text: string): SemanticToken[] {
  const doc = getDocument(text);
  const out: SemanticToken[] = doc.occurrences.map((o) => ({
    start: o.start,
    end: o.end,
    type: ROLE_TYPE[o.role],
    modifiers: o.role === 'reference' && o.symbol && !doc.symbols.has(o.symbol) ? ['unresolved'] : [],
  }));
  for (const c of doc.comments) out.push({ start: c.start, end: c.end, type: 'comment', modifiers: [] });
  return out.filter((t) => t.end > t.start).sort((a, b) => a.start - b.start);
}

/**
 * The LSP/Monaco wire form: 5 integers per token (delta line, delta start column, length, type
 * index, modifier bits), lines and columns 0-based, one token per line segment.
 */
export function encodeSemanticTokens(text: string, tokens: readonly SemanticToken[]): Uint32Array {
  const data: number[] = [];
  let line = 0;
  let lineStart = 0;
  let scanned = 0;
  let prevLine = 0;
  let prevCol = 0;
  const advance = (to: number) => {
    for (let i = text.indexOf('\n', scanned); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    scanned = Math.max(scanned, to);
  };
  for (const t of tokens) {
    const type = TOKEN_TYPES.indexOf(t.type);
    const mods = t.modifiers.reduce((m, x) => m | (1 << TOKEN_MODIFIERS.indexOf(x)), 0);
    let start = t.start;
    while (start < t.end) {
      advance(start);
      const nl = text.indexOf('\n', start);
      const end = nl >= 0 && nl < t.end ? nl : t.end;
      if (end > start) {
        const col = start - lineStart;
        data.push(line - prevLine, line === prevLine ? col - prevCol : col, end - start, type, mods);
        prevLine = line;
        prevCol = col;
      }
      start = end === nl ? end + 1 : end;
    }
  }
  return Uint32Array.from(data);
}
