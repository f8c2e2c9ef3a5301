// `neuron NAME : KIND { fields }` -> NeuronModel, generic over the kind's rows (neuron-defaults.ts).
import { NEURON_KINDS, type NeuronKind, type NeuronModel, SPIKING_NEURON_KINDS } from '../ir/model';
import type { Decl } from './ast';
import { type CheckContext, rejectClauses, requireName, sourceRange } from './context';
import { NEURON_TABLE } from './neuron-defaults';
import { didYouMean } from './suggest';
import { readFields } from './values';

export function checkNeuron(ctx: CheckContext, decl: Decl): NeuronModel | null {
  const { diags } = ctx;
  const errorsBefore = diags.errors;
  const name = requireName(ctx, decl, 'neuron NAME : KIND { ... }');
  rejectClauses(ctx, decl);
  const kinds = NEURON_KINDS as readonly string[];
  let kind: NeuronKind | null = null;
  if (!decl.type) {
    diags.error(
      decl.name ?? decl.keyword,
      `neuron '${name ?? ''}' needs a kind, e.g. neuron ${name ?? 'n'} : lif { ... }. Kinds: ${kinds.join(', ')}.`,
      'unknown-kind',
    );
  } else if (decl.type.kind !== 'name' || !kinds.includes(decl.type.name)) {
    const written = decl.type.kind === 'name' ? decl.type.name : '';
    diags.error(
      decl.type,
      `unknown neuron kind${written ? ` '${written}'` : ''}.${didYouMean(written, kinds)} Kinds: ${kinds.join(', ')}.`,
      'unknown-kind',
    );
  } else kind = decl.type.name as NeuronKind;
  if (!kind || !name) return null;
  const table = NEURON_TABLE[kind];
  const fields = readFields(
    decl.body?.statements ?? [],
    table.rows.map((r) => r.spec),
    diags,
    { owner: `neuron '${name}' (${kind})`, ownerSpan: decl.name ?? decl.keyword },
  );
  const params: Record<string, number> = {};
  const options: Record<string, string> = {};
  const provenance: Record<string, string> = {};
  for (const r of table.rows) {
    const name = r.spec.name;
    const v = typeof r.value === 'string' ? fields.string(name) : fields.number(name);
    if (typeof r.value === 'string') options[name] = (v as string | undefined) ?? r.value;
    else params[name] = (v as number | undefined) ?? r.value;
    provenance[name] = v !== undefined ? 'dsl' : `default for ${kind}: ${r.source}`;
  }
  if (params.v_reset !== undefined && params.v_th !== undefined && params.v_reset >= params.v_th) {
    diags.error(
      fields.span('v_reset') ?? fields.span('v_th') ?? decl.name ?? decl.keyword,
      `v_reset (${params.v_reset} V) must be below v_th (${params.v_th} V)`,
      'range',
    );
  }
  if (diags.errors > errorsBefore) return null;
  const { energy = 0, spike_energy = 0, ...rest } = params;
  return {
    name,
    kind,
    spiking: SPIKING_NEURON_KINDS.includes(kind),
    params: rest,
    ...(Object.keys(options).length > 0 ? { options } : {}),
    energyPerUpdate: energy,
    energyPerSpike: spike_energy,
    provenance,
    range: sourceRange(ctx, decl),
  };
}
