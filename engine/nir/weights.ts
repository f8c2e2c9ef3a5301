// The weights sidecar of an imported or exported network: <name>.weights.json beside the .nfab.
// The DSL describes the architecture, not trained values, so the numbers travel here.
// JSON rather than .npy: one file for every layer, readable and diffable, and small networks are
// what NIR exchanges today; float64 values are written with JavaScript's shortest round-trip
// representation, so reading gives back the same doubles bit for bit.
//
// Layout (orientation as NIR and PyTorch: weight is units x inputs, row-major):
// { "format": "neurofab-weights", "version": 1, "network": "net", "dt": 0.001,
//   "discretisation": "exact", "source": "lif.nir",
//   "layers": { "h": { "inputs": 3, "units": 2, "weight": [...units*inputs],
//                      "bias": [...units] (optional), "recurrent": [...units*units] (optional) } } }
// The values are the studio's: already multiplied by the NIR gains (see ./discretise.ts).
import { z } from 'zod';
import type { Discretisation } from './discretise';
import { NirFormatError } from './graph';

export interface LayerWeights {
  inputs: number;
  units: number;
  /** units x inputs, row-major. */
  weight: Float64Array;
  bias?: Float64Array;
  /** units x units, row-major: recurrent[j * units + k] is the weight from unit k to unit j. */
  recurrent?: Float64Array;
}

export interface WeightsFile {
  network: string;
  dt: number;
  discretisation: Discretisation;
  source?: string;
  layers: Record<string, LayerWeights>;
}

const layerSchema = z
  .object({
    inputs: z.number().int().positive(),
    units: z.number().int().positive(),
    weight: z.array(z.number()),
    bias: z.array(z.number()).optional(),
    recurrent: z.array(z.number()).optional(),
  })
  .refine((l) => l.weight.length === l.inputs * l.units, {
    message: 'weight must hold units x inputs values',
  })
  .refine((l) => !l.bias || l.bias.length === l.units, { message: 'bias must hold units values' })
  .refine((l) => !l.recurrent || l.recurrent.length === l.units * l.units, {
    message: 'recurrent must hold units x units values',
  });

const fileSchema = z.object({
  format: z.literal('neurofab-weights'),
  version: z.literal(1),
  network: z.string(),
  dt: z.number().positive(),
  discretisation: z.enum(['exact', 'euler']),
  source: z.string().optional(),
  layers: z.record(z.string(), layerSchema),
});

export function weightsToJson(w: WeightsFile): string {
  const layers: Record<string, unknown> = {};
  for (const [name, l] of Object.entries(w.layers)) {
    layers[name] = {
      inputs: l.inputs,
      units: l.units,
      weight: Array.from(l.weight),
      ...(l.bias ? { bias: Array.from(l.bias) } : {}),
      ...(l.recurrent ? { recurrent: Array.from(l.recurrent) } : {}),
    };
  }
  const doc = { format: 'neurofab-weights', version: 1, ...w, layers };
  return `${JSON.stringify(doc, null, 1)}\n`;
}

/** Parses a weights sidecar; throws an Error naming the first problem. */
export function weightsFromJson(text: string, file = 'weights'): WeightsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NirFormatError(`${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new NirFormatError(`${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const d = parsed.data;
  const layers: Record<string, LayerWeights> = {};
  for (const [name, l] of Object.entries(d.layers)) {
    layers[name] = {
      inputs: l.inputs,
      units: l.units,
      weight: Float64Array.from(l.weight),
      bias: l.bias ? Float64Array.from(l.bias) : undefined,
      recurrent: l.recurrent ? Float64Array.from(l.recurrent) : undefined,
    };
  }
  return { network: d.network, dt: d.dt, discretisation: d.discretisation, source: d.source, layers };
}
