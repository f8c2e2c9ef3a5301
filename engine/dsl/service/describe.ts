// Words for hovers and completion details, all derived from the schema tables: a field's type
// and allowed range, its default for the block it is in (with the citation for device fields),
// what a keyword declares, a declaration's one-line summary, the SI value of a quantity.
import { DEVICE_KINDS, type DeviceKind } from '../../ir/model';
import { DIMENSION_INFO, type Dimension, describeDimension, formatQuantity } from '../../ir/units';
import type { Expr } from '../ast';
import { DEVICE_DEFAULTS, DSL_TO_PARAM } from '../device-defaults';
import type { FieldSpec, ValueType } from '../schema';
import { PLANNED_RULES, SUPPORTED_LAYER_KINDS, SUPPORTED_TILE_KINDS, TILE_KINDS } from '../schema';
import { type BlockContext, type NfabDocument, type SymbolInfo, typeName } from './document';

/** What each keyword declares or introduces. */
export const KEYWORD_DOCS: Readonly<Record<string, string>> = {
  device:
    "Declares a synaptic device: `device NAME : KIND { fields }`. Unset fields take the kind's cited defaults.",
  chip: 'Declares a chip: `chip NAME { node 20nm  tile ... }`, a set of tiles.',
  tile: 'Declares a tile of a chip: `tile NAME : crossbar(rows = 256, cols = 256) { device = D }`.',
  network: 'Declares a network: `network NAME { input x : 28x28  dense h : 256 on TILE ... }`.',
  experiment:
    'Declares an experiment: `experiment NAME { chip = C  network = N  dataset = mnist  train { ... } }`.',
  input: 'The input layer of a network: `input x : 28x28` (first layer, exactly one).',
  dense: 'A fully connected layer: `dense NAME : UNITS { act = relu } on TILE`.',
  train: 'Training settings: `train { rule  optimizer  schedule  epochs  batch }`.',
  energy: 'Energy per operation of a device: `energy { read = 10fJ  write = 1pJ }`.',
  import: 'Imports declarations from another file (not supported yet: it is ignored with a warning).',
  neuron: 'Declares a neuron model (not supported yet).',
  on: 'Maps a layer onto a tile: `dense h : 256 on xbar`.',
  in: 'A trailing clause (`in [..]`), reserved for sweeps.',
  sweep:
    'Sweeps a device or neuron field over values: `sweep dev.program_noise in [1%, 2%]` (checked and recorded; `run` trains the base point).',
  infer: 'Inference-only experiment (not runnable yet).',
  metrics: 'Metrics to record: `metrics = [accuracy, energy]`.',
};

const DIM_UNITS: Readonly<Record<Dimension, readonly string[]>> = {
  conductance: ['uS', 'mS', 'nS', 'S'],
  resistance: ['kOhm', 'MOhm', 'Ohm', 'GOhm'],
  energy: ['fJ', 'pJ', 'nJ', 'uJ', 'J'],
  time: ['ns', 'us', 'ms', 'ps', 's'],
  frequency: ['GHz', 'MHz', 'kHz', 'Hz', 'THz'],
  length: ['nm', 'um', 'mm', 'm'],
  temperature: ['K', 'mK'],
  voltage: ['V', 'mV', 'uV'],
  current: ['uA', 'mA', 'nA', 'A'],
  power: ['mW', 'uW', 'nW', 'W'],
  dimensionless: ['%'],
};

/** The units a value of this type may carry, commonest first. */
export function unitsFor(type: ValueType): { unit: string; dimension: Dimension }[] {
  if (type.kind === 'quantity') {
    const out = DIM_UNITS[type.dimension].map((unit) => ({ unit, dimension: type.dimension }));
    if (type.fromResistance)
      out.push(...DIM_UNITS.resistance.map((unit) => ({ unit, dimension: 'resistance' as Dimension })));
    return out;
  }
  if (type.kind === 'number' && type.percent) return [{ unit: '%', dimension: 'dimensionless' }];
  return [];
}

/** "a conductance (S, e.g. 25uS)", "an integer", "one of relu, sigmoid…". */
export function describeType(type: ValueType): string {
  switch (type.kind) {
    case 'quantity':
      return `${describeDimension(type.dimension)}${type.fromResistance ? '; a resistance is read as G = 1/R' : ''}${type.allowRange ? '; or a range `a .. b`' : ''}`;
    case 'number': {
      const what = type.integer ? 'an integer' : type.percent ? 'a fraction or a percentage' : 'a number';
      return `${what}${type.words?.length ? ` or ${type.words.join(', ')}` : ''}`;
    }
    case 'enum':
      return `one of ${type.values.join(', ')}`;
    case 'boolean':
      return 'true or false';
    case 'ref':
      return `the name of a ${type.target}`;
    case 'call':
      return `one of ${Object.keys(type.options)
        .map((o) => `${o}(...)`)
        .join(', ')}`;
    case 'block':
      return `a block { ${type.fields.map((f) => f.name).join(', ')} }`;
    case 'shape':
      return 'a shape such as 28x28, or a size';
    case 'text':
      return 'a quoted string such as "data/train.csv"';
  }
}

/** "1 uS .. 1 S (min exclusive)", "2..65536", or null when the type has no range. */
export function describeRange(type: ValueType): string | null {
  if (type.kind === 'quantity') {
    const f = (v: number) => formatQuantity(v, type.dimension);
    return `${f(type.min)}${type.minExclusive ? ' (exclusive)' : ''} .. ${f(type.max)}`;
  }
  if (type.kind === 'number') {
    const f = (v: number) =>
      type.percent ? formatQuantity(v, 'dimensionless', { percent: true }) : String(v);
    return `${f(type.min)}${type.minExclusive ? ' (exclusive)' : ''} .. ${f(type.max)}${type.maxExclusive ? ' (exclusive)' : ''}`;
  }
  return null;
}

export interface DefaultInfo {
  text: string;
  /** Where a device default comes from (device-defaults.ts). */
  source?: string;
}

/** The default of a field in this block: per device kind (with its citation) or the schema's. */
export function defaultFor(spec: FieldSpec, ctx: BlockContext): DefaultInfo | null {
  const param = DSL_TO_PARAM[`${ctx.fieldPrefix}${spec.name}`];
  if (param && ctx.deviceKind && ctx.deviceKind in DEVICE_DEFAULTS) {
    const d = DEVICE_DEFAULTS[ctx.deviceKind as DeviceKind].params[param];
    let text: string;
    if (d.value === null) text = 'continuous';
    else if (spec.type.kind === 'quantity') text = formatQuantity(d.value, spec.type.dimension);
    else if (spec.type.kind === 'number' && spec.type.percent && d.value !== 0)
      text = formatQuantity(d.value, 'dimensionless', { percent: true });
    else text = String(d.value);
    return { text, source: d.source };
  }
  if (spec.default !== undefined && spec.default !== '') return { text: spec.default };
  return null;
}

/** "2.5e-5" for small and large values, plain digits otherwise. */
export function siNumber(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential();
  return String(Number(v.toPrecision(12)));
}

/** "25uS = 2.5e-5 S" (and "= 40 kΩ read as 25 uS" for a resistance given as a conductance). */
export function siValue(e: Extract<Expr, { kind: 'quantity' }>, spec?: FieldSpec): string | null {
  if (e.value === null || e.dimension === null) return null;
  const symbol = DIMENSION_INFO[e.dimension].symbol;
  let s = `${e.text} = ${siNumber(e.value)}${symbol ? ` ${symbol}` : ''}`;
  if (
    e.dimension === 'resistance' &&
    spec?.type.kind === 'quantity' &&
    spec.type.dimension === 'conductance' &&
    e.value > 0
  ) {
    s += `, read as a conductance G = 1/R = ${siNumber(1 / e.value)} S`;
  }
  return s;
}

/** Status of an enum-like value: '' when usable, else why not. */
export function valueStatus(type: ValueType, value: string): string | null {
  if (type.kind === 'enum') {
    if (type.values.includes(value)) return '';
    return type.notYet?.[value] ?? null;
  }
  return null;
}

export interface KindInfo {
  name: string;
  doc: string;
  /** '' when the engine runs it, else the reason it is not (yet). */
  status: string;
}

/** Kinds allowed after `device x :` or `tile x :`. */
export function kindsFor(keyword: string): KindInfo[] {
  if (keyword === 'device') {
    return DEVICE_KINDS.map((k) => {
      const d = DEVICE_DEFAULTS[k] as (typeof DEVICE_DEFAULTS)[DeviceKind] | undefined;
      if (!d) return { name: k, doc: `${k} device`, status: '' };
      return {
        name: k,
        doc: d.summary,
        status: d.simulated ? '' : 'not simulated with its own physics yet (generic crossbar model)',
      };
    });
  }
  if (keyword === 'tile') {
    return TILE_KINDS.map((k) => ({
      name: k,
      doc: k === 'crossbar' ? 'analog crossbar array: crossbar(rows = 256, cols = 256)' : `${k} tile`,
      status: (SUPPORTED_TILE_KINDS as readonly string[]).includes(k) ? '' : 'not supported yet',
    }));
  }
  return [];
}

export function layerStatus(kind: string): string {
  return (SUPPORTED_LAYER_KINDS as readonly string[]).includes(kind) ? '' : 'not supported yet';
}

export const RULE_NOTE = `planned rules (${PLANNED_RULES.length}) parse but are not runnable yet`;

const PLURAL: Record<string, string> = { device: 'device', chip: 'chip', network: 'network', tile: 'tile' };

/** One line about a declaration: what it is and its main facts. */
export function summarize(doc: NfabDocument, sym: SymbolInfo): string {
  const d = sym.decl;
  const line = lineOf(doc.text, sym.nameSpan.start);
  switch (sym.kind) {
    case 'device': {
      const kind = typeName(d.type);
      const info = kind && kind in DEVICE_DEFAULTS ? DEVICE_DEFAULTS[kind as DeviceKind] : null;
      return `device \`${sym.name}\` : ${kind ?? '?'}${info ? ` — ${info.summary}` : ''} (line ${line})`;
    }
    case 'chip': {
      const tiles = (d.body?.statements ?? []).filter((s) => s.kind === 'decl' && s.keyword.name === 'tile');
      const names = tiles.map((t) => (t.kind === 'decl' ? (t.name?.name ?? '?') : '')).join(', ');
      return `chip \`${sym.name}\` — ${tiles.length} tile${tiles.length === 1 ? '' : 's'}${names ? `: ${names}` : ''} (line ${line})`;
    }
    case 'tile': {
      const kind = d.type ? doc.text.slice(d.type.start, d.type.end) : '?';
      const dev = (d.body?.statements ?? []).find((s) => s.kind === 'field' && s.key.name === 'device');
      const devName = dev?.kind === 'field' && dev.value?.kind === 'name' ? dev.value.name : null;
      return `tile \`${sym.name}\` : ${kind}${devName ? ` of device ${devName}` : ''} in chip ${sym.parent?.name ?? '?'} (line ${line})`;
    }
    case 'network': {
      const layers = (d.body?.statements ?? [])
        .filter((s) => s.kind === 'decl')
        .map((s) =>
          s.kind === 'decl'
            ? `${s.keyword.name} ${s.name?.name ?? '?'}${s.type ? ` : ${doc.text.slice(s.type.start, s.type.end)}` : ''}`
            : '',
        );
      return `network \`${sym.name}\` — ${layers.length} layer${layers.length === 1 ? '' : 's'}: ${layers.join(', ')} (line ${line})`;
    }
    case 'experiment':
      return `experiment \`${sym.name}\` (line ${line})`;
    case 'layer':
      return `layer \`${sym.name}\` (${d.keyword.name}${d.type ? ` : ${doc.text.slice(d.type.start, d.type.end)}` : ''}) of network ${sym.parent?.name ?? '?'} (line ${line})`;
  }
  return PLURAL[sym.kind] ?? sym.kind;
}

export function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
