// The Sweep dialog's text edit: `sweep dev.field in [a, b, c]` written into an experiment, so the
// DSL stays the one source of truth. A sweep over the same field is replaced in place; otherwise
// the line goes last in the experiment's block (two sweeps over different fields make a grid).
import type { Decl, SourceFile, Statement } from '../../../engine/dsl/ast';
import { NEURON_FIELDS } from '../../../engine/dsl/neuron-defaults';
import { parse } from '../../../engine/dsl/parser';
import { DEVICE_FIELDS, type FieldSpec } from '../../../engine/dsl/schema';
import type { EditResult } from '../../../engine/dsl/schematic/edits';
import { findDecl } from '../../../engine/dsl/schematic/graph';

export interface SweepTarget {
  /** `device` or `neuron`. */
  keyword: string;
  name: string;
  /** The declared type, e.g. `rram`, `lif`. */
  kind: string;
  /** Fields one can sweep, with the value written in the declaration when there is one. */
  fields: { name: string; doc: string; current: string | null }[];
}

const SWEEPABLE = new Set(['number', 'quantity', 'enum', 'boolean']);

function specsFor(keyword: string, kind: string): readonly FieldSpec[] {
  if (keyword === 'device') return DEVICE_FIELDS;
  return (NEURON_FIELDS as Record<string, readonly FieldSpec[]>)[kind] ?? [];
}

/** Names the text refers to in field values (`device = rpu_gv`, `act = sto`). */
export function referencedNames(text: string): Set<string> {
  const out = new Set<string>();
  const visit = (list: readonly Statement[]) => {
    for (const st of list) {
      if (st.kind === 'field' && st.value?.kind === 'name') out.add(st.value.name);
      if (st.kind === 'decl' && st.body) visit(st.body.statements);
    }
  };
  visit(parse(text).file.statements);
  return out;
}

/**
 * The devices and neurons declared in the files (the open one first, then what it imports),
 * those the open file refers to first: a library declares many more than a design uses.
 */
export function sweepTargets(files: readonly { text: string }[]): SweepTarget[] {
  const used = files[0] ? referencedNames(files[0].text) : new Set<string>();
  return declaredTargets(files).sort((a, b) => Number(used.has(b.name)) - Number(used.has(a.name)));
}

function declaredTargets(files: readonly { text: string }[]): SweepTarget[] {
  const out: SweepTarget[] = [];
  for (const { text } of files) {
    for (const st of parse(text).file.statements) {
      if (st.kind !== 'decl' || !st.name || (st.keyword.name !== 'device' && st.keyword.name !== 'neuron'))
        continue;
      const kind = st.type?.kind === 'name' ? st.type.name : '';
      const written = new Map<string, string>();
      for (const f of st.body?.statements ?? []) {
        if (f.kind === 'field' && f.value) written.set(f.key.name, text.slice(f.value.start, f.value.end));
      }
      const fields = specsFor(st.keyword.name, kind)
        .filter((s) => SWEEPABLE.has(s.type.kind) && !s.ignored)
        .map((s) => ({ name: s.name, doc: s.doc, current: written.get(s.name) ?? null }));
      // Written fields first: they are the ones the design is about.
      fields.sort((a, b) => Number(b.current !== null) - Number(a.current !== null));
      out.push({ keyword: st.keyword.name, name: st.name.name, kind, fields });
    }
  }
  return out;
}

/** `import "lib/devices.nfab"` paths of a file, as written. */
export function importsOf(text: string): string[] {
  return parse(text)
    .file.statements.filter(
      (s) => s.kind === 'field' && s.key.name === 'import' && s.value?.kind === 'string',
    )
    .map((s) => (s.kind === 'field' && s.value?.kind === 'string' ? s.value.value : ''));
}

/** Splits `0, 1%, 2.5%` into values; empty entries are dropped. */
export function parseValues(text: string): string[] {
  return text
    .replace(/^\s*\[|\]\s*$/g, '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

function sweepPath(d: Decl): string {
  return [d.name?.name ?? '', ...d.subpath.map((s) => s.name)].join('.');
}

function indentAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
}

export function sweepEdit(
  text: string,
  experiment: string,
  path: string,
  values: readonly string[],
): EditResult {
  if (!/^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(path)) {
    return { ok: false, message: `'${path}' is not a device or neuron field: write name.field` };
  }
  if (values.length === 0) return { ok: false, message: 'Give at least one value, e.g. 0, 1%, 2%' };
  const bad = values.find((v) => /[\n{}[\];]/.test(v));
  if (bad) return { ok: false, message: `'${bad}' is not a value: no line breaks, braces, brackets or ';'` };
  const file: SourceFile = parse(text).file;
  const exp = findDecl(file, [experiment]);
  if (exp?.keyword.name !== 'experiment' || !exp.body) {
    return { ok: false, message: `no experiment ${experiment} with a { } block in the text` };
  }
  const line = `sweep ${path} in [${values.join(', ')}]`;
  const statements: readonly Statement[] = exp.body.statements;
  const same = statements.find(
    (s): s is Decl => s.kind === 'decl' && s.keyword.name === 'sweep' && sweepPath(s) === path,
  );
  if (same) return { ok: true, edit: { offset: same.start, length: same.end - same.start, newText: line } };
  if (!exp.body.close) return { ok: false, message: `experiment ${experiment} has no closing brace` };
  const first = statements[0];
  const indent = first ? indentAt(text, first.start) : `${indentAt(text, exp.start)}  `;
  const last = statements.at(-1);
  // After the last statement's line, so a trailing comment on it stays where it is.
  const at = last ? text.indexOf('\n', last.end) : -1;
  if (at >= 0 && at < exp.body.close.start) {
    return { ok: true, edit: { offset: at + 1, length: 0, newText: `${indent}${line}\n` } };
  }
  const closeIndent = indentAt(text, exp.body.close.start);
  return {
    ok: true,
    edit: { offset: exp.body.close.start, length: 0, newText: `\n${indent}${line}\n${closeIndent}` },
  };
}
