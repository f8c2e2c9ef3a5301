// The reference part of docs/dsl.md, generated from the same tables the checker validates
// against (schema.ts, device-defaults.ts, neuron-defaults.ts, ir/units.ts), so the documentation
// cannot drift from the language. `npx tsx scripts/gen-dsl-docs.ts` writes it between the markers
// below; test/unit/dsl-docs.test.ts fails when the file and this output differ. Pure TypeScript,
// no Node imports.
import {
  CORE_KINDS,
  DEVICE_KINDS,
  NEURON_KINDS,
  type NeuronKind,
  RUNNABLE_DATASETS,
  SPIKING_NEURON_KINDS,
} from '../ir/model';
import { DIMENSION_INFO, DIMENSIONS, type Dimension, lookupUnit } from '../ir/units';
import { UPDATE_FIELDS } from './check-device';
import { DEVICE_DEFAULTS, DSL_TO_PARAM, type KindDefaults, type Sourced } from './device-defaults';
import { NEURON_TABLE } from './neuron-defaults';
import {
  CHIP_FIELDS,
  DATASET_SHAPES,
  DEVICE_FIELDS,
  EXPERIMENT_FIELDS,
  type FieldSpec,
  LAYER_FIELDS,
  LAYER_KINDS,
  METRICS,
  OPTIMIZERS,
  PLANNED_RULES,
  PLATFORM_FIELDS,
  RUNNABLE_RULES,
  SUPPORTED_LAYER_KINDS,
  SUPPORTED_TILE_KINDS,
  TILE_KINDS,
  TILE_SPECS,
  type ValueType,
} from './schema';

export const BEGIN_MARKER = '<!-- BEGIN GENERATED REFERENCE -->';
export const END_MARKER = '<!-- END GENERATED REFERENCE -->';

// ---------------------------------------------------------------- value formatting

const PREFIX_OF: readonly [number, string][] = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'u'],
  [1e-9, 'n'],
  [1e-12, 'p'],
  [1e-15, 'f'],
];

/** A number as the DSL would write it: 1e-6 -> `1`, 0.049 -> `0.049`, 1e20 -> `1e20`. */
export function fmtNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) {
    const log = Math.log10(Math.abs(x));
    return Math.abs(x) >= 1e7 && Number.isInteger(log) ? `${x < 0 ? '-' : ''}1e${log}` : String(x);
  }
  if (x !== 0 && (Math.abs(x) >= 1e7 || Math.abs(x) < 1e-4)) {
    const [m, e] = Number(x.toPrecision(6)).toExponential().split('e') as [string, string];
    return `${m}e${e.replace('+', '')}`;
  }
  return String(Number(x.toPrecision(6)));
}

/** An SI value in DSL notation with a prefix: (1e-6, conductance) -> `1uS`. */
export function fmtQuantity(x: number, dimension: Dimension): string {
  const symbol = DIMENSION_INFO[dimension].symbol;
  if (dimension === 'dimensionless') return fmtNumber(x);
  if (x === 0) return `0${symbol}`;
  // Kelvin takes no prefix in practice, and large times read better in seconds (1e9s, not 1Gs).
  if (dimension === 'temperature' || (dimension === 'time' && Math.abs(x) >= 1))
    return `${fmtNumber(x)}${symbol}`;
  const abs = Math.abs(x);
  const [scale, prefix] = PREFIX_OF.find(([s]) => abs >= s * 0.9999999) ?? PREFIX_OF.at(-1)!;
  return `${fmtNumber(x / scale)}${prefix}${symbol}`;
}

function fmtFraction(x: number): string {
  return `${fmtNumber(x * 100)}%`;
}

function fmtBound(x: number, t: ValueType): string {
  if (t.kind === 'quantity') return fmtQuantity(x, t.dimension);
  if (t.kind === 'number' && t.percent) return fmtFraction(x);
  return fmtNumber(x);
}

function typeText(t: ValueType): string {
  switch (t.kind) {
    case 'number': {
      const base = t.percent ? 'fraction (`0.05` or `5%`)' : t.integer ? 'integer' : 'number';
      return t.words ? `${base} or ${t.words.map((w) => `\`${w}\``).join(' / ')}` : base;
    }
    case 'quantity': {
      const info = DIMENSION_INFO[t.dimension];
      let s = `${info.noun.replace(/^an? /, '')} (${info.symbol})`;
      if (t.fromResistance) s += ', or a resistance read as 1/R';
      if (t.allowRange) s += ', or a range `a .. b`';
      return s;
    }
    case 'enum':
      return t.values.map((v) => `\`${v}\``).join(' \\| ');
    case 'boolean':
      return '`true` \\| `false`';
    case 'ref':
      return `name of a ${t.target}`;
    case 'call':
      return Object.keys(t.options)
        .map((o) => `\`${o}(...)\``)
        .join(' \\| ');
    case 'block':
      return 'block `{ ... }`';
    case 'shape':
      return 'shape (`28x28`) or size';
    case 'text':
      return 'quoted string (`"data/train.csv"`)';
  }
}

function rangeText(t: ValueType): string {
  if (t.kind !== 'number' && t.kind !== 'quantity') return '—';
  const lo = `${fmtBound(t.min, t)}${t.minExclusive ? ' (excl.)' : ''}`;
  const hi = `${fmtBound(t.max, t)}${t.kind === 'number' && t.maxExclusive ? ' (excl.)' : ''}`;
  return `${lo} .. ${hi}`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function docText(f: FieldSpec): string {
  let s = cell(f.doc);
  if (f.ignored) s += ` *Checked, then ignored: ${cell(f.ignored)}*`;
  if (f.type.kind === 'enum' && f.type.notYet && Object.keys(f.type.notYet).length > 0)
    s += ` Refused with a hint when written here: ${Object.keys(f.type.notYet)
      .map((k) => `\`${k}\``)
      .join(', ')}.`;
  return s;
}

function defaultText(f: FieldSpec): string {
  if (f.required) return '**required**';
  return f.default ? `\`${f.default}\`` : '';
}

/** A field table; `dflt` overrides the default column (per-kind defaults with their source). */
function table(fields: readonly FieldSpec[], dflt?: (f: FieldSpec) => string | undefined): string[] {
  const out = ['| field | value | allowed | default | meaning |', '|---|---|---|---|---|'];
  for (const f of fields) {
    const d = dflt?.(f) ?? defaultText(f);
    out.push(`| \`${f.name}\` | ${typeText(f.type)} | ${rangeText(f.type)} | ${d} | ${docText(f)} |`);
    if (f.type.kind === 'block') {
      for (const sub of f.type.fields) {
        const d2 = dflt?.({ ...sub, name: `${f.name}.${sub.name}` }) ?? defaultText(sub);
        out.push(
          `| \`${f.name}.${sub.name}\` | ${typeText(sub.type)} | ${rangeText(sub.type)} | ${d2} | ${docText(sub)} |`,
        );
      }
    }
  }
  return out;
}

function heading(level: number, text: string): string {
  return `${'#'.repeat(level)} ${text}`;
}

// ---------------------------------------------------------------- per-kind device defaults

/** The default of one device field for a kind, with its citation; null when the kind has none. */
export function deviceDefault(kind: KindDefaults, field: string): Sourced<string> | null {
  const spec =
    DEVICE_FIELDS.find((f) => f.name === field) ??
    DEVICE_FIELDS.flatMap((f) =>
      f.type.kind === 'block' ? f.type.fields.map((s) => ({ ...s, name: `${f.name}.${s.name}` })) : [],
    ).find((f) => f.name === field);
  if (!spec) return null;
  const show = (v: number | boolean | null): string => {
    if (v === null) return 'continuous';
    if (typeof v === 'boolean') return String(v);
    return fmtBound(v, spec.type);
  };
  const param = DSL_TO_PARAM[field];
  if (param) {
    const p = kind.params[param];
    return { value: show(p.value), source: p.source };
  }
  const x = kind.extras ?? {};
  const upd = UPDATE_FIELDS[field];
  if (upd && x.update) {
    const v = (x.update.value as unknown as Record<string, number | boolean>)[upd]!;
    return { value: show(v), source: x.update.source };
  }
  if (field.startsWith('drift.') && x.drift) {
    const v = field === 'drift.nu' ? x.drift.value.nu : x.drift.value.t0;
    return { value: show(v), source: x.drift.source };
  }
  const scalar = { endurance: x.endurance, temp_coeff: x.tempCoeff, latency: x.latency, area: x.area }[
    field as 'endurance'
  ];
  if (scalar) return { value: show(scalar.value), source: scalar.source };
  if (x.resonator && field === 'f_res') {
    const r = x.resonator.value;
    return {
      value: `${fmtQuantity(r.fResMin, 'frequency')} .. ${fmtQuantity(r.fResMax, 'frequency')}`,
      source: x.resonator.source,
    };
  }
  if (x.resonator && field === 'linewidth')
    return { value: fmtQuantity(x.resonator.value.linewidth, 'frequency'), source: x.resonator.source };
  return null;
}

function deviceSection(): string[] {
  const out: string[] = [heading(3, 'Devices'), ''];
  out.push(
    '`device NAME : KIND { ... }`. Every field is optional: what the text does not set takes the',
    "kind's default, and `DeviceModel.provenance` records for each IR field either `dsl` or",
    '`default for KIND: <citation>`. Most defaults are nominal round numbers of the right order,',
    'not fits to one measured device; the citations say what each is based on. A field with no',
    'default for a kind is absent from the model unless written (the pulsed-update fields then take',
    "aihwkit's PulsedDevice defaults).",
    '',
    `Kinds: ${DEVICE_KINDS.map((k) => `\`${k}\``).join(', ')}.`,
    '',
    '| kind | simulated | description |',
    '|---|---|---|',
  );
  for (const k of DEVICE_KINDS) {
    const d = DEVICE_DEFAULTS[k];
    out.push(
      `| \`${k}\` | ${d.simulated ? 'yes' : 'generic crossbar model (warning)'} | ${cell(d.summary)} |`,
    );
  }
  for (const k of DEVICE_KINDS) {
    const d = DEVICE_DEFAULTS[k];
    out.push('', heading(4, `device kind \`${k}\``), '');
    const cites: string[] = [];
    out.push(
      ...table(DEVICE_FIELDS, (f) => {
        if (f.type.kind === 'block') return '';
        const def = deviceDefault(d, f.name);
        if (!def) return defaultText(f) || '—';
        let n = cites.indexOf(def.source);
        if (n < 0) n = cites.push(def.source) - 1;
        return `\`${def.value}\` [${n + 1}]`;
      }),
    );
    out.push('', 'Sources:', '');
    cites.forEach((c, i) => {
      out.push(`${i + 1}. ${cell(c)}`);
    });
  }
  return out;
}

// ---------------------------------------------------------------- neurons

function neuronSection(): string[] {
  const out: string[] = [heading(3, 'Neurons'), ''];
  out.push(
    '`neuron NAME : KIND { ... }`, referenced by `act = NAME` on a layer, `neuron = NAME` on a',
    'spiking layer, a `spiking_core` or an `rf_chain`. Every field is optional and takes the',
    "kind's default; `NeuronModel.provenance` records `dsl` or `default for KIND: <citation>`.",
    `Spiking kinds: ${SPIKING_NEURON_KINDS.map((k) => `\`${k}\``).join(', ')}.`,
  );
  for (const k of NEURON_KINDS as readonly NeuronKind[]) {
    const t = NEURON_TABLE[k];
    out.push('', heading(4, `neuron kind \`${k}\``), '', cell(t.summary), '');
    const cites: string[] = [];
    const byName = new Map(t.rows.map((r) => [r.spec.name, r]));
    out.push(
      ...table(
        t.rows.map((r) => r.spec),
        (f) => {
          const r = byName.get(f.name)!;
          let n = cites.indexOf(r.source);
          if (n < 0) n = cites.push(r.source) - 1;
          const value = typeof r.value === 'string' ? r.value : fmtBound(r.value, f.type);
          return `\`${value}\` [${n + 1}]`;
        },
      ),
    );
    out.push('', 'Sources:', '');
    cites.forEach((c, i) => {
      out.push(`${i + 1}. ${cell(c)}`);
    });
  }
  return out;
}

// ---------------------------------------------------------------- chips, tiles

function chipSection(): string[] {
  const out: string[] = [heading(3, 'Chips'), ''];
  out.push(
    '`chip NAME { node 20nm  clock = 1GHz  memory = 512  router { ... }  tile ... }`.',
    '`memory` is in kB (elaborated to bytes).',
    '',
    ...table(CHIP_FIELDS),
    '',
    heading(3, 'Tiles and cores'),
    '',
    '`tile NAME : KIND(args) { fields }` inside a chip.',
    `Kinds: ${TILE_KINDS.map((k) => `\`${k}\``).join(', ')}. Simulated today: ${SUPPORTED_TILE_KINDS.map((k) => `\`${k}\``).join(', ')};`,
    `the others (${CORE_KINDS.map((k) => `\`${k}\``).join(', ')}) elaborate as cores, map layers and`,
    'are reported as not runnable by an experiment.',
  );
  for (const k of TILE_KINDS) {
    const spec = TILE_SPECS[k]!;
    out.push('', heading(4, `tile kind \`${k}\``), '');
    if (spec.args.length > 0) {
      out.push(`Arguments: \`${k}(${spec.args.map((a) => `${a.name} = ..`).join(', ')})\``, '');
      out.push(...table(spec.args), '');
    } else out.push(`No arguments: \`tile NAME : ${k} { ... }\`.`, '');
    out.push('Fields:', '', ...table(spec.fields));
  }
  return out;
}

// ---------------------------------------------------------------- networks

function networkSection(): string[] {
  const out: string[] = [heading(3, 'Network layers'), ''];
  out.push(
    `Layer kinds: ${LAYER_KINDS.map((k) => `\`${k}\``).join(', ')}. Trained by the engine today:`,
    `${SUPPORTED_LAYER_KINDS.map((k) => `\`${k}\``).join(', ')}; the others check, propagate shapes, map`,
    'onto tiles and elaborate, and an experiment using them checks with a *cannot run yet* warning.',
  );
  const sizes: Record<string, string> = {
    input: '`input NAME : SHAPE` (`28x28`, `3x32x32` or a plain size `784`)',
    dense: '`dense NAME : UNITS { ... } [on TILE]`',
    conv2d: '`conv2d NAME : CHANNELS { kernel = 3 ... } [on TILE]`',
    pool: '`pool NAME { size = 2 ... }` (no size after the name, no `on`)',
    flatten: '`flatten NAME` (no size, no fields, no `on`)',
    recurrent: '`recurrent NAME : UNITS { ... } [on TILE]`',
    spiking: '`spiking NAME : UNITS { neuron = N ... } [on TILE]`',
  };
  for (const k of LAYER_KINDS) {
    out.push('', heading(4, `layer \`${k}\``), '', sizes[k] ?? `\`${k} NAME\``, '');
    const fields = LAYER_FIELDS[k] ?? [];
    if (fields.length > 0) out.push(...table(fields));
    else out.push('No fields.');
  }
  return out;
}

// ---------------------------------------------------------------- experiments

function experimentSection(): string[] {
  const out: string[] = [heading(3, 'Experiments'), ''];
  out.push(
    '`experiment NAME { chip = C  network = N  dataset = D  train { ... }  infer { ... }',
    '  sweep PATH in [...]  metrics = [...]  seed = 7 }`.',
    '',
    ...table(EXPERIMENT_FIELDS.filter((f) => f.type.kind !== 'block')),
    "| `sweep` | `sweep DEVICE_OR_NEURON.FIELD in [v1, v2, ...]` | each value by the field's own type | | A parameter sweep; checked and recorded, `run` trains the base point. |",
    `| \`metrics\` | list of ${METRICS.map((m) => `\`${m}\``).join(', ')} | — | | Metrics to record. |`,
  );
  for (const f of EXPERIMENT_FIELDS) {
    if (f.type.kind !== 'block') continue;
    out.push('', heading(4, `\`${f.name} { }\``), '', cell(f.doc), '', ...table(f.type.fields));
  }
  for (const [name, args] of Object.entries(OPTIMIZERS)) {
    out.push('', heading(4, `optimizer \`${name}(...)\``), '', ...table(args));
  }
  out.push('', heading(3, 'Learning rules'), '');
  out.push('| rule | runnable by the engine today |', '|---|---|');
  for (const r of RUNNABLE_RULES) out.push(`| \`${r}\` | yes |`);
  for (const r of PLANNED_RULES) out.push(`| \`${r}\` | no: checks with a warning, \`run\` refuses it |`);
  out.push('', heading(3, 'Data sets'), '');
  out.push('| data set | inputs | shape | classes | available to the engine |', '|---|---|---|---|---|');
  for (const [name, d] of Object.entries(DATASET_SHAPES)) {
    const avail = (RUNNABLE_DATASETS as readonly string[]).includes(name)
      ? 'yes'
      : 'no (checks; `run` refuses)';
    out.push(`| \`${name}\` | ${d.inputs} | \`${d.shape}\` | ${d.classes} | ${avail} |`);
  }
  return out;
}

// ---------------------------------------------------------------- platforms

function platformSection(): string[] {
  return [
    heading(3, 'Platforms'),
    '',
    '`platform NAME { energy_per_classification = 852uJ  throughput = 125000  accuracy = 99.2%',
    '  node = 14nm  source = "..." }`: a published reference point for comparison plots.',
    '',
    ...table(PLATFORM_FIELDS),
    '| `source` | string | — | `""` | Where the figures come from (free text in quotes). |',
  ];
}

// ---------------------------------------------------------------- units

const UNIT_CANDIDATES = ['J', 's', 'Hz', 'S', 'Ω', '\u2126', 'Ohm', 'ohm', 'm', 'K', 'V', 'A', 'W', '%'];
const PREFIX_CANDIDATES = ['f', 'p', 'n', 'u', 'µ', 'μ', 'm', 'k', 'M', 'G', 'T'];

function unitSection(): string[] {
  const out: string[] = [heading(3, 'Units and prefixes'), ''];
  out.push('| dimension | units | example |', '|---|---|---|');
  for (const d of DIMENSIONS) {
    const units = UNIT_CANDIDATES.filter((u) => {
      const l = lookupUnit(u);
      return l?.dimension === d && (u !== '%' || l.exponent === -2);
    });
    const shown = units.map((u) => (u === '\u2126' ? '`Ω` (U+2126)' : `\`${u}\``));
    if (d === 'dimensionless') shown.unshift('none');
    out.push(`| ${d} | ${shown.join(', ')} | \`${DIMENSION_INFO[d].example}\` |`);
  }
  out.push('', '| prefix | factor |', '|---|---|');
  for (const p of PREFIX_CANDIDATES) {
    const l = lookupUnit(`${p}J`);
    if (!l) continue;
    const cp = p.codePointAt(0)!;
    const name = cp > 127 ? `\`${p}\` (U+${cp.toString(16).toUpperCase().padStart(4, '0')})` : `\`${p}\``;
    out.push(`| ${name} | 1e${l.exponent} |`);
  }
  out.push('', '`%` is 0.01 and takes no prefix.');
  return out;
}

/** The generated reference section (without the markers), ending with a newline. */
export function generateReference(): string {
  const parts = [
    [
      '_Generated by `npx tsx scripts/gen-dsl-docs.ts` from `engine/dsl/schema.ts`,',
      '`engine/dsl/device-defaults.ts`, `engine/dsl/neuron-defaults.ts` and `engine/ir/units.ts`; do not',
      'edit by hand._ "allowed" is inclusive unless marked (excl.).',
    ],
    deviceSection(),
    neuronSection(),
    chipSection(),
    networkSection(),
    experimentSection(),
    platformSection(),
    unitSection(),
  ];
  return `${parts.map((p) => p.join('\n')).join('\n\n')}\n`;
}

/** Replaces the text between the markers of `doc` by `generateReference()`; throws without them. */
export function spliceReference(doc: string, reference = generateReference()): string {
  const b = doc.indexOf(BEGIN_MARKER);
  const e = doc.indexOf(END_MARKER);
  if (b < 0 || e < b) throw new Error(`docs/dsl.md needs the markers ${BEGIN_MARKER} and ${END_MARKER}`);
  return `${doc.slice(0, b + BEGIN_MARKER.length)}\n${reference}${doc.slice(e)}`;
}

/** The text between the markers, as spliceReference writes it. */
export function extractReference(doc: string): string | null {
  const b = doc.indexOf(BEGIN_MARKER);
  const e = doc.indexOf(END_MARKER);
  if (b < 0 || e < b) return null;
  return doc.slice(b + BEGIN_MARKER.length + 1, e);
}
