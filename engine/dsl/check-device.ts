// `device NAME : KIND { fields }` -> DeviceModel. Unwritten fields take the kind's default from
// device-defaults.ts; provenance records, per IR field, 'dsl' or the default's citation.
import { DEVICE_KINDS, type DeviceKind, type DeviceModel } from '../ir/model';
import { formatQuantity } from '../ir/units';
import type { Decl } from './ast';
import { type CheckContext, rejectClauses, requireName, sourceRange } from './context';
import { DEVICE_DEFAULTS, type DeviceParam, DSL_TO_PARAM } from './device-defaults';
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

  if (diags.errors > errorsBefore) return null;
  return { name, kind, ...params, provenance, range: sourceRange(ctx, decl) };
}
