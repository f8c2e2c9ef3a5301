// The spiking training plan: a TrainingPlan (engine/sim/plan.ts: the fields every run records and
// the one training loop reads) plus `snn`, the spiking network resolved from the IR: populations,
// neuron models, cores, rule settings. learnerFor (engine/sim/rules/index.ts) sends a plan with
// `snn` to the spiking learners (./learners.ts). The same module tells the checker which spiking
// experiments the engine can run (snnNotRunnable), so the two never disagree.
import type {
  Chip,
  CoreTile,
  ElaboratedModel,
  Experiment,
  Network,
  NeuronModel,
  RecurrentLayer,
  TrainRule,
} from '../ir/model';
import { RUNNABLE_DATASETS } from '../ir/model';
import type { DatasetSource, PlanOverrides, TrainingPlan } from '../sim/plan';
import { type CoreLimits, type CoreMap, mapOnCores } from './cores';
import type { SurrogateKind } from './surrogate';

/** Spiking rules the engine trains, and the topology each one takes (after the input layer). */
export const SNN_RULES = ['surrogate_bptt', 'eprop', 'three_factor'] as const;
export type SnnRule = (typeof SNN_RULES)[number];

/** A population after the input: spiking neurons, or a dense (non-spiking, leaky) readout. */
export interface SnnLayerPlan {
  name: string;
  kind: 'spiking' | 'dense';
  inputs: number;
  units: number;
  recurrent: boolean;
  bias: boolean;
  /** The neuron declaration of a spiking layer (null for a dense readout). */
  neuron: NeuronModel | null;
  core: CoreLimits | null;
}

export interface SnnSpec {
  rule: SnnRule;
  /** Steps per sample and step (s). */
  timeSteps: number;
  dt: number;
  surrogate: SurrogateKind;
  /** Eligibility-trace time constant (s). */
  tauE: number;
  /** Rate coding: an input feature x spikes with probability min(1, x * encoderGain) per step. */
  encoderGain: number;
  layers: SnnLayerPlan[];
  cores: CoreMap;
}

export type SnnTrainingPlan = TrainingPlan & { snn: SnnSpec };

export function isSnnPlan(plan: TrainingPlan): plan is SnnTrainingPlan {
  return (plan as Partial<SnnTrainingPlan>).snn !== undefined;
}

/** Defaults, with their sources. */
// snnTorch tutorial 5 (and issue 7's MNIST goal): 25 steps per sample.
export const DEFAULT_TIME_STEPS = 25;
// 1 ms: the step of Bellec et al. 2020 (e-prop) and of the snnTorch tutorials' 1-step-per-ms reading.
export const DEFAULT_DT = 1e-3;
// Bellec et al. 2020: the eligibility trace filters with the membrane time constant, 20 ms.
export const DEFAULT_TAU_E = 20e-3;
// snnTorch's default surrogate (fast sigmoid); e-prop's is Bellec's triangle.
const DEFAULT_SURROGATE: Record<SnnRule, SurrogateKind> = {
  surrogate_bptt: 'fast_sigmoid',
  eprop: 'triangle',
  three_factor: 'triangle',
};
/** synthetic_spikes: feature 1 = 100 Hz (engine/data/synthetic.ts SPIKE_RATE_SCALE). */
const SYNTHETIC_SPIKES_RATE_SCALE = 100;

export function isSpikingNetwork(net: Network): boolean {
  return net.layers.some((l) => l.kind === 'spiking');
}

/** A spiking_core tile's limits, with the DSL defaults of engine/dsl/schema.ts where it says nothing. */
export function coreLimits(core: CoreTile): CoreLimits {
  const num = (k: string, d: number) => {
    const v = core.params[k];
    return typeof v === 'number' ? v : d;
  };
  return {
    tile: core.name,
    neurons: num('neurons', 1024),
    synapses: num('synapses', 131072),
    fanIn: num('fan_in', 4096),
    fanOut: num('fan_out', 4096),
    weightBits: num('weight_bits', 8),
    count: core.count,
  };
}

function layerCore(chip: Chip, exp: Pick<Experiment, 'mappings'>, layer: string): CoreLimits | null {
  const tile = exp.mappings?.find((m) => m.layer === layer)?.mapping.tile;
  const core = tile ? chip.cores?.find((c) => c.name === tile && c.kind === 'spiking_core') : undefined;
  return core ? coreLimits(core) : null;
}

/** The populations after the input, with their neurons and cores; the input layer's size. */
export function snnLayers(
  model: Pick<ElaboratedModel, 'neurons'>,
  chip: Chip,
  exp: Pick<Experiment, 'mappings'>,
  net: Network,
): { inputSize: number; layers: SnnLayerPlan[]; other: string[] } {
  const [input, ...rest] = net.layers;
  const layers: SnnLayerPlan[] = [];
  const other: string[] = [];
  for (const l of rest) {
    if (l.kind === 'spiking') {
      const r = l as RecurrentLayer;
      const neuron = model.neurons?.find((n) => n.name === r.neuron) ?? null;
      layers.push({
        name: r.name,
        kind: 'spiking',
        inputs: r.inputs,
        units: r.units,
        recurrent: r.recurrent,
        bias: r.bias,
        neuron,
        core: layerCore(chip, exp, r.name),
      });
    } else if (l.kind === 'dense') {
      layers.push({
        name: l.name,
        kind: 'dense',
        inputs: l.inputs,
        units: l.units,
        recurrent: false,
        bias: l.bias,
        neuron: null,
        core: layerCore(chip, exp, l.name),
      });
    } else other.push(`${l.name} (${l.kind})`);
  }
  return { inputSize: input?.kind === 'input' ? input.size : 0, layers, other };
}

/** Core mapping of the populations: each projects to the next one. */
export function snnCoreMap(layers: readonly SnnLayerPlan[]): CoreMap {
  return mapOnCores(
    layers.map((l, i) => ({
      name: l.name,
      neurons: l.units,
      inputs: l.inputs,
      recurrent: l.recurrent,
      fanOut: (layers[i + 1]?.units ?? 0) + (l.recurrent ? l.units : 0),
      core: l.core,
    })),
  );
}

const LIF_KINDS = ['lif', 'cuba_lif'];

/**
 * Why the engine cannot run this spiking experiment (empty: it can). The checker shows these as
 * its "cannot run yet" warning; buildSnnPlan throws with them.
 */
export function snnNotRunnable(
  model: Pick<ElaboratedModel, 'neurons'>,
  chip: Chip,
  exp: Pick<Experiment, 'mappings' | 'dataset' | 'datasetFiles'> & { rule: string },
  net: Network,
): string[] {
  const why: string[] = [];
  const rule = exp.rule;
  if (rule === 'stdp') {
    why.push(
      "rule 'stdp' alone is unsupervised: the engine trains no readout with it (use three_factor, STDP gated by a reward)",
    );
    return why;
  }
  if (!(SNN_RULES as readonly string[]).includes(rule)) return why; // checkRuleFit reports it
  if (!exp.datasetFiles && !RUNNABLE_DATASETS.includes(exp.dataset))
    why.push(`data set '${exp.dataset}' is not yet available to the engine`);
  const { layers, other } = snnLayers(model, chip, exp, net);
  if (other.length > 0) why.push(`layers ${other.join(', ')} are not simulated in a spiking network`);
  const spiking = layers.filter((l) => l.kind === 'spiking');
  const shape = layers
    .map((l) => (l.kind === 'spiking' ? (l.recurrent ? 'rec' : 'spk') : 'dense'))
    .join(' -> ');
  const kinds = new Set(spiking.map((l) => l.neuron?.kind ?? '?'));
  const kindList = [...kinds].join(', ');
  const want = (ok: boolean, topology: string) => {
    if (!ok) why.push(`rule '${rule}' trains ${topology}; this network is input -> ${shape}`);
  };
  if (rule === 'surrogate_bptt') {
    want(
      layers.length === 2 && layers[0]!.kind === 'spiking' && !layers[0]!.recurrent,
      'input -> spiking (not recurrent) -> dense or spiking readout',
    );
    if (![...kinds].every((k) => LIF_KINDS.includes(k)))
      why.push(`surrogate_bptt simulates lif and cuba_lif neurons, not ${kindList}`);
  } else if (rule === 'eprop') {
    want(
      layers.length === 2 &&
        layers[0]!.kind === 'spiking' &&
        layers[0]!.recurrent &&
        layers[1]!.kind === 'dense',
      'input -> recurrent spiking -> dense readout',
    );
    if (![...kinds].every((k) => k === 'lif')) why.push(`eprop simulates lif neurons, not ${kindList}`);
  } else if (rule === 'three_factor') {
    want(
      layers.length === 2 && layers.every((l) => l.kind === 'spiking' && !l.recurrent),
      'input -> spiking -> spiking output (feed-forward)',
    );
    if (![...kinds].every((k) => [...LIF_KINDS, 'loihi_cuba'].includes(k)))
      why.push(`three_factor simulates lif, cuba_lif and loihi_cuba neurons, not ${kindList}`);
  }
  return why;
}

/** Builds the spiking plan of `experimentName`; throws an Error naming what does not run. */
export function buildSnnPlan(
  model: ElaboratedModel,
  experimentName: string,
  overrides: PlanOverrides = {},
): SnnTrainingPlan {
  const exp = model.experiments.find((e) => e.name === experimentName);
  if (!exp) throw new Error(`No experiment "${experimentName}" in the model.`);
  const chip = model.chips.find((c) => c.name === exp.chip);
  const net = model.networks.find((n) => n.name === exp.network);
  if (!chip || !net) throw new Error(`Experiment "${exp.name}": chip or network not defined.`);
  const why = snnNotRunnable(model, chip, { ...exp, rule: exp.train.rule }, net);
  if (!(SNN_RULES as readonly string[]).includes(exp.train.rule) && why.length === 0)
    why.push(`rule '${exp.train.rule}' does not train spiking networks`);
  if (why.length > 0) throw new Error(`Experiment "${exp.name}" cannot run yet: ${why.join('; ')}.`);
  const rule = exp.train.rule as SnnRule;
  const { inputSize, layers } = snnLayers(model, chip, exp, net);
  const s = exp.train.spiking ?? {};
  const dt = s.dt ?? DEFAULT_DT;
  const dataset: DatasetSource = exp.datasetFiles
    ? { kind: 'files', ...exp.datasetFiles }
    : { kind: 'builtin', name: exp.dataset };
  const encoderGain =
    dataset.kind === 'builtin' && dataset.name === 'synthetic_spikes' ? SYNTHETIC_SPIKES_RATE_SCALE * dt : 1; // snnTorch spikegen.rate: a pixel's value is its spike probability per step
  const snn: SnnSpec = {
    rule,
    timeSteps: s.timeSteps ?? DEFAULT_TIME_STEPS,
    dt,
    surrogate: (s.surrogate as SurrogateKind | undefined) ?? DEFAULT_SURROGATE[rule],
    tauE: s.tauE ?? DEFAULT_TAU_E,
    encoderGain,
    layers,
    cores: snnCoreMap(layers),
  };
  const input = net.layers[0];
  const classes = layers[layers.length - 1]!.units;
  return {
    experiment: exp.name,
    chip: chip.name,
    network: net.name,
    dataset,
    inputShape: input?.kind === 'input' ? [...input.shape] : [inputSize],
    inputSize,
    classes,
    layers: [],
    // The spiking rules are not in TrainRule (the analog engine's list); the value is recorded as
    // written and learnerFor routes on `snn` before it looks at the rule.
    rule: rule as unknown as TrainRule,
    trainable: 'weights',
    beta: 0.5,
    pulseLength: 31,
    optimizer: { ...exp.train.optimizer },
    epochs: overrides.epochs ?? exp.train.epochs,
    batch: exp.train.batch,
    seed: overrides.seed ?? exp.seed,
    trainLimit: overrides.trainLimit ?? exp.trainLimit,
    testLimit: overrides.testLimit ?? exp.testLimit,
    infer: { time: 0, temperature: 300 },
    snn,
  };
}
