// `device NAME : KIND { fields }` -> DeviceModel. Unwritten fields take the kind's default from
// device-defaults.ts; provenance records, per IR field, 'dsl' or the default's citation.
import { DEVICE_KINDS, type DeviceKind, type DeviceModel, type PulsedUpdateModel } from '../ir/model';
import { formatQuantity } from '../ir/units';
import type { Decl } from './ast';
import { type CheckContext, rejectClauses, requireName, sourceRange } from './context';
import {
  DEVICE_DEFAULTS,
  type DeviceExtras,
  type DeviceParam,
  DSL_TO_PARAM,
  PULSED_DEVICE_DEFAULTS,
} from './device-defaults';
import { DEVICE_FIELDS } from './schema';
import { didYouMean } from './suggest';
import { type FieldValues, readFields } from './values';

export function checkDevice(ctx: CheckContext, decl: Decl): DeviceModel | null {
  const { diags } = ctx;
  const errorsBefore = diags.errors;
  const name = requireName(ctx, decl, 'device NAME : KIND { ... }');
  rejectClauses(ctx, decl);

  let kind: DeviceKind | null = null;
  const kinds = DEVICE_KINDS as readonly string[];
  if (!decl.type) {
    diags.error(
      decl.name ?? decl.keyword,
      `device '${name ?? ''}' needs a kind, e.g. device ${name ?? 'd'} : rram { ... }. Kinds: ${kinds.join(', ')}.`,
      'unknown-kind',
    );
  } else if (decl.type.kind !== 'name' || !kinds.includes(decl.type.name)) {
    const written = decl.type.kind === 'name' ? decl.type.name : '';
    diags.error(
      decl.type,
      `unknown device kind${written ? ` '${written}'` : ''}.${didYouMean(written, kinds)} Kinds: ${kinds.join(', ')}.`,
      'unknown-kind',
    );
  } else {
    kind = decl.type.name as DeviceKind;
  }

  const owner = `device '${name ?? '?'}'`;
  const fields = readFields(decl.body?.statements ?? [], DEVICE_FIELDS, diags, {
    owner,
    ownerSpan: decl.name ?? decl.keyword,
  });
  if (!kind || !name) return null;

  const defaults = DEVICE_DEFAULTS[kind];
  if (!defaults.simulated && decl.type) {
    diags.warning(
      decl.type,
      `device kind '${kind}' (${defaults.summary}) is not yet simulated with its own physics: the engine uses ` +
        `only the generic fields (conductance window, levels, noise, stuck-at) with ${kind} defaults`,
      'not-simulated',
    );
  }

  const provenance: Record<string, string> = {};
  const params = {} as { [K in DeviceParam]: DeviceModel[K] };
  const set = <K extends DeviceParam>(param: K, value: DeviceModel[K] | undefined, written: boolean) => {
    if (written && value !== undefined) {
      params[param] = value;
      provenance[param] = 'dsl';
    } else {
      params[param] = defaults.params[param].value;
      provenance[param] = `default for ${kind}: ${defaults.params[param].source}`;
    }
  };
  for (const [dslName, param] of Object.entries(DSL_TO_PARAM)) {
    const [head, sub] = dslName.split('.') as [string, string | undefined];
    const block: FieldValues | undefined = sub ? fields.block(head) : fields;
    const key = sub ?? head;
    const raw = block?.entries.get(key)?.value;
    if (param === 'levels') {
      set(
        'levels',
        raw === 'continuous' ? null : typeof raw === 'number' ? raw : undefined,
        raw !== undefined,
      );
    } else {
      set(param, typeof raw === 'number' ? raw : undefined, typeof raw === 'number');
    }
  }

  // Cross-field checks, pointed at whichever side the user wrote.
  if (params.gMax <= params.gMin) {
    const span = fields.span('g_max') ?? fields.span('g_min') ?? decl.name ?? decl.keyword;
    diags.error(
      span,
      `g_max (${formatQuantity(params.gMax, 'conductance')}) must be greater than g_min ` +
        `(${formatQuantity(params.gMin, 'conductance')})`,
      'range',
    );
  }
  if (params.stuckAtGMin + params.stuckAtGMax > 1) {
    const span = fields.span('stuck_at_gmax') ?? fields.span('stuck_at_gmin') ?? decl.keyword;
    diags.error(span, 'stuck_at_gmin + stuck_at_gmax must not exceed 100% of the devices', 'range');
  }

  const extras = readExtras(fields, defaults.extras ?? {}, kind, provenance);
  if (extras.update && extras.update.wMin >= extras.update.wMax) {
    diags.error(
      fields.span('w_max') ?? fields.span('w_min') ?? decl.keyword,
      `w_max (${extras.update.wMax}) must be greater than w_min (${extras.update.wMin})`,
      'range',
    );
  }
  if (extras.resonator && kind !== 'spin_resonator') {
    const span = fields.span('f_res') ?? fields.span('linewidth')!;
    diags.error(span, `f_res and linewidth belong to spin_resonator devices, not ${kind}`, 'unknown-field');
  }
  if (diags.errors > errorsBefore) return null;
  return { name, kind, ...params, ...extras, provenance, range: sourceRange(ctx, decl) };
}

/** DSL field -> pulsed-update model key; also used by the generated reference (docs.ts). */
export const UPDATE_FIELDS: Readonly<Record<string, keyof PulsedUpdateModel>> = {
  dw_min: 'dwMin',
  up_down: 'upDown',
  dtod: 'dtod',
  ctoc: 'ctoc',
  soft_bounds: 'softBounds',
  nonlinearity: 'nonlinearity',
  w_min: 'wMin',
  w_max: 'wMax',
};

/** The optional model parts: the kind's defaults, overridden field by field by the text. */
function readExtras(
  fields: FieldValues,
  d: DeviceExtras,
  kind: string,
  provenance: Record<string, string>,
): Partial<DeviceModel> {
  const out: Partial<DeviceModel> = {};
  const from = (src: string) => `default for ${kind}: ${src}`;
  // Pulsed update
  const wroteUpdate = Object.keys(UPDATE_FIELDS).some((f) => fields.entries.has(f));
  const base = d.update ?? (wroteUpdate ? PULSED_DEVICE_DEFAULTS : undefined);
  if (base) {
    const update = { ...base.value };
    for (const [dsl, key] of Object.entries(UPDATE_FIELDS)) {
      const v = fields.entries.get(dsl)?.value;
      if (typeof v === 'number' || typeof v === 'boolean') {
        (update as Record<string, number | boolean>)[key] = v;
        provenance[`update.${key}`] = 'dsl';
      } else provenance[`update.${key}`] = from(base.source);
    }
    out.update = update;
  }
  // Drift
  const drift = fields.block('drift');
  if (drift || d.drift) {
    const nu = drift?.number('nu');
    const t0 = drift?.number('t0');
    out.drift = { nu: nu ?? d.drift?.value.nu ?? 0, t0: t0 ?? d.drift?.value.t0 ?? 20 };
    provenance['drift.nu'] =
      nu !== undefined ? 'dsl' : d.drift ? from(d.drift.source) : 'no drift unless written';
    provenance['drift.t0'] =
      t0 !== undefined ? 'dsl' : from(d.drift?.source ?? 'aihwkit PCMLikeNoiseModel t0 = 20 s');
  }
  // Scalars
  const scalar = (dsl: string, key: 'endurance' | 'tempCoeff' | 'latency' | 'area') => {
    const v = fields.number(dsl);
    const def = d[key];
    if (v !== undefined) {
      out[key] = v;
      provenance[key] = 'dsl';
    } else if (def) {
      out[key] = def.value;
      provenance[key] = from(def.source);
    }
  };
  scalar('endurance', 'endurance');
  scalar('temp_coeff', 'tempCoeff');
  scalar('latency', 'latency');
  scalar('area', 'area');
  const switchProb = fields.number('switch_prob');
  if (switchProb !== undefined) {
    out.switchProbability = switchProb;
    provenance.switchProbability = 'dsl';
  }
  const noiseModel = fields.string('read_noise_model');
  if (noiseModel === 'per_read' || noiseModel === 'accumulated_1f') {
    out.readNoiseModel = noiseModel;
    provenance.readNoiseModel = 'dsl';
  }
  // Resonator
  const fRes =
    fields.shape('f_res') ??
    (fields.number('f_res') !== undefined ? [fields.number('f_res')!, fields.number('f_res')!] : undefined);
  const linewidth = fields.number('linewidth');
  if (fRes || linewidth !== undefined || d.resonator) {
    const r = d.resonator?.value ?? { fResMin: 0, fResMax: 0, linewidth: 0 };
    out.resonator = {
      fResMin: fRes?.[0] ?? r.fResMin,
      fResMax: fRes?.[1] ?? r.fResMax,
      linewidth: linewidth ?? r.linewidth,
    };
    provenance['resonator.fRes'] = fRes ? 'dsl' : from(d.resonator?.source ?? 'none');
    provenance['resonator.linewidth'] = linewidth !== undefined ? 'dsl' : from(d.resonator?.source ?? 'none');
    const symmetry = fields.number('line_symmetry');
    if (symmetry !== undefined) {
      out.resonator.symmetry = symmetry;
      provenance['resonator.symmetry'] = 'dsl';
    }
  }
  return out;
}
