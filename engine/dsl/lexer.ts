// The .nfab lexer: text -> tokens, with comments kept aside as trivia (the formatter must keep
// them) and every token marked with whether a line break precedes it (the parser resyncs at line
// starts after an error). Numbers swallow a directly attached unit (`25uS`, `1MΩ`, `3%`) or a
// shape (`28x28`); unit validity is judged later, in the parser, via engine/ir/units.
import type { Comment, ParseProblem } from './ast';

export type TokenKind =
  | 'ident'
  | 'number'
  | 'quantity'
  | 'shape'
  | 'string'
  | '{'
  | '}'
  | '('
  | ')'
  | '['
  | ']'
  | '='
  | ':'
  | ','
  | ';'
  | '.'
  | '..'
  | '-'
  | 'error'
  | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  /** A line break (or the start of the file) lies between the previous token and this one. */
  newlineBefore: boolean;
  /** For 'quantity': offset where the unit begins. */
  unitStart?: number;
  /** For 'string': the decoded value. */
  value?: string;
}

export interface LexResult {
  tokens: Token[];
  comments: Comment[];
  problems: ParseProblem[];
}

const PUNCT: Record<string, TokenKind> = {
  '{': '{',
  '}': '}',
  '(': '(',
  ')': ')',
  '[': '[',
  ']': ']',
  '=': '=',
  ':': ':',
  ',': ',',
  ';': ';',
  '-': '-',
};

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

/** Characters a unit may contain: ASCII letters, µ (B5), μ (3BC), Ω (3A9), Ω (2126), %. */
function isUnitChar(c: number): boolean {
  return (
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 0xb5 ||
    c === 0x3bc ||
    c === 0x3a9 ||
    c === 0x2126 ||
    c === 37
  );
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 0xfeff || c === 0xa0;
}

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  const problems: ParseProblem[] = [];
  const n = text.length;
  let i = 0;
  let newline = true;

  const push = (kind: TokenKind, start: number, end: number, extra?: Partial<Token>) => {
    tokens.push({ kind, text: text.slice(start, end), start, end, newlineBefore: newline, ...extra });
    newline = false;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      newline = true;
      i++;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    // Comments.
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
      comments.push({ kind: 'comment', style: 'line', text: text.slice(start, i), start, end: i });
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      if (close < 0) {
        problems.push({
          start,
          end: start + 2,
          message: "unterminated comment: '/*' has no '*/'",
          code: 'syntax',
        });
      }
      const body = text.slice(start, i);
      if (body.includes('\n')) newline = true;
      comments.push({ kind: 'comment', style: 'block', text: body, start, end: i });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      push('ident', start, i);
      continue;
    }
    if (isDigit(c)) {
      i = scanNumber(text, i);
      // `28x28`: a shape. Only when a digit follows the x, so `2x` stays a number with unit `x`.
      if (text.charCodeAt(i) === 120 && isDigit(text.charCodeAt(i + 1))) {
        while (text.charCodeAt(i) === 120 && isDigit(text.charCodeAt(i + 1))) {
          i++;
          while (isDigit(text.charCodeAt(i))) i++;
        }
        push('shape', start, i);
        continue;
      }
      if (i < n && isUnitChar(text.charCodeAt(i))) {
        const unitStart = i;
        while (i < n && isUnitChar(text.charCodeAt(i))) i++;
        push('quantity', start, i, { unitStart });
        continue;
      }
      push('number', start, i);
      continue;
    }
    if (c === 34) {
      i = scanString(text, i, problems);
      push('string', start, i, { value: decodeString(text.slice(start, i)) });
      continue;
    }
    if (c === 46) {
      if (text.charCodeAt(i + 1) === 46) {
        i += 2;
        push('..', start, i);
      } else {
        i++;
        push('.', start, i);
      }
      continue;
    }
    const punct = PUNCT[text[i] ?? ''];
    if (punct) {
      i++;
      push(punct, start, i);
      continue;
    }
    // Anything else: one error token for the whole run of unreadable characters, so a pasted
    // binary blob gives one diagnostic, not one per byte.
    while (i < n) {
      const d = text.charCodeAt(i);
      if (
        d === 10 ||
        isSpace(d) ||
        isIdentStart(d) ||
        isDigit(d) ||
        PUNCT[text[i] ?? ''] ||
        d === 34 ||
        d === 46
      )
        break;
      i++;
    }
    if (i === start) i++;
    push('error', start, i);
  }
  tokens.push({ kind: 'eof', text: '', start: n, end: n, newlineBefore: true });
  return { tokens, comments, problems };
}

/** digits [. digits] [e[+-]digits]; `1..2` stays `1` `..` `2`. */
function scanNumber(text: string, i: number): number {
  while (isDigit(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) {
    i++;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === 43 || sign === 45) j++;
    if (isDigit(text.charCodeAt(j))) {
      while (isDigit(text.charCodeAt(j))) j++;
      i = j;
    }
  }
  return i;
}

/** A double-quoted string on one line; `\"` and `\\` escape. */
function scanString(text: string, i: number, problems: ParseProblem[]): number {
  const start = i;
  i++;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 92) {
      i += 2;
      continue;
    }
    if (c === 34) return i + 1;
    if (c === 10) break;
    i++;
  }
  problems.push({ start, end: i, message: "unterminated string: a closing '\"' is missing", code: 'syntax' });
  return Math.min(i, text.length);
}

function decodeString(raw: string): string {
  const inner = raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw.slice(1);
  return inner.replace(/\\(.)/g, '$1');
}
