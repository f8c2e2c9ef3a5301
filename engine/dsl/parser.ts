// Hand-written recursive-descent parser for .nfab (see ast.ts for the generic grammar and
// docs/dsl.md for the full EBNF).
//
// Error recovery is what this module is for: one typo must give one error. After a problem the
// parser skips to a resync point (the next statement at a line start, the closing brace of the
// current block, or a top-level keyword such as `device`) and reports nothing further until it
// has moved past the reported position. A top-level keyword inside a block closes the block
// (reporting the missing '}' once), so a forgotten brace does not swallow the rest of the file.
import { lookupUnit } from '../ir/units';
import type {
  Block,
  CallExpr,
  Clause,
  Decl,
  Expr,
  Field,
  Ident,
  ParseProblem,
  SourceFile,
  Span,
  Statement,
} from './ast';
import { lex, type Token, type TokenKind } from './lexer';

/** Keywords that only start top-level declarations; seen inside a block they mean a missing '}'. */
export const TOP_LEVEL_KEYWORDS = ['import', 'device', 'neuron', 'chip', 'network', 'experiment'] as const;

/** Words that start a trailing clause of a declaration (`on xbar`, `in [..]`). */
export const CLAUSE_KEYWORDS = ['on', 'in'] as const;

const VALUE_START: ReadonlySet<TokenKind> = new Set(['number', 'quantity', 'shape', 'string', '-', '[']);

export interface ParseResult {
  file: SourceFile;
  problems: ParseProblem[];
}

export function parse(text: string): ParseResult {
  return new Parser(text).parseFile();
}

function showToken(t: Token): string {
  if (t.kind === 'eof') return 'the end of the file';
  if (t.kind === 'ident') return `'${t.text}'`;
  const shown = t.text.length > 20 ? `${t.text.slice(0, 20)}…` : t.text;
  return `'${shown}'`;
}

/**
 * Blocks, lists and calls nested deeper than this are reported and skipped instead of parsed: the
 * parser (and the checker and formatter after it) recurse once per level, and 100,000 '[' in a
 * file would otherwise overflow the stack and take the engine down instead of giving a diagnostic.
 */
export const MAX_NESTING = 200;

class Parser {
  private readonly tokens: Token[];
  private readonly problems: ParseProblem[];
  private readonly comments;
  private pos = 0;
  /** No new problem is reported before this offset: it suppresses cascades after an error. */
  private quietUntil = -1;
  private readonly quietRanges: Span[] = [];
  /** An unterminated comment or string ran to the end of the file. */
  private readonly truncated: boolean;
  /** Blocks, lists and calls currently open around the token being parsed. */
  private depth = 0;

  constructor(private readonly text: string) {
    const lexed = lex(text);
    this.tokens = lexed.tokens;
    this.comments = lexed.comments;
    // Lexer problems go straight in: they must not silence earlier parse problems.
    this.problems = [...lexed.problems];
    this.truncated = lexed.problems.some((p) => p.message.startsWith('unterminated comment'));
    // Unreadable characters: one problem per run, and the parser then never sees them. The rest
    // of that line is kept quiet, as whatever follows the garbage is usually fine.
    this.tokens = lexed.tokens.filter((t) => {
      if (t.kind !== 'error') return true;
      const eol = text.indexOf('\n', t.end);
      const last = this.quietRanges.at(-1);
      if (!last || last.end < t.start)
        this.quietRanges.push({ start: t.start, end: eol < 0 ? text.length : eol });
      const shown = t.text.length > 12 ? `${t.text.slice(0, 12)}…` : t.text;
      this.problems.push({
        start: t.start,
        end: t.end,
        message: `unexpected character${t.text.length > 1 ? 's' : ''} ${JSON.stringify(shown)}`,
        code: 'syntax',
      });
      return false;
    });
  }

  // ---- token helpers ----

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }

  private at(kind: TokenKind, k = 0): boolean {
    return this.peek(k).kind === kind;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private report(span: Span, message: string, code = 'syntax'): void {
    if (span.start < this.quietUntil) return;
    if (this.inQuietRange(span.start)) return;
    this.problems.push({ start: span.start, end: Math.max(span.end, span.start), message, code });
    this.quietUntil = Math.max(span.end, span.start + 1);
  }

  /** Binary search: the ranges are pushed in source order and do not overlap. */
  private inQuietRange(offset: number): boolean {
    let lo = 0;
    let hi = this.quietRanges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const q = this.quietRanges[mid]!;
      if (offset < q.start) hi = mid - 1;
      else if (offset > q.end) lo = mid + 1;
      else return true;
    }
    return false;
  }

  private ident(t: Token): Ident {
    return { kind: 'ident', name: t.text, start: t.start, end: t.end };
  }

  private isTopKeywordDecl(k = 0): boolean {
    const t = this.peek(k);
    return (
      t.kind === 'ident' &&
      (TOP_LEVEL_KEYWORDS as readonly string[]).includes(t.text) &&
      ((this.at('ident', k + 1) && (this.at(':', k + 2) || this.at('{', k + 2))) ||
        (t.text === 'import' && this.at('string', k + 1)))
    );
  }

  /**
   * Skips to a resync point: a token at a line start that can begin a statement, a closing
   * brace of the current nesting level, or the end of the file. Braces skipped over are
   * balanced, so a broken line does not unbalance the blocks around it.
   */
  private recover(): void {
    let depth = 0;
    let first = true;
    while (!this.at('eof')) {
      const t = this.peek();
      if (!first && depth === 0 && t.newlineBefore && t.kind === 'ident') return;
      if (!first && depth === 0 && this.isTopKeywordDecl()) return;
      if (t.kind === '}' && depth === 0) return;
      if (t.kind === '{') depth++;
      if (t.kind === '}') depth--;
      this.next();
      first = false;
    }
  }

  // ---- grammar ----

  parseFile(): ParseResult {
    const statements: Statement[] = [];
    while (!this.at('eof')) {
      if (this.at('}')) {
        const t = this.next();
        this.report(t, "unmatched '}': there is no open block to close");
        continue;
      }
      if (this.at(';') || this.at(',')) {
        this.next();
        continue;
      }
      const s = this.parseStatement();
      if (s) statements.push(s);
    }
    const file: SourceFile = {
      kind: 'file',
      statements,
      comments: this.comments,
      start: 0,
      end: this.text.length,
    };
    this.problems.sort((a, b) => a.start - b.start);
    return { file, problems: this.problems };
  }

  /** field | decl; on failure reports, recovers and returns null. */
  private parseStatement(): Statement | null {
    const t = this.peek();
    if (t.kind !== 'ident') {
      this.report(t, `expected a field or a declaration, got ${showToken(t)}`);
      this.recover();
      return null;
    }
    const after = this.peek(1);
    if (after.kind === '=') return this.parseField();
    if (after.kind === 'ident' || after.kind === '{' || after.kind === ':') return this.parseDecl();
    // `node 20nm`, `import "lib.nfab"`: a field without '=', on the same line.
    if (VALUE_START.has(after.kind) && !after.newlineBefore) return this.parseField();
    this.next();
    this.report(after.kind === 'eof' ? t : after, `expected '=' after '${t.text}', got ${showToken(after)}`);
    this.recover();
    return null;
  }

  private parseField(): Field {
    const keyTok = this.next();
    const key = this.ident(keyTok);
    let eq: Span | null = null;
    if (this.at('=')) {
      const e = this.next();
      eq = { start: e.start, end: e.end };
    }
    const value = this.parseValue(eq ?? key);
    if (!value) this.recoverInLine();
    return { kind: 'field', key, eq, value, start: key.start, end: value ? value.end : (eq ?? key).end };
  }

  /** After a missing value: drop the rest of the line unless it starts the next statement. */
  private recoverInLine(): void {
    while (!this.at('eof') && !this.peek().newlineBefore && !this.at('}')) {
      if (this.at('ident') && this.at('=', 1)) return;
      if (this.at('{')) {
        this.recover();
        return;
      }
      this.next();
    }
  }

  private parseDecl(): Decl {
    const keyword = this.ident(this.next());
    let name: Ident | null = null;
    const subpath: Ident[] = [];
    if (this.at('ident') && !this.isClauseStart()) {
      name = this.ident(this.next());
      while (this.at('.') && this.at('ident', 1)) {
        this.next();
        subpath.push(this.ident(this.next()));
      }
    }
    let colon: Span | null = null;
    let type: Expr | null = null;
    if (this.at(':')) {
      const c = this.next();
      colon = { start: c.start, end: c.end };
      type = this.parseValue(colon);
    }
    let body: Block | null = null;
    if (this.at('{')) body = this.parseBlock();
    const clauses: Clause[] = [];
    while (this.isClauseStart()) {
      const kw = this.ident(this.next());
      const value = this.parseValue(kw);
      clauses.push({ kind: 'clause', keyword: kw, value, start: kw.start, end: value ? value.end : kw.end });
    }
    const last = clauses.at(-1) ?? body ?? type ?? colon ?? subpath.at(-1) ?? name ?? keyword;
    const decl: Decl = {
      kind: 'decl',
      keyword,
      name,
      subpath,
      colon,
      type,
      body,
      clauses,
      start: keyword.start,
      end: last.end,
    };
    // Anything else on the same line after a complete declaration is a typo: report and skip it.
    const t = this.peek();
    if (!t.newlineBefore && t.kind !== 'eof' && t.kind !== '}' && t.kind !== ';' && t.kind !== ',') {
      const startsStatement =
        t.kind === 'ident' && (this.at('=', 1) || this.at('ident', 1) || this.at('{', 1));
      if (!startsStatement) {
        this.report(t, `unexpected ${showToken(t)} after the declaration of '${name?.name ?? keyword.name}'`);
        this.recover();
      }
    }
    return decl;
  }

  private isClauseStart(): boolean {
    const t = this.peek();
    return t.kind === 'ident' && (CLAUSE_KEYWORDS as readonly string[]).includes(t.text) && !this.at('=', 1);
  }

  /**
   * Runs `parse` one nesting level deeper, or, past MAX_NESTING, reports the opening token and
   * skips to its matching closer (iteratively) and returns `skipped`.
   */
  private nested<T>(parse: () => T, skipped: (open: Token, last: Token) => T): T {
    if (this.depth >= MAX_NESTING) {
      const open = this.peek();
      this.quietUntil = -1;
      this.report(
        open,
        `nested more than ${MAX_NESTING} levels deep; blocks, lists and calls may nest at most ${MAX_NESTING} levels`,
      );
      let balance = 0;
      let last = open;
      do {
        const t = this.next();
        last = t;
        if (t.kind === '[' || t.kind === '(' || t.kind === '{') balance++;
        else if (t.kind === ']' || t.kind === ')' || t.kind === '}') balance--;
      } while (balance > 0 && !this.at('eof'));
      this.quietUntil = Math.max(this.quietUntil, last.end);
      return skipped(open, last);
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private parseBlock(): Block {
    return this.nested(
      () => this.parseBlockBody(),
      (open, last) => ({
        kind: 'block',
        open: { start: open.start, end: open.end },
        statements: [],
        close: null,
        start: open.start,
        end: last.end,
      }),
    );
  }

  private parseBlockBody(): Block {
    const open = this.next();
    const statements: Statement[] = [];
    let close: Span | null = null;
    for (;;) {
      const t = this.peek();
      if (t.kind === '}') {
        this.next();
        close = { start: t.start, end: t.end };
        break;
      }
      if (t.kind === 'eof' || this.isTopKeywordDecl()) {
        // Report at the opening brace: that is where the user must look. Not when an
        // unterminated comment or string swallowed the rest of the file: that is the one error.
        if (!(t.kind === 'eof' && this.truncated)) {
          this.quietUntil = -1;
          this.report(open, "missing '}' to close this block");
        }
        break;
      }
      if (t.kind === ';' || t.kind === ',') {
        this.next();
        continue;
      }
      const s = this.parseStatement();
      if (s) statements.push(s);
    }
    const end = close ? close.end : (statements.at(-1)?.end ?? open.end);
    return {
      kind: 'block',
      open: { start: open.start, end: open.end },
      statements,
      close,
      start: open.start,
      end,
    };
  }

  /** A value; null (reported, nothing consumed that starts the next statement) when absent. */
  private parseValue(after: Span): Expr | null {
    const from = this.parsePrimary(after);
    if (!from) return null;
    if (!this.at('..')) return from;
    const opTok = this.next();
    const op = { start: opTok.start, end: opTok.end };
    const to = this.parsePrimary(op);
    return { kind: 'range', from, op, to, start: from.start, end: to ? to.end : op.end };
  }

  private parsePrimary(after: Span): Expr | null {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        return this.numberExpr(t, t.start, 1);
      case 'quantity':
        this.next();
        return this.quantityExpr(t, t.start, 1);
      case '-': {
        const n = this.peek(1);
        if ((n.kind === 'number' || n.kind === 'quantity') && n.start === t.end) {
          this.next();
          this.next();
          return n.kind === 'number' ? this.numberExpr(n, t.start, -1) : this.quantityExpr(n, t.start, -1);
        }
        break;
      }
      case 'shape': {
        this.next();
        const dims = t.text.split('x').map(Number);
        return { kind: 'shape', text: t.text, dims, start: t.start, end: t.end };
      }
      case 'string':
        this.next();
        return { kind: 'string', value: t.value ?? '', start: t.start, end: t.end };
      case '[':
        return this.nested(
          () => this.parseList(),
          (open, last) => ({ kind: 'list', items: [], start: open.start, end: last.end }),
        );
      case 'ident': {
        // `key =` is the next field, not this field's value.
        if (this.at('=', 1)) break;
        this.next();
        if (this.at('(')) {
          const callee = this.ident(t);
          return this.nested(
            () => this.parseCall(callee),
            (open, last) => ({
              kind: 'call',
              callee,
              open: { start: open.start, end: open.end },
              args: [],
              close: null,
              start: callee.start,
              end: last.end,
            }),
          );
        }
        if (this.at('.') && this.at('ident', 1)) {
          const parts = [this.ident(t)];
          while (this.at('.') && this.at('ident', 1)) {
            this.next();
            parts.push(this.ident(this.next()));
          }
          return { kind: 'path', parts, start: t.start, end: parts.at(-1)!.end };
        }
        return { kind: 'name', name: t.text, start: t.start, end: t.end };
      }
      default:
        break;
    }
    const where =
      t.newlineBefore || t.kind === 'eof' || t.kind === '}' ? { start: after.end, end: after.end } : t;
    this.report(
      where,
      `expected a value after '${this.text.slice(after.start, after.end)}', got ${showToken(t)}`,
    );
    return null;
  }

  private numberExpr(t: Token, start: number, sign: number): Expr {
    const value = sign * Number(t.text);
    return {
      kind: 'number',
      text: this.text.slice(start, t.end),
      value,
      isInteger: Number.isInteger(value),
      start,
      end: t.end,
    };
  }

  private quantityExpr(t: Token, start: number, sign: number): Expr {
    const unitStart = t.unitStart ?? t.end;
    const unit = this.text.slice(unitStart, t.end);
    const found = lookupUnit(unit);
    const text = this.text.slice(start, t.end);
    let value: number | null = null;
    if (found) {
      value = sign * Number(`${this.text.slice(t.start, unitStart)}e${found.exponent}`);
      // `1e400fJ`: finite text, infinite double.
      if (!Number.isFinite(value)) {
        this.report(t, `${text} is too large to represent`, 'range');
        value = null;
      }
    } else {
      this.report(
        { start: unitStart, end: t.end },
        `unknown unit '${unit}' in ${text}; known units: J s Hz S Ω/Ohm m K V A W %, with prefixes f p n u/µ m k M G T`,
        'unknown-unit',
      );
    }
    return {
      kind: 'quantity',
      text,
      value,
      dimension: value === null ? null : found!.dimension,
      unit,
      unitSpan: { start: unitStart, end: t.end },
      start,
      end: t.end,
    };
  }

  private parseList(): Expr {
    const open = this.next();
    const items: Expr[] = [];
    while (!this.at(']')) {
      if (this.at('eof') || this.at('}') || this.at('{')) {
        this.report(open, "missing ']' to close this list");
        return { kind: 'list', items, start: open.start, end: items.at(-1)?.end ?? open.end };
      }
      const v = this.parseValue(items.at(-1) ?? open);
      if (!v) {
        this.next();
        continue;
      }
      items.push(v);
      if (this.at(',')) this.next();
    }
    const close = this.next();
    return { kind: 'list', items, start: open.start, end: close.end };
  }

  private parseCall(callee: Ident): CallExpr {
    const openTok = this.next();
    const open = { start: openTok.start, end: openTok.end };
    const args: Field[] = [];
    let close: Span | null = null;
    for (;;) {
      const t = this.peek();
      if (t.kind === ')') {
        this.next();
        close = { start: t.start, end: t.end };
        break;
      }
      if (t.kind === 'eof' || t.kind === '{' || t.kind === '}') {
        this.report(open, `missing ')' to close the arguments of '${callee.name}'`);
        break;
      }
      if (t.kind === ',') {
        this.next();
        continue;
      }
      if (t.kind === 'ident' && this.at('=', 1)) {
        args.push(this.parseField());
        continue;
      }
      this.report(t, `expected an argument 'name = value' in ${callee.name}(...), got ${showToken(t)}`);
      // Skip to the next ',' or ')' of this call.
      while (!this.at(',') && !this.at(')') && !this.at('eof') && !this.at('{') && !this.at('}')) this.next();
    }
    const end = close ? close.end : (args.at(-1)?.end ?? open.end);
    return { kind: 'call', callee, open, args, close, start: callee.start, end };
  }
}
