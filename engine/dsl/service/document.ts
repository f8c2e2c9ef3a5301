// The language service's view of one document: the parse tree plus a flat, source-ordered list of
// "occurrences" (every keyword, name, kind, field key, reference, number, unit and string, each
// with the block context it sits in and the schema row that governs it) and the symbol table.
// Every feature (tokens, hover, completion, navigation, rename) is a query over this one walk, so
// they agree on what each word is.
//
// Positions: 0-based UTF-16 offsets, ranges [start, end) — the same as the parser's spans.
// Monaco and the CLI convert at their edge (model.getPositionAt / LineMap).
//
// Context comes from the schema tables (schema.ts, device-defaults.ts) at call time, so a new
// kind or field shows up in completion and hover without touching this module.
import { DEVICE_KINDS } from '../../ir/model';
import type { Comment, Decl, Expr, Field, SourceFile, Span, Statement } from '../ast';
import { parse, TOP_LEVEL_KEYWORDS } from '../parser';
import * as schema from '../schema';
import {
  CROSSBAR_ARGS,
  CROSSBAR_FIELDS,
  DENSE_FIELDS,
  DEVICE_FIELDS,
  type FieldSpec,
  LAYER_KINDS,
  OPTIMIZERS,
} from '../schema';

/** Declarations the language reserves in an experiment (the table may be absent). */
/** `metrics = [accuracy, energy]`: a list of METRICS, checked in check-experiment.ts. */
const METRICS_FIELD: FieldSpec = {
  name: 'metrics',
  doc: 'Metrics to record, a list: `metrics = [accuracy, energy]`.',
  type: { kind: 'enum', values: schema.METRICS },
};

function plannedExperimentDecls(): Readonly<Record<string, string>> {
  const t = (schema as Record<string, unknown>).PLANNED_EXPERIMENT_DECLS;
  return t && typeof t === 'object' ? (t as Record<string, string>) : {};
}

import { closest } from '../suggest';

/** A top-level declaration keyword (device, chip, ...), 'tile' or 'layer'. */
export type SymbolKind = string;

/** Top-level declaration keywords, in the order completion offers them (the parser's list). */
export const DECLARATION_KEYWORDS: readonly string[] = TOP_LEVEL_KEYWORDS.filter((k) => k !== 'import');

/**
 * The field table of a top-level kind, found by the schema's naming convention
 * (`device` -> DEVICE_FIELDS), so a new top-level kind with a table completes without changes here.
 */
export function topLevelFields(kind: string): readonly FieldSpec[] {
  const t = (schema as Record<string, unknown>)[`${kind.toUpperCase()}_FIELDS`];
  return Array.isArray(t) ? (t as FieldSpec[]) : [];
}

export type ContextKind =
  | 'file'
  | 'device'
  | 'chip'
  | 'tile'
  | 'network'
  | 'layer'
  | 'experiment'
  | 'block'
  | 'call'
  | 'other'
  | 'unknown';

/** What a block (or a call's argument list) may contain. */
export interface BlockContext {
  kind: ContextKind;
  /** For messages and hovers: "device 'rram' (rram)". */
  label: string;
  fields: readonly FieldSpec[];
  /** Declaration keywords allowed in this block (`tile` in a chip, layer kinds in a network). */
  decls: readonly string[];
  /** Keywords the language has but the engine cannot run yet: keyword -> why. */
  plannedDecls: Readonly<Record<string, string>>;
  /** The device kind whose defaults apply (device blocks and their sub-blocks). */
  deviceKind: string | null;
  /** 'energy.' inside `energy { }` of a device: the key into DSL_TO_PARAM. */
  fieldPrefix: string;
  /** The statements already in the block (to leave present fields out of completion). */
  statements: readonly Statement[];
  decl: Decl | null;
}

export type Role =
  | 'keyword'
  | 'declaration'
  | 'kind'
  | 'field'
  | 'reference'
  | 'enum'
  | 'number'
  | 'unit'
  | 'string';

export interface Occurrence extends Span {
  role: Role;
  ctx: BlockContext;
  /** The schema row for field keys and their values. */
  spec?: FieldSpec;
  /** For declarations and references: the symbol key (see symbolKey). */
  symbol?: string;
  /** For references: what kind of declaration the name must be. */
  target?: SymbolKind;
  decl?: Decl;
  field?: Field;
  expr?: Expr;
  /** The text of the word (names, keywords, kinds, units). */
  text: string;
}

export interface SymbolInfo {
  key: string;
  kind: SymbolKind;
  name: string;
  decl: Decl;
  nameSpan: Span;
  /** The chip of a tile, the network of a layer. */
  parent: SymbolInfo | null;
}

export interface NfabDocument {
  text: string;
  file: SourceFile;
  comments: readonly Comment[];
  occurrences: Occurrence[];
  /** First declaration of each symbol key. */
  symbols: Map<string, SymbolInfo>;
  /** Every declaration, duplicates included, in source order. */
  allSymbols: SymbolInfo[];
  fileContext: BlockContext;
}

/** `device:rram`, `tile:xbar` (tiles are found by name across chips), `layer:mlp.h`. */
export function symbolKey(kind: SymbolKind, name: string, parent?: string): string {
  return kind === 'layer' ? `layer:${parent ?? ''}.${name}` : `${kind}:${name}`;
}

const FILE_CONTEXT_BASE = {
  kind: 'file' as const,
  label: 'the file',
  fields: [],
  decls: ['import', ...DECLARATION_KEYWORDS],
  plannedDecls: {},
  deviceKind: null,
  fieldPrefix: '',
  decl: null,
};

function context(
  kind: ContextKind,
  label: string,
  fields: readonly FieldSpec[],
  statements: readonly Statement[],
  decl: Decl | null,
  extra: Partial<BlockContext> = {},
): BlockContext {
  return {
    kind,
    label,
    fields,
    decls: [],
    plannedDecls: {},
    deviceKind: null,
    fieldPrefix: '',
    statements,
    decl,
    ...extra,
  };
}

/** The top-level keyword a (possibly misspelt) keyword stands for, as the checker reads it. */
export function topLevelKind(keyword: string): string | null {
  if (DECLARATION_KEYWORDS.includes(keyword)) return keyword;
  return closest(keyword, DECLARATION_KEYWORDS);
}

export function typeName(e: Expr | null): string | null {
  if (!e) return null;
  if (e.kind === 'name') return e.name;
  if (e.kind === 'call') return e.callee.name;
  return null;
}

/** The context of a declaration's body, given the context the declaration is in. */
export function childContext(parent: BlockContext, d: Decl): BlockContext {
  const statements = d.body?.statements ?? [];
  const name = d.name?.name ?? '?';
  const kw = d.keyword.name;
  if (parent.kind === 'file') {
    const top = topLevelKind(kw);
    if (top === 'device') {
      const kind = typeName(d.type);
      const known = kind && (DEVICE_KINDS as readonly string[]).includes(kind) ? kind : null;
      return context(
        'device',
        `device '${name}'${known ? ` (${known})` : ''}`,
        DEVICE_FIELDS,
        statements,
        d,
        {
          deviceKind: known,
        },
      );
    }
    if (top === 'chip')
      return context('chip', `chip '${name}'`, topLevelFields('chip'), statements, d, { decls: ['tile'] });
    if (top === 'network')
      return context('network', `network '${name}'`, [], statements, d, { decls: LAYER_KINDS });
    if (top === 'experiment')
      // `metrics = [..]` and `sweep PATH in [..]` are read outside EXPERIMENT_FIELDS (they take lists).
      return context(
        'experiment',
        `experiment '${name}'`,
        [...topLevelFields('experiment'), METRICS_FIELD],
        statements,
        d,
        {
          decls: ['sweep'],
          plannedDecls: plannedExperimentDecls(),
        },
      );
    if (top) return context('other', `${top} '${name}'`, topLevelFields(top), statements, d);
    return context('unknown', `'${kw}'`, [], statements, d);
  }
  if (parent.kind === 'chip' && kw === 'tile') {
    const kind = typeName(d.type) ?? '?';
    return context(
      'tile',
      `tile '${name}' (${kind})`,
      kind === 'crossbar' ? CROSSBAR_FIELDS : [],
      statements,
      d,
    );
  }
  if (parent.kind === 'network' && kw === 'dense')
    return context('layer', `layer '${name}' (dense)`, DENSE_FIELDS, statements, d);
  if (parent.kind === 'network') return context('layer', `layer '${name}' (${kw})`, [], statements, d);
  // A field whose value is a block: `energy { }`, `train { }`.
  const spec = parent.fields.find((f) => f.name === kw);
  if (spec?.type.kind === 'block') {
    return context('block', `${kw} { } of ${parent.label}`, spec.type.fields, statements, d, {
      deviceKind: parent.deviceKind,
      fieldPrefix: `${parent.fieldPrefix}${kw}.`,
    });
  }
  return context('unknown', `'${kw}'`, [], statements, d);
}

/** Argument specs of a call by its callee: a tile kind's arguments or an optimizer's. */
export function callArgs(callee: string, spec?: FieldSpec): readonly FieldSpec[] | null {
  if (spec?.type.kind === 'call') return spec.type.options[callee] ?? null;
  if (callee === 'crossbar') return CROSSBAR_ARGS;
  return OPTIMIZERS[callee] ?? null;
}

class Walker {
  readonly occurrences: Occurrence[] = [];
  readonly allSymbols: SymbolInfo[] = [];

  constructor(private readonly text: string) {}

  private add(o: Omit<Occurrence, 'text'>): void {
    this.occurrences.push({ ...o, text: this.text.slice(o.start, o.end) });
  }

  statements(list: readonly Statement[], ctx: BlockContext, parent: SymbolInfo | null): void {
    for (const st of list) {
      if (st.kind === 'field') this.field(st, ctx);
      else this.decl(st, ctx, parent);
    }
  }

  private declSymbolKind(ctx: BlockContext, d: Decl): SymbolKind | null {
    if (ctx.kind === 'file') return topLevelKind(d.keyword.name);
    if (ctx.kind === 'chip' && d.keyword.name === 'tile') return 'tile';
    if (ctx.kind === 'network') return 'layer';
    return null;
  }

  private decl(d: Decl, ctx: BlockContext, parent: SymbolInfo | null): void {
    this.add({ start: d.keyword.start, end: d.keyword.end, role: 'keyword', ctx, decl: d });
    const child = childContext(ctx, d);
    const symKind = this.declSymbolKind(ctx, d);
    let sym: SymbolInfo | null = null;
    if (d.name && symKind) {
      const key = symbolKey(symKind, d.name.name, parent?.name);
      sym = { key, kind: symKind, name: d.name.name, decl: d, nameSpan: d.name, parent };
      this.allSymbols.push(sym);
      this.add({ start: d.name.start, end: d.name.end, role: 'declaration', ctx, decl: d, symbol: key });
    } else if (d.name && ctx.kind === 'experiment' && d.keyword.name === 'sweep') {
      // `sweep dev.program_noise`: the name is a device, the subpath one of its fields.
      const key = symbolKey('device', d.name.name);
      this.add({
        start: d.name.start,
        end: d.name.end,
        role: 'reference',
        ctx,
        decl: d,
        symbol: key,
        target: 'device',
      });
      for (const p of d.subpath) {
        const spec = DEVICE_FIELDS.find((f) => f.name === p.name);
        this.add({ start: p.start, end: p.end, role: 'field', ctx, decl: d, ...(spec ? { spec } : {}) });
      }
    } else if (d.name) {
      this.add({ start: d.name.start, end: d.name.end, role: 'declaration', ctx, decl: d });
    }
    if (d.type) this.typeExpr(d.type, ctx, d);
    if (d.body) this.statements(d.body.statements, child, sym ?? parent);
    for (const c of d.clauses) {
      this.add({ start: c.keyword.start, end: c.keyword.end, role: 'keyword', ctx, decl: d });
      if (c.keyword.name === 'on' && c.value?.kind === 'name') {
        this.add({
          start: c.value.start,
          end: c.value.end,
          role: 'reference',
          ctx,
          decl: d,
          symbol: symbolKey('tile', c.value.name),
          target: 'tile',
          expr: c.value,
        });
      } else if (c.value) this.expr(c.value, ctx, undefined, undefined);
    }
  }

  private typeExpr(e: Expr, ctx: BlockContext, d: Decl): void {
    if (e.kind === 'name') {
      this.add({ start: e.start, end: e.end, role: 'kind', ctx, decl: d, expr: e });
    } else if (e.kind === 'call') {
      this.add({ start: e.callee.start, end: e.callee.end, role: 'kind', ctx, decl: d, expr: e });
      const argCtx = context('call', `${e.callee.name}(...)`, callArgs(e.callee.name) ?? [], e.args, d);
      for (const a of e.args) this.field(a, argCtx);
    } else {
      this.expr(e, ctx, undefined, undefined);
    }
  }

  private field(f: Field, ctx: BlockContext): void {
    const spec = ctx.fields.find((s) => s.name === f.key.name);
    this.add({ start: f.key.start, end: f.key.end, role: 'field', ctx, field: f, ...(spec ? { spec } : {}) });
    if (f.value) this.expr(f.value, ctx, spec, f);
  }

  private expr(e: Expr, ctx: BlockContext, spec: FieldSpec | undefined, field: Field | undefined): void {
    const base = { ctx, expr: e, ...(spec ? { spec } : {}), ...(field ? { field } : {}) };
    switch (e.kind) {
      case 'number':
      case 'shape':
        this.add({ ...base, start: e.start, end: e.end, role: 'number' });
        return;
      case 'quantity':
        if (e.unitSpan.start > e.start)
          this.add({ ...base, start: e.start, end: e.unitSpan.start, role: 'number' });
        this.add({ ...base, start: e.unitSpan.start, end: e.unitSpan.end, role: 'unit' });
        return;
      case 'string':
        this.add({ ...base, start: e.start, end: e.end, role: 'string' });
        return;
      case 'name': {
        if (spec?.type.kind === 'ref') {
          const target: SymbolKind = spec.type.target;
          this.add({
            ...base,
            start: e.start,
            end: e.end,
            role: 'reference',
            target,
            symbol: symbolKey(target, e.name),
          });
        } else {
          this.add({ ...base, start: e.start, end: e.end, role: 'enum' });
        }
        return;
      }
      case 'path': {
        const [head, ...rest] = e.parts;
        if (head)
          this.add({
            ...base,
            start: head.start,
            end: head.end,
            role: 'reference',
            target: 'device',
            symbol: symbolKey('device', head.name),
          });
        for (const p of rest) this.add({ ...base, start: p.start, end: p.end, role: 'field' });
        return;
      }
      case 'call': {
        this.add({ ...base, start: e.callee.start, end: e.callee.end, role: 'enum' });
        const argCtx = context(
          'call',
          `${e.callee.name}(...)`,
          callArgs(e.callee.name, spec) ?? [],
          e.args,
          ctx.decl,
        );
        for (const a of e.args) this.field(a, argCtx);
        return;
      }
      case 'list':
        for (const item of e.items) this.expr(item, ctx, spec, field);
        return;
      case 'range':
        this.expr(e.from, ctx, spec, field);
        if (e.to) this.expr(e.to, ctx, spec, field);
        return;
    }
  }
}

/** Parses and indexes a document. Never throws on any input. */
export function analyze(text: string): NfabDocument {
  const { file } = parse(text);
  const fileContext: BlockContext = { ...FILE_CONTEXT_BASE, statements: file.statements };
  const w = new Walker(text);
  w.statements(file.statements, fileContext, null);
  const occurrences = w.occurrences.sort((a, b) => a.start - b.start || a.end - b.end);
  const symbols = new Map<string, SymbolInfo>();
  for (const s of w.allSymbols) if (!symbols.has(s.key)) symbols.set(s.key, s);
  return { text, file, comments: file.comments, occurrences, symbols, allSymbols: w.allSymbols, fileContext };
}

let cached: NfabDocument | null = null;

/** analyze() with a one-entry cache: the providers of one keystroke share one parse. */
export function getDocument(text: string): NfabDocument {
  if (cached?.text !== text) cached = analyze(text);
  return cached;
}

/** The occurrence under the cursor (a cursor right after a word still hits it). */
export function occurrenceAt(doc: NfabDocument, offset: number): Occurrence | null {
  let best: Occurrence | null = null;
  for (const o of doc.occurrences) {
    if (o.start > offset) break;
    if (offset >= o.start && offset <= o.end) {
      // Prefer the occurrence that starts at the cursor over one ending there.
      if (!best || offset < o.end) best = o;
    }
  }
  return best;
}

/**
 * The innermost block around an offset. A block whose '}' is missing reaches up to the next
 * statement of the enclosing block, so typing at the end of an unclosed block still completes.
 */
export function contextAt(doc: NfabDocument, offset: number): BlockContext {
  let ctx = doc.fileContext;
  let list: readonly Statement[] = doc.file.statements;
  let limit = doc.text.length;
  for (;;) {
    let inner: { d: Decl; limit: number } | null = null;
    for (let i = 0; i < list.length; i++) {
      const st = list[i]!;
      if (st.kind !== 'decl' || !st.body) continue;
      const b = st.body;
      const end = b.close ? b.close.start : (list[i + 1]?.start ?? limit);
      if (offset > b.open.start && offset <= end) {
        inner = { d: st, limit: end };
        break;
      }
    }
    if (!inner) return ctx;
    ctx = childContext(ctx, inner.d);
    list = inner.d.body!.statements;
    limit = inner.limit;
  }
}

/** Whether an offset lies inside a comment (or a string): no completion there. */
export function inTrivia(doc: NfabDocument, offset: number): boolean {
  for (const c of doc.comments) {
    if (offset > c.start && (offset < c.end || (c.style === 'line' && offset === c.end))) return true;
  }
  for (const o of doc.occurrences) if (o.role === 'string' && offset > o.start && offset < o.end) return true;
  return false;
}
