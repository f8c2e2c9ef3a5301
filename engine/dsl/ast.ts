// The .nfab syntax tree. The grammar is deliberately generic: a file and every block are lists of
// statements, and a statement is either a field (`key = value`, or `key value` such as
// `node 20nm`) or a declaration (`keyword name : type { block } on target`). What a keyword
// means, which fields a block allows and their units are tables in the checker (schema.ts,
// device-defaults.ts), so adding a kind or a field never touches the parser.
//
// Every node and every sub-part a language service points at (keys, names, `=`, braces, units)
// carries a Span of 0-based UTF-16 offsets [start, end). lines.ts turns offsets into line:col.
import type { Dimension } from '../ir/units';

export interface Span {
  start: number;
  end: number;
}

export interface Ident extends Span {
  kind: 'ident';
  name: string;
}

/** A plain number such as `256` or `0.05` (a `-` sign is folded in). */
export interface NumberExpr extends Span {
  kind: 'number';
  text: string;
  value: number;
  isInteger: boolean;
}

/** A number with a unit such as `25uS`. value/dimension are null when the unit is unknown. */
export interface QuantityExpr extends Span {
  kind: 'quantity';
  text: string;
  /** SI value, or null if the unit could not be read (already reported by the parser). */
  value: number | null;
  dimension: Dimension | null;
  unit: string;
  unitSpan: Span;
}

/** `28x28`, `3x32x32`. */
export interface ShapeExpr extends Span {
  kind: 'shape';
  text: string;
  dims: number[];
}

export interface StringExpr extends Span {
  kind: 'string';
  value: string;
}

/** A bare word used as a value: `relu`, `continuous`, `differential`, `true`, a reference. */
export interface NameExpr extends Span {
  kind: 'name';
  name: string;
}

/** `mtj_rf.program_noise` */
export interface PathExpr extends Span {
  kind: 'path';
  parts: Ident[];
}

/** `sgd(lr = 0.1, momentum = 0.9)`, `crossbar(rows = 256, cols = 256)`. */
export interface CallExpr extends Span {
  kind: 'call';
  callee: Ident;
  open: Span;
  args: Field[];
  close: Span | null;
}

/** `[0%, 1%, 2%]` */
export interface ListExpr extends Span {
  kind: 'list';
  items: Expr[];
}

/** `2.0GHz .. 4.0GHz` */
export interface RangeExpr extends Span {
  kind: 'range';
  from: Expr;
  op: Span;
  to: Expr | null;
}

export type Expr =
  | NumberExpr
  | QuantityExpr
  | ShapeExpr
  | StringExpr
  | NameExpr
  | PathExpr
  | CallExpr
  | ListExpr
  | RangeExpr;

/** `key = value`, or `key value` without `=` (eq is then null; the checker decides if allowed). */
export interface Field extends Span {
  kind: 'field';
  key: Ident;
  eq: Span | null;
  /** Null when the value is missing or unreadable (a syntax error was reported). */
  value: Expr | null;
}

/** A trailing clause of a declaration: `on xbar`, `in [1, 2]`. */
export interface Clause extends Span {
  kind: 'clause';
  keyword: Ident;
  value: Expr | null;
}

/** `keyword name(.sub)* (: type)? { ... }? clause*`, e.g. `device d : rram { ... }`, `train { ... }`. */
export interface Decl extends Span {
  kind: 'decl';
  keyword: Ident;
  name: Ident | null;
  /** Dotted continuation of the name: `sweep dev.program_noise` has subpath [program_noise]. */
  subpath: Ident[];
  colon: Span | null;
  type: Expr | null;
  body: Block | null;
  clauses: Clause[];
}

export interface Block extends Span {
  kind: 'block';
  open: Span;
  statements: Statement[];
  /** Null when the closing brace is missing (reported). */
  close: Span | null;
}

export type Statement = Field | Decl;

export interface Comment extends Span {
  kind: 'comment';
  style: 'line' | 'block';
  text: string;
}

export interface SourceFile extends Span {
  kind: 'file';
  statements: Statement[];
  /** Every comment in source order: trivia the formatter must keep. */
  comments: Comment[];
}

/** A syntax problem, in offsets; index.ts converts it to a Diagnostic. */
export interface ParseProblem extends Span {
  message: string;
  code: string;
}
