// The .nfab formatter (`neurofab fmt`, the editor's Format Document). The rules are in
// docs/dsl.md, "Formatting". In short: 2-space indentation, one statement per line, `key = value`,
// `name : kind(a = 1, b = 2)`, one blank line between top-level declarations, user blank lines
// inside blocks kept (runs collapsed to one), a block written on one line stays on one line if it
// fits in 100 columns, every comment kept where it was relative to the tokens, trailing comments
// aligned within a paragraph.
//
// Pure TypeScript, no Node imports: it also runs in the Monaco web worker.
//
// Safety: a document with syntax errors is returned unchanged; the output is re-parsed and must
// give the same tree (modulo positions) and the same comments, and must be a fixed point of the
// printer, otherwise the input is returned unchanged. So formatDocument never throws, never loses
// text and is idempotent by construction; the tests check that the fallback is not what makes
// them pass.
import type { Block, Comment, Decl, Expr, Field, Statement } from './ast';
import { sameMeaning } from './format-ast';
import { parse } from './parser';

/** Lines up to this width keep a one-line block on one line. */
export const MAX_WIDTH = 100;
const INDENT = '  ';

export interface TextEdit {
  offset: number;
  length: number;
  newText: string;
}

export interface FormatResult {
  text: string;
  /** Why the input was returned unchanged, if it was: 'syntax', 'unstable', 'meaning', 'internal'. */
  unchanged?: 'syntax' | 'unstable' | 'meaning' | 'internal';
}

/** Formats a whole document. Never throws; returns the text unchanged if it has syntax errors. */
export function formatDocument(text: string): string {
  return formatWithReason(text).text;
}

/** formatDocument, telling why a document was left alone (for tests and the CLI). */
export function formatWithReason(text: string): FormatResult {
  try {
    const { problems } = parse(text);
    if (problems.some((p) => p.code === 'syntax')) return { text, unchanged: 'syntax' };
    let out = print(text);
    // The printer is meant to be a fixed point on its own output; iterate a little for safety.
    for (let i = 0; i < 3; i++) {
      const again = print(out);
      if (again === out) {
        if (!sameMeaning(text, out)) return { text, unchanged: 'meaning' };
        return { text: out };
      }
      out = again;
    }
    return { text, unchanged: 'unstable' };
  } catch {
    return { text, unchanged: 'internal' };
  }
}

/**
 * The edits that turn `text` into formatDocument(text), for an editor: one edit per changed run
 * of white space, so the cursor and the undo history stay put elsewhere. Offsets are into `text`.
 */
export function formatEdits(text: string): TextEdit[] {
  return diffEdits(text, formatDocument(text));
}

/** Minimal-ish edits from a to b, assuming they mostly differ in white space. */
export function diffEdits(a: string, b: string): TextEdit[] {
  const edits: TextEdit[] = [];
  if (a === b) return edits;
  let i = 0;
  let j = 0;
  const isWs = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  for (;;) {
    let i2 = i;
    while (i2 < a.length && isWs(a[i2])) i2++;
    let j2 = j;
    while (j2 < b.length && isWs(b[j2])) j2++;
    const wsA = a.slice(i, i2);
    const wsB = b.slice(j, j2);
    if (i2 >= a.length && j2 >= b.length) {
      pushWs(edits, i, wsA, wsB);
      return edits;
    }
    if (i2 < a.length && j2 < b.length && a[i2] === b[j2]) {
      pushWs(edits, i, wsA, wsB);
      i = i2 + 1;
      j = j2 + 1;
      continue;
    }
    // Diverged (a dropped `;`, a trimmed comment): one edit for the rest, minus the common tail.
    let k = 0;
    while (k < a.length - i && k < b.length - j && a[a.length - 1 - k] === b[b.length - 1 - k]) k++;
    edits.push({ offset: i, length: a.length - k - i, newText: b.slice(j, b.length - k) });
    return edits;
  }
}

/** The edit turning white space `x` at `offset` into `y`, without their common head and tail. */
function pushWs(edits: TextEdit[], offset: number, x: string, y: string): void {
  if (x === y) return;
  let p = 0;
  while (p < x.length && p < y.length && x[p] === y[p]) p++;
  let q = 0;
  while (q < x.length - p && q < y.length - p && x[x.length - 1 - q] === y[y.length - 1 - q]) q++;
  edits.push({ offset: offset + p, length: x.length - p - q, newText: y.slice(p, y.length - q) });
}

/** Applies non-overlapping edits (offsets into the original text). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of [...edits].sort((x, y) => x.offset - y.offset)) {
    out += text.slice(at, e.offset) + e.newText;
    at = e.offset + e.length;
  }
  return out + text.slice(at);
}

// ---------------------------------------------------------------------------------------------
// Rendering of statements and values through a sink: the printer (with comments and line
// breaks) or a flat string (for blocks kept on one line, and to measure them).

interface Sink {
  /** A token (or a run of tokens without comments inside) starting at source offset `pos`. */
  word(pos: number, end: number, text: string, space: boolean): void;
  /** A declaration body; the sink decides between one line and one statement per line. */
  body(d: Decl, body: Block): void;
}

function renderStatement(s: Statement, src: string, sink: Sink): void {
  if (s.kind === 'field') renderField(s, src, sink, false);
  else renderDecl(s, src, sink);
}

function renderField(f: Field, src: string, sink: Sink, space: boolean): void {
  sink.word(f.key.start, f.key.end, f.key.name, space);
  if (f.eq) sink.word(f.eq.start, f.eq.end, '=', true);
  if (f.value) renderExpr(f.value, src, sink, true);
}

function renderDecl(d: Decl, src: string, sink: Sink): void {
  sink.word(d.keyword.start, d.keyword.end, d.keyword.name, false);
  if (d.name) sink.word(d.name.start, d.name.end, d.name.name, true);
  for (const p of d.subpath) {
    sink.word(p.start, p.start, '.', false);
    sink.word(p.start, p.end, p.name, false);
  }
  if (d.colon) sink.word(d.colon.start, d.colon.end, ':', true);
  if (d.type) renderExpr(d.type, src, sink, true);
  if (d.body) sink.body(d, d.body);
  for (const c of d.clauses) {
    sink.word(c.keyword.start, c.keyword.end, c.keyword.name, true);
    if (c.value) renderExpr(c.value, src, sink, true);
  }
}

function renderExpr(e: Expr, src: string, sink: Sink, space: boolean): void {
  switch (e.kind) {
    case 'number':
    case 'quantity':
    case 'shape':
    case 'string':
      sink.word(e.start, e.end, src.slice(e.start, e.end), space);
      return;
    case 'name':
      sink.word(e.start, e.end, e.name, space);
      return;
    case 'path':
      e.parts.forEach((p, i) => {
        if (i > 0) sink.word(p.start, p.start, '.', false);
        sink.word(p.start, p.end, p.name, i === 0 && space);
      });
      return;
    case 'call':
      sink.word(e.callee.start, e.callee.end, e.callee.name, space);
      sink.word(e.open.start, e.open.end, '(', false);
      e.args.forEach((a, i) => {
        renderField(a, src, sink, i > 0);
        if (i < e.args.length - 1) sink.word(a.end, a.end, ',', false);
      });
      if (e.close) sink.word(e.close.start, e.close.end, ')', false);
      return;
    case 'list':
      sink.word(e.start, e.start + 1, '[', space);
      e.items.forEach((item, i) => {
        renderExpr(item, src, sink, i > 0);
        if (i < e.items.length - 1) sink.word(item.end, item.end, ',', false);
      });
      if (src[e.end - 1] === ']') sink.word(e.end - 1, e.end, ']', false);
      return;
    case 'range':
      renderExpr(e.from, src, sink, space);
      sink.word(e.op.start, e.op.end, '..', true);
      if (e.to) renderExpr(e.to, src, sink, true);
      return;
  }
}

class FlatSink implements Sink {
  out = '';
  constructor(private readonly src: string) {}
  word(_pos: number, _end: number, text: string, space: boolean): void {
    this.out += (space && this.out.length > 0 ? ' ' : '') + text;
  }
  body(_d: Decl, body: Block): void {
    this.out += ` ${flatBlock(body, this.src)}`;
  }
}

function flatStatement(s: Statement, src: string): string {
  const sink = new FlatSink(src);
  renderStatement(s, src, sink);
  return sink.out;
}

/** `{ a = 1  b = 2 }`: two spaces between statements, as in `train { rule = backprop  epochs = 1 }`. */
function flatBlock(b: Block, src: string): string {
  if (b.statements.length === 0) return '{}';
  return `{ ${b.statements.map((s) => flatStatement(s, src)).join('  ')} }`;
}

// ---------------------------------------------------------------------------------------------
// The printer.

interface Line {
  indent: number;
  /** The code (or an own-line comment's text). */
  code: string;
  /** A comment after the code, aligned with its neighbours'. */
  trailing: string | null;
  kind: 'code' | 'comment' | 'blank';
}

function print(src: string): string {
  const { file } = parse(src);
  const p = new Printer(src, file.comments);
  file.statements.forEach((s, i) => {
    const prev = file.statements[i - 1];
    if (prev && (prev.kind === 'decl' || s.kind === 'decl')) p.forceBlank = true;
    p.statement(s, 0);
  });
  p.flushComments(src.length + 1, 0, true);
  return p.finish();
}

class Printer implements Sink {
  private readonly lines: Line[] = [];
  private cur: Line | null = null;
  /** The current line holds only a comment that the next token continues (`/* a *\/ x = 1`). */
  private curIsLead = false;
  private ci = 0;
  private lastEnd = 0;
  /** Indentation of the statement being printed; continuation lines get one more level. */
  private stmtIndent = 0;
  private forceSpace = false;
  private firstInBlock = true;
  forceBlank = false;

  constructor(
    private readonly src: string,
    private readonly comments: readonly Comment[],
  ) {}

  statement(s: Statement, indent: number): void {
    this.flushComments(s.start, indent, true);
    this.blank(s.start);
    if (this.cur && this.curIsLead) {
      this.curIsLead = false;
    } else {
      this.endLine();
      this.cur = { indent, code: '', trailing: null, kind: 'code' };
    }
    this.stmtIndent = indent;
    renderStatement(s, this.src, this);
  }

  word(pos: number, end: number, text: string, space: boolean): void {
    this.flushComments(pos, this.stmtIndent + 1, false);
    if (this.cur && this.cur.trailing !== null) this.endLine();
    if (!this.cur) {
      this.cur = { indent: this.stmtIndent + 1, code: '', trailing: null, kind: 'code' };
      space = false;
    }
    this.append(text, space || this.forceSpace);
    this.forceSpace = false;
    this.curIsLead = false;
    this.lastEnd = Math.max(this.lastEnd, end);
  }

  body(d: Decl, body: Block): void {
    const src = this.src;
    const close = body.close ?? { start: body.end, end: body.end };
    const hasComment = this.comments.some((c) => c.start >= body.open.start && c.start < close.end);
    if (!hasComment && body.statements.length === 0) {
      this.word(body.open.start, close.end, '{}', true);
      return;
    }
    if (
      !hasComment &&
      body.close &&
      !src.slice(body.open.start, close.end).includes('\n') &&
      this.stmtIndent * INDENT.length + flatStatement(d, src).length <= MAX_WIDTH
    ) {
      this.word(body.open.start, close.end, flatBlock(body, src), true);
      return;
    }
    const indent = this.stmtIndent;
    this.word(body.open.start, body.open.end, '{', true);
    this.firstInBlock = true;
    for (const s of body.statements) this.statement(s, indent + 1);
    this.flushComments(close.start, indent + 1, true);
    this.forceBlank = false;
    this.endLine();
    this.cur = { indent, code: '', trailing: null, kind: 'code' };
    this.stmtIndent = indent;
    this.firstInBlock = false;
    if (body.close) this.word(close.start, close.end, '}', false);
    else this.append('}', false);
  }

  /** Emits the comments that start before `pos`. `stmtLevel`: between statements of a block. */
  flushComments(pos: number, indent: number, stmtLevel: boolean): void {
    while (this.ci < this.comments.length && this.comments[this.ci]!.start < pos) {
      const c = this.comments[this.ci++]!;
      const text = c.style === 'line' ? c.text.trimEnd() : c.text;
      const before = this.codeBefore(c.start);
      const after = c.style === 'block' && this.codeAfter(c.end);
      if (before && this.cur && !this.curIsLead) {
        if (after && !stmtLevel && this.cur.trailing === null) {
          // In the middle of a line: `f(/* a *\/ x = 1)`.
          this.append(text, true);
          this.forceSpace = true;
        } else {
          this.cur.trailing = this.cur.trailing === null ? text : `${this.cur.trailing} ${text}`;
          if (c.style === 'line') this.endLine();
        }
      } else if (before && this.cur) {
        // After a leading comment on the same line: `/* a *\/ /* b *\/ x`.
        this.append(text, true);
        if (c.style === 'line') this.endLine();
        else this.forceSpace = true;
      } else {
        this.endLine();
        if (stmtLevel) this.blank(c.start);
        if (after) {
          this.cur = { indent, code: text, trailing: null, kind: 'code' };
          this.curIsLead = true;
          this.forceSpace = true;
        } else {
          this.lines.push({ indent, code: text, trailing: null, kind: 'comment' });
        }
      }
      this.lastEnd = Math.max(this.lastEnd, c.end);
    }
  }

  /** A blank line before an own-line item at `pos` if the source had one (or one is forced). */
  private blank(pos: number): void {
    let newlines = 0;
    for (let i = this.lastEnd; i < pos && newlines < 2; i++) if (this.src.charCodeAt(i) === 10) newlines++;
    const want = this.forceBlank || newlines >= 2;
    this.forceBlank = false;
    if (want && !this.firstInBlock && (this.lines.length > 0 || this.cur)) {
      this.endLine();
      if (this.lines.at(-1)?.kind !== 'blank')
        this.lines.push({ indent: 0, code: '', trailing: null, kind: 'blank' });
    }
    this.firstInBlock = false;
  }

  private codeBefore(offset: number): boolean {
    for (let i = offset - 1; i >= 0; i--) {
      const c = this.src.charCodeAt(i);
      if (c === 10) return false;
      if (!isSpace(c)) return true;
    }
    return false;
  }

  private codeAfter(offset: number): boolean {
    for (let i = offset; i < this.src.length; i++) {
      const c = this.src.charCodeAt(i);
      if (c === 10) return false;
      if (!isSpace(c)) return true;
    }
    return false;
  }

  private append(text: string, space: boolean): void {
    if (!this.cur) this.cur = { indent: this.stmtIndent + 1, code: '', trailing: null, kind: 'code' };
    this.cur.code += (space && this.cur.code.length > 0 ? ' ' : '') + text;
  }

  private endLine(): void {
    if (this.cur && (this.cur.code !== '' || this.cur.trailing !== null)) this.lines.push(this.cur);
    this.cur = null;
    this.curIsLead = false;
    this.forceSpace = false;
  }

  finish(): string {
    this.endLine();
    while (this.lines.at(-1)?.kind === 'blank') this.lines.pop();
    const lines = this.lines;
    // Align trailing comments within a paragraph: consecutive code lines of the same indentation.
    const column = new Map<Line, number>();
    for (let i = 0; i < lines.length; ) {
      const first = lines[i]!;
      let j = i + 1;
      if (first.kind === 'code' && !first.code.includes('\n')) {
        while (
          j < lines.length &&
          lines[j]!.kind === 'code' &&
          lines[j]!.indent === first.indent &&
          !lines[j]!.code.includes('\n')
        )
          j++;
        let col = 0;
        for (let k = i; k < j; k++) {
          const l = lines[k]!;
          if (l.trailing !== null) col = Math.max(col, width(l) + 2);
        }
        for (let k = i; k < j; k++) column.set(lines[k]!, col);
      }
      i = j;
    }
    const out = lines.map((l) => {
      if (l.kind === 'blank') return '';
      const head = INDENT.repeat(l.indent) + l.code;
      if (l.trailing === null) return head;
      if (l.code === '') return INDENT.repeat(l.indent) + l.trailing;
      const col = column.get(l) ?? width(l) + 2;
      return head + ' '.repeat(Math.max(2, col - width(l))) + l.trailing;
    });
    return out.length === 0 ? '' : `${out.join('\n')}\n`;
  }
}

function width(l: Line): number {
  return l.indent * INDENT.length + l.code.length;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 0xfeff || c === 0xa0;
}
