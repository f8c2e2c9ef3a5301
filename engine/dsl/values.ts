// Generic validation of a block's fields against a schema table (schema.ts): unknown and
// duplicate fields, missing '=', units and dimensions, allowed ranges, enums, references by name.
// Each problem is reported once, on the exact span concerned; the caller gets typed-enough values
// and only builds the IR from what passed.
import { checkDimension, describeDimension, formatQuantity, resistanceToConductance } from '../ir/units';
import type { Decl, Expr, Field, Span, Statement } from './ast';
import type { DiagnosticBag } from './diagnostics';
import type { FieldSpec, ValueType } from './schema';
import { didYouMean } from './suggest';

export interface RefValue {
  kind: 'ref';
  name: string;
  span: Span;
}

export interface CallValue {
  kind: 'call';
  callee: string;
  span: Span;
  args: FieldValues;
}

export type Value = number | null | string | boolean | number[] | RefValue | CallValue | FieldValues;

export interface Entry {
  value: Value;
  /** The whole statement (field or sub-block). */
  node: Field | Decl;
  /** The value's span (the key's for blocks), where a cross-field error should point. */
  span: Span;
}

/** The validated fields of one block. A field with an invalid value is absent (and was reported). */
export class FieldValues {
  readonly entries = new Map<string, Entry>();
  /** Fields present in the text, even when their value was invalid: no "missing field" for them. */
  readonly written = new Set<string>();

  number(name: string): number | undefined {
    const v = this.entries.get(name)?.value;
    return typeof v === 'number' ? v : undefined;
  }

  /** For number fields with words (levels = continuous): the number, the word, or undefined. */
  numberOrWord(name: string): number | string | undefined {
    const v = this.entries.get(name)?.value;
    return typeof v === 'number' || typeof v === 'string' ? v : undefined;
  }

  string(name: string): string | undefined {
    const v = this.entries.get(name)?.value;
    return typeof v === 'string' ? v : undefined;
  }

  boolean(name: string): boolean | undefined {
    const v = this.entries.get(name)?.value;
    return typeof v === 'boolean' ? v : undefined;
  }

  ref(name: string): RefValue | undefined {
    const v = this.entries.get(name)?.value;
    return v && typeof v === 'object' && !Array.isArray(v) && 'kind' in v && v.kind === 'ref' ? v : undefined;
  }

  call(name: string): CallValue | undefined {
    const v = this.entries.get(name)?.value;
    return v && typeof v === 'object' && !Array.isArray(v) && 'kind' in v && v.kind === 'call'
      ? v
      : undefined;
  }

  block(name: string): FieldValues | undefined {
    const v = this.entries.get(name)?.value;
    return v instanceof FieldValues ? v : undefined;
  }

  shape(name: string): number[] | undefined {
    const v = this.entries.get(name)?.value;
    return Array.isArray(v) ? v : undefined;
  }

  span(name: string): Span | undefined {
    return this.entries.get(name)?.span;
  }
}

export interface ReadOptions {
  /** "device 'd'" — used in messages. */
  owner: string;
  /** Where "missing field" errors point (usually the declaration's name). */
  ownerSpan: Span;
  /** Declaration keywords the caller handles itself (e.g. `tile` in a chip); skipped here. */
  decls?: readonly string[];
  /** Declaration keywords the language has but the engine cannot run yet: keyword -> message. */
  plannedDecls?: Readonly<Record<string, string>>;
}

export function readFields(
  statements: readonly Statement[],
  specs: readonly FieldSpec[],
  diags: DiagnosticBag,
  opts: ReadOptions,
): FieldValues {
  const out = new FieldValues();
  const byName = new Map(specs.map((s) => [s.name, s]));
  const decls = opts.decls ?? [];
  const seen = new Map<string, Span>();

  for (const st of statements) {
    const key = st.kind === 'field' ? st.key : st.keyword;
    if (st.kind === 'decl' && decls.includes(key.name)) continue;
    if (st.kind === 'decl' && opts.plannedDecls?.[key.name]) {
      diags.error(key, `${opts.plannedDecls[key.name]}`, 'not-runnable');
      continue;
    }
    const spec = byName.get(key.name);
    if (!spec) {
      const names = [...specs.map((s) => s.name), ...decls];
      const what =
        st.kind === 'decl' && !byName.has(key.name) && decls.length > 0 ? 'field or declaration' : 'field';
      diags.error(
        key,
        `unknown ${what} '${key.name}' in ${opts.owner}.${didYouMean(key.name, names)} Allowed: ${names.join(', ')}.`,
        'unknown-field',
      );
      continue;
    }
    const earlier = seen.get(spec.name);
    if (earlier) {
      diags.error(key, `'${spec.name}' is set twice in ${opts.owner}; remove one`, 'duplicate');
      continue;
    }
    seen.set(spec.name, key);
    out.written.add(spec.name);

    let value: Value | undefined;
    let span: Span = key;
    if (spec.type.kind === 'block') {
      if (st.kind !== 'decl' || !st.body || st.name || st.type) {
        diags.error(key, `'${spec.name}' is a block: write ${spec.name} { ... }`, 'syntax');
        continue;
      }
      value = readFields(st.body.statements, spec.type.fields, diags, {
        owner: `${spec.name} { } of ${opts.owner}`,
        ownerSpan: key,
      });
    } else {
      if (st.kind === 'decl') {
        diags.error(key, `expected '=' after '${spec.name}'`, 'syntax');
        continue;
      }
      if (!st.eq && !spec.bare) {
        diags.error(
          { start: key.end, end: st.value?.start ?? key.end },
          `expected '=' after '${spec.name}'`,
          'syntax',
        );
        continue;
      }
      if (!st.value) continue; // the parser reported the missing value
      span = st.value;
      value = readValue(st.value, spec, diags);
    }
    if (value === undefined) continue;
    if (spec.ignored) {
      diags.warning(key, `'${spec.name}' is checked but ignored: ${spec.ignored}`, 'ignored-field');
    }
    out.entries.set(spec.name, { value, node: st, span });
  }

  for (const spec of specs) {
    if (spec.required && !out.written.has(spec.name)) {
      const what = spec.doc.charAt(0).toLowerCase() + spec.doc.slice(1).replace(/\.$/, '');
      diags.error(opts.ownerSpan, `${opts.owner} needs '${spec.name}' (${what})`, 'missing-field');
    }
  }
  return out;
}

function exprText(e: Expr): string {
  switch (e.kind) {
    case 'number':
    case 'quantity':
    case 'shape':
      return e.text;
    case 'name':
      return e.name;
    case 'string':
      return JSON.stringify(e.value);
    case 'path':
      return e.parts.map((p) => p.name).join('.');
    case 'call':
      return `${e.callee.name}(...)`;
    case 'list':
      return 'a list';
    case 'range':
      return 'a range';
  }
}

/** Reads one value; undefined (after reporting) when it is not acceptable. */
export function readValue(e: Expr, spec: FieldSpec, diags: DiagnosticBag): Value | undefined {
  const t = spec.type;
  switch (t.kind) {
    case 'number':
      return readNumber(e, spec, t, diags);
    case 'quantity':
      return readQuantity(e, spec, t, diags);
    case 'enum': {
      if (e.kind !== 'name') {
        diags.error(e, `${spec.name} must be one of ${t.values.join(', ')}; got ${exprText(e)}`, 'type');
        return undefined;
      }
      if (t.values.includes(e.name)) return e.name;
      const planned = t.notYet?.[e.name];
      if (planned) {
        diags.error(e, planned, 'not-runnable');
        return undefined;
      }
      const all = [...t.values, ...Object.keys(t.notYet ?? {})];
      diags.error(
        e,
        `unknown ${spec.name} '${e.name}'.${didYouMean(e.name, all)} Allowed: ${t.values.join(', ')}.`,
        'unknown-reference',
      );
      return undefined;
    }
    case 'boolean':
      if (e.kind === 'name' && (e.name === 'true' || e.name === 'false')) return e.name === 'true';
      diags.error(e, `${spec.name} must be true or false; got ${exprText(e)}`, 'type');
      return undefined;
    case 'ref':
      if (e.kind === 'name') return { kind: 'ref', name: e.name, span: e };
      diags.error(e, `${spec.name} must name a ${t.target}; got ${exprText(e)}`, 'type');
      return undefined;
    case 'shape':
      if (e.kind === 'shape' && e.dims.every((d) => d >= 1 && d <= 1e6)) return e.dims;
      if (e.kind === 'number' && e.isInteger && e.value >= 1 && e.value <= 1e8) return [e.value];
      diags.error(e, `expected a shape such as 28x28 or a size such as 784; got ${exprText(e)}`, 'type');
      return undefined;
    case 'call': {
      const options = Object.keys(t.options);
      const callee = e.kind === 'call' ? e.callee : e.kind === 'name' ? { ...e, name: e.name } : null;
      if (!callee) {
        diags.error(e, `${spec.name} must be one of ${options.map((o) => `${o}(...)`).join(', ')}`, 'type');
        return undefined;
      }
      const argSpecs = t.options[callee.name];
      if (!argSpecs) {
        diags.error(
          callee,
          `unknown ${spec.name} '${callee.name}'.${didYouMean(callee.name, options)} Allowed: ${options.join(', ')}.`,
          'unknown-reference',
        );
        return undefined;
      }
      const args = readFields(e.kind === 'call' ? e.args : [], argSpecs, diags, {
        owner: `${callee.name}(...)`,
        ownerSpan: callee,
      });
      return { kind: 'call', callee: callee.name, span: e, args };
    }
    case 'text':
      if (e.kind === 'string') return e.value;
      diags.error(
        e,
        `${spec.name} takes a quoted string such as "data/train.csv"; got ${exprText(e)}`,
        'type',
      );
      return undefined;
    case 'block':
      return undefined; // handled by readFields
  }
}

function readNumber(
  e: Expr,
  spec: FieldSpec,
  t: Extract<ValueType, { kind: 'number' }>,
  diags: DiagnosticBag,
): Value | undefined {
  const percent = t.percent === true;
  const show = (v: number) => (percent ? formatQuantity(v, 'dimensionless', { percent: true }) : String(v));
  const allowed = () => {
    const lo = `${show(t.min)}${t.minExclusive ? ' (exclusive)' : ''}`;
    const hi = `${show(t.max)}${t.maxExclusive ? ' (exclusive)' : ''}`;
    const kind = t.integer ? 'an integer' : percent ? 'a fraction' : 'a number';
    const words = t.words?.length ? ` or ${t.words.map((w) => `'${w}'`).join(', ')}` : '';
    return `${spec.name} must be ${kind} in ${lo}..${hi}${words}`;
  };
  if (e.kind === 'name' && t.words?.includes(e.name)) return e.name;
  let v: number;
  if (e.kind === 'number') v = e.value;
  else if (e.kind === 'quantity' && e.dimension === 'dimensionless' && percent && e.value !== null)
    v = e.value;
  else if (e.kind === 'quantity' && e.value === null)
    return undefined; // unknown unit, reported
  else if (e.kind === 'quantity') {
    const what = percent ? 'a plain number or a percentage' : 'a plain number';
    diags.error(
      e,
      `${spec.name} takes ${what}, not ${describeDimension(e.dimension!).split(' (')[0]} (${e.text})`,
      'unit-mismatch',
    );
    return undefined;
  } else {
    const near = e.kind === 'name' ? didYouMean(e.name, t.words ?? []) : '';
    diags.error(e, `${allowed()}; got ${exprText(e)}.${near}`, 'type');
    return undefined;
  }
  const low = t.minExclusive ? v <= t.min : v < t.min;
  const high = t.maxExclusive ? v >= t.max : v > t.max;
  if (low || high || (t.integer && !Number.isInteger(v)) || Number.isNaN(v)) {
    diags.error(e, `${allowed()}, got ${exprText(e)}`, 'range');
    return undefined;
  }
  return v;
}

function readQuantity(
  e: Expr,
  spec: FieldSpec,
  t: Extract<ValueType, { kind: 'quantity' }>,
  diags: DiagnosticBag,
): Value | undefined {
  const fmt = (v: number) => formatQuantity(v, t.dimension);
  const allowed = `${spec.name} must be in ${fmt(t.min)}${t.minExclusive ? ' (exclusive)' : ''}..${fmt(t.max)}`;
  if (e.kind === 'range' && t.allowRange) {
    const from = readQuantity(e.from, spec, { ...t, allowRange: false }, diags);
    const to = e.to ? readQuantity(e.to, spec, { ...t, allowRange: false }, diags) : undefined;
    if (typeof from !== 'number' || typeof to !== 'number') return undefined;
    if (to <= from) {
      diags.error(
        e,
        `${spec.name}: the range must go from low to high, got ${fmt(from)} .. ${fmt(to)}`,
        'range',
      );
      return undefined;
    }
    return [from, to];
  }
  if (e.kind === 'number') {
    // A bare 0 is zero in any unit.
    if (e.value === 0 && t.min <= 0 && !t.minExclusive) return 0;
    diags.error(
      e,
      `${spec.name} needs a unit: expected ${describeDimension(t.dimension)}, got a plain number (${e.text})`,
      'unit-mismatch',
    );
    return undefined;
  }
  if (e.kind !== 'quantity') {
    diags.error(e, `${spec.name}: expected ${describeDimension(t.dimension)}, got ${exprText(e)}`, 'type');
    return undefined;
  }
  if (e.value === null || e.dimension === null) return undefined; // unknown unit, reported by the parser
  let v = e.value;
  if (e.dimension === 'resistance' && t.dimension === 'conductance' && t.fromResistance && v > 0) {
    v = resistanceToConductance(v);
    diags.info(e, `${e.text} read as a conductance of ${fmt(v)} (G = 1/R)`, 'conversion');
  } else {
    const mismatch = checkDimension(
      { value: v, dimension: e.dimension, unit: e.unit, text: e.text },
      t.dimension,
    );
    if (mismatch) {
      diags.error(e, `${spec.name}: ${mismatch}`, 'unit-mismatch');
      return undefined;
    }
  }
  const low = t.minExclusive ? v <= t.min : v < t.min;
  if (low || v > t.max) {
    diags.error(e, `${allowed}, got ${e.text}`, 'range');
    return undefined;
  }
  return v;
}
