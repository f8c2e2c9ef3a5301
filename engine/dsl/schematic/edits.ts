// Diagram edits as minimal text edits of the DSL. Each function finds its declaration in the
// parse tree and returns one { offset, length, newText } that touches only the value, line or
// block concerned, so comments and formatting elsewhere stay exactly as written. validateEdit runs
// the checker on the would-be text and refuses an edit that brings a new error, with its message.
import type { Decl, Field, SourceFile, Statement } from '../ast';
import { checkDocument, type ReadFile } from '../index';
import { parse } from '../parser';
import { declKey, findDecl } from './graph';

export interface TextEdit {
  /** 0-based UTF-16 offset and length of the replaced text. */
  offset: number;
  length: number;
  newText: string;
}

export type EditResult = { ok: true; edit: TextEdit } | { ok: false; message: string };

const fail = (message: string): EditResult => ({ ok: false, message });
const ok = (offset: number, length: number, newText: string): EditResult => ({
  ok: true,
  edit: { offset, length, newText },
});

export function applyEdit(text: string, e: TextEdit): string {
  return text.slice(0, e.offset) + e.newText + text.slice(e.offset + e.length);
}

/** The pseudo-field for a declaration's type (`dense h : 256` -> `256`). */
export const TYPE_FIELD = ':type';

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i;
}

function indentOf(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
}

/** The indentation of a block's statements: that of its first statement, else the decl's + 2. */
function childIndent(text: string, d: Decl): string {
  const first = d.body?.statements[0];
  if (first && lineStart(text, first.start) !== lineStart(text, d.start)) return indentOf(text, first.start);
  return `${indentOf(text, d.start)}  `;
}

function parsed(text: string): SourceFile {
  return parse(text).file;
}

function describePath(path: readonly string[]): string {
  return path.join('.');
}

/**
 * Inserts a statement as the last one of a declaration's body (creating `{ }` if it has none).
 * `lines` are the statement's lines without indentation.
 */
function insertStatement(text: string, d: Decl, lines: readonly string[]): EditResult {
  const body = d.body;
  if (!body) {
    // `dense y : 10 on xbar` -> `dense y : 10 { act = relu } on xbar`
    const after = d.type ?? d.name ?? d.keyword;
    if (lines.length === 1) return ok(after.end, 0, ` { ${lines[0]} }`);
    const ind = childIndent(text, d);
    return ok(after.end, 0, ` {\n${lines.map((l) => ind + l).join('\n')}\n${indentOf(text, d.start)}}`);
  }
  if (!body.close) return fail(`the block of ${describePath([declKey(d)])} is not closed`);
  const closeLine = lineStart(text, body.close.start);
  const onOwnLine = text.slice(closeLine, body.close.start).trim() === '' && closeLine > body.open.start;
  if (onOwnLine) {
    const ind = childIndent(text, d);
    return ok(closeLine, 0, lines.map((l) => `${ind}${l}\n`).join(''));
  }
  // A one-line block `{ act = relu }` or `{}`.
  if (lines.length === 1) {
    const inner = text.slice(body.open.end, body.close.start);
    if (inner.trim() === '') return ok(body.open.end, inner.length, ` ${lines[0]} `);
    const end = body.close.start - (inner.length - inner.trimEnd().length);
    return ok(end, 0, `; ${lines[0]}`);
  }
  const ind = childIndent(text, d);
  return ok(body.close.start, 0, `\n${lines.map((l) => ind + l).join('\n')}\n${indentOf(text, d.start)}`);
}

/** A field of a block, by key (the last one if written twice: that is the one the checker uses). */
function fieldOf(list: readonly Statement[], key: string): Field | null {
  let found: Field | null = null;
  for (const st of list) if (st.kind === 'field' && st.key.name === key) found = st;
  return found;
}

/**
 * Sets `field` of the declaration at `path` to `value` (DSL text such as `32`, `25uS`, `rram`).
 * An existing value is replaced in place; a call argument (`rows` of `crossbar(rows = 256)`) too;
 * a missing field is added as the block's last line. TYPE_FIELD replaces the declared type.
 */
export function setFieldEdit(
  text: string,
  path: readonly string[],
  field: string,
  value: string,
): EditResult {
  const v = value.trim();
  if (!v) return fail(`${field}: a value is required`);
  if (/[\n{};]/.test(v)) return fail(`${field}: a value cannot contain line breaks, braces or ';'`);
  const d = findDecl(parsed(text), path);
  if (!d) return fail(`no declaration ${describePath(path)} in the text`);
  if (field === TYPE_FIELD) {
    if (!d.type) return fail(`${describePath(path)} has no type to set`);
    return ok(d.type.start, d.type.end - d.type.start, v);
  }
  const f = fieldOf(d.body?.statements ?? [], field);
  if (f) {
    if (f.value) return ok(f.value.start, f.value.end - f.value.start, v);
    return ok(f.end, 0, f.eq ? ` ${v}` : ` = ${v}`);
  }
  if (d.type?.kind === 'call') {
    const arg = fieldOf(d.type.args, field);
    if (arg?.value) return ok(arg.value.start, arg.value.end - arg.value.start, v);
  }
  return insertStatement(text, d, [`${field} = ${v}`]);
}

/** Names declared anywhere in the text. */
function declaredNames(file: SourceFile): Set<string> {
  const out = new Set<string>();
  const visit = (list: readonly Statement[]) => {
    for (const st of list) {
      if (st.kind !== 'decl') continue;
      if (st.name) out.add(st.name.name);
      if (st.body) visit(st.body.statements);
    }
  };
  visit(file.statements);
  return out;
}

/** `base`, else `base_2`, `base_3`, ... : a name not yet declared in the text. */
export function freshName(text: string, base: string): string {
  const used = declaredNames(parsed(text));
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}_${i}`)) return `${base}_${i}`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface AddTileOptions {
  name?: string;
  kind?: string;
  rows?: number;
  cols?: number;
  /** Device of the tile; default: the first device declared in the text. */
  device?: string;
}

/** Adds a tile as the last statement of a chip. */
export function addTileEdit(text: string, chip: string, options: AddTileOptions = {}): EditResult {
  const file = parsed(text);
  const d = findDecl(file, [chip]);
  if (d?.keyword.name !== 'chip') return fail(`no chip ${chip} in the text`);
  const kind0 = options.kind ?? 'crossbar';
  const name = options.name ?? freshName(text, kind0 === 'crossbar' ? 'xbar' : kind0);
  if (!NAME.test(name)) return fail(`'${name}' is not a name`);
  const kind = kind0;
  const device =
    options.device ??
    file.statements.find((s): s is Decl => s.kind === 'decl' && s.keyword.name === 'device' && !!s.name)?.name
      ?.name;
  const lines =
    kind === 'crossbar'
      ? [`tile ${name} : crossbar(rows = ${options.rows ?? 128}, cols = ${options.cols ?? 128}) {`]
      : [`tile ${name} : ${kind} {`];
  if (device) lines.push(`  device = ${device}`);
  lines.push('}');
  return insertStatement(text, d, lines);
}

export interface AddLayerOptions {
  name?: string;
  kind?: string;
  /** Units (dense) or the type text; default 10. */
  size?: string | number;
  /** `on TILE`; default: the tile of the network's last mapped layer. */
  tile?: string | null;
}

/** Adds a layer as the last statement of a network (it becomes the output layer). */
export function addLayerEdit(text: string, network: string, options: AddLayerOptions = {}): EditResult {
  const d = findDecl(parsed(text), [network]);
  if (d?.keyword.name !== 'network') return fail(`no network ${network} in the text`);
  const name = options.name ?? freshName(text, 'fc');
  if (!NAME.test(name)) return fail(`'${name}' is not a name`);
  let tile = options.tile;
  if (tile === undefined) {
    tile = null;
    for (const st of d.body?.statements ?? []) {
      if (st.kind !== 'decl') continue;
      const on = st.clauses.find((c) => c.keyword.name === 'on');
      if (on?.value?.kind === 'name') tile = on.value.name;
    }
  }
  const line = `${options.kind ?? 'dense'} ${name} : ${options.size ?? 10}${tile ? ` on ${tile}` : ''}`;
  return insertStatement(text, d, [line]);
}

/** Adds a device after the last top-level device (or before the first declaration). */
export function addDeviceEdit(text: string, options: { name?: string; kind?: string } = {}): EditResult {
  const file = parsed(text);
  const name = options.name ?? freshName(text, 'dev');
  if (!NAME.test(name)) return fail(`'${name}' is not a name`);
  const block = `device ${name} : ${options.kind ?? 'rram'} {\n}\n`;
  const decls = file.statements.filter((s): s is Decl => s.kind === 'decl');
  const lastDevice = decls.filter((s) => s.keyword.name === 'device').at(-1);
  if (lastDevice) {
    const end = lineEnd(text, lastDevice.end);
    return end >= text.length ? ok(text.length, 0, `\n\n${block}`) : ok(end + 1, 0, `\n${block}`);
  }
  const first = decls.find((s) => s.keyword.name !== 'import');
  if (first) return ok(lineStart(text, first.start), 0, `${block}\n`);
  return ok(text.length, 0, `${text.length && !text.endsWith('\n') ? '\n' : ''}${block}`);
}

/** Adds an empty top-level chip or network at the end of the text. */
export function addTopLevelEdit(text: string, keyword: 'chip' | 'network', name?: string): EditResult {
  const n = name ?? freshName(text, keyword);
  if (!NAME.test(n)) return fail(`'${n}' is not a name`);
  const sep = text.length === 0 ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return ok(text.length, 0, `${sep}${keyword} ${n} {\n}\n`);
}

/**
 * Deletes the declaration at `path`: its whole lines when it stands on lines of its own (with a
 * comment trailing its last line), else just its text. Comments above it stay.
 */
export function deleteDeclEdit(text: string, path: readonly string[]): EditResult {
  const d = findDecl(parsed(text), path);
  if (!d) return fail(`no declaration ${describePath(path)} in the text`);
  const ls = lineStart(text, d.start);
  const le = lineEnd(text, d.end);
  const before = text.slice(ls, d.start);
  const after = text.slice(d.end, le);
  if (before.trim() === '' && (after.trim() === '' || /^\s*\/\//.test(after))) {
    const end = le < text.length ? le + 1 : le;
    return ok(ls, end - ls, '');
  }
  return ok(d.start, d.end - d.start, '');
}

/**
 * Reconnects a reference: in the declaration at `path`, the field whose value names `oldName`
 * (e.g. `device = rram` of a tile, `synapse = spin_res` of an rf_chain) names `newName` instead.
 * This is what dragging a "uses" edge from one device or neuron to another means.
 */
export function retargetReferenceEdit(
  text: string,
  path: readonly string[],
  oldName: string,
  newName: string,
): EditResult {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) return fail(`'${newName}' is not a name`);
  const d = findDecl(parsed(text), path);
  if (!d) return fail(`no declaration ${describePath(path)} in the text`);
  let found: Field | null = null;
  for (const st of d.body?.statements ?? []) {
    if (st.kind === 'field' && st.value && text.slice(st.value.start, st.value.end) === oldName) found = st;
  }
  if (!found?.value) return fail(`${describePath(path)} has no field that names '${oldName}'`);
  return ok(found.value.start, found.value.end - found.value.start, newName);
}

export interface CheckedEdit {
  ok: boolean;
  /** Why the edit was refused: the checker's message for the first new error. */
  message?: string;
  text?: string;
}

/**
 * Runs the checker on the text the edit would produce and refuses it if it brings an error the
 * current text does not have (compared by message, so existing errors elsewhere do not block).
 */
export function validateEdit(
  fileName: string,
  text: string,
  edit: TextEdit,
  readFile?: ReadFile,
): CheckedEdit {
  const next = applyEdit(text, edit);
  const errors = (t: string) =>
    checkDocument(fileName, t, readFile ? { readFile } : {})
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => d.message);
  const before = new Map<string, number>();
  for (const m of errors(text)) before.set(m, (before.get(m) ?? 0) + 1);
  for (const m of errors(next)) {
    const n = before.get(m) ?? 0;
    if (n === 0) return { ok: false, message: m };
    before.set(m, n - 1);
  }
  return { ok: true, text: next };
}
