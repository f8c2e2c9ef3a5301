// The spiking learners behind the training loop's Learner seam (engine/sim/train.ts): one per
// spiking rule, built from the spiking plan (./plan.ts). They wrap the rule modules (./bptt.ts by
// helper C, ./eprop.ts by helper D, ./learner-three-factor.ts), count spikes per core during
// evaluation (./cores.ts: run metrics for the energy estimator) and record one test sample for the
// raster view (./record.ts).
import type { Dataset } from '../data/mnist';
import { Rng } from '../sim/rng';
import type {
  BatchResult,
  Learner,
  LearnerArtifact,
  LearnerContext,
  LearnerFactory,
} from '../sim/rules/types';
import { SnnBpttTrainer, snnBpttOptionsFromNeuron } from './bptt';
import { CoreActivity, describeCoreMap } from './cores';
import { poissonEncode } from './encoders';
import { EpropNetwork } from './eprop';
import { createThreeFactorLearner } from './learner-three-factor';
import { lifConstants } from './neurons';
import type { SnnTrainingPlan } from './plan';
import { buildSpikeRecord, type RecordedLayer, spikeArtifact } from './record';
import { DEFAULT_SURROGATE_SLOPE } from './surrogate';

// Random streams of the spiking learners (rngFor convention: learners use ids from 100 up; 101-107
// are taken by bptt.ts and eprop.ts).
export const SNN_STREAMS = {
  trainEncode: 120,
  evalEncode: 121,
  recordEncode: 122,
  init: 123,
  probe: 124,
} as const;
/** e-prop's firing-rate regulariser coefficient (see createEpropLearner). */
export const EPROP_RATE_REG = 1;
/** Test samples searched for the first correctly classified one to record. */
const RECORD_SEARCH = 20;

export function snnLearnerFor(plan: SnnTrainingPlan): LearnerFactory {
  switch (plan.snn.rule) {
    case 'surrogate_bptt':
      return createBpttLearner;
    case 'eprop':
      return createEpropLearner;
    case 'three_factor':
      return createThreeFactorLearner;
  }
}

/** Core activity of the plan's populations (each projects to the next). */
export function coreActivity(plan: SnnTrainingPlan): CoreActivity {
  const layers = plan.snn.layers;
  return new CoreActivity(
    plan.snn.cores,
    layers.map((_, i) => (i + 1 < layers.length ? i + 1 : -1)),
    layers.map((l) => l.recurrent),
  );
}

/** Logs the core mapping and its violations at the start of a run. */
export function logCores(ctx: LearnerContext): void {
  const plan = ctx.plan as SnnTrainingPlan;
  for (const line of describeCoreMap(plan.snn.cores)) ctx.log('info', `cores: ${line}`);
  for (const v of plan.snn.cores.violations) ctx.log('warn', `core limits: ${v}`);
}

export function neuronsPerCore(plan: SnnTrainingPlan, layer: number): number | null {
  const p = plan.snn.cores.populations[layer];
  return p && p.tile !== null ? p.neuronsPerCore : null;
}

/** Indices to try for the recording: the first RECORD_SEARCH test samples. */
export function recordCandidates(test: Dataset): number[] {
  return Array.from({ length: Math.min(RECORD_SEARCH, test.count) }, (_, i) => i);
}

// -------------------------------------------------------------------------------------------------
// surrogate_bptt: helper C's SnnBpttTrainer (input -> LIF -> leaky or spiking readout).

function createBpttLearner(ctx: LearnerContext): Learner {
  const plan = ctx.plan as SnnTrainingPlan;
  const { snn } = plan;
  const [hidden, out] = snn.layers as [(typeof snn.layers)[0], (typeof snn.layers)[0]];
  logCores(ctx);
  const trainer = new SnnBpttTrainer(
    snnBpttOptionsFromNeuron(hidden.neuron!, snn.dt, {
      inputs: plan.inputSize,
      hidden: hidden.units,
      outputs: out.units,
      timeSteps: snn.timeSteps,
      surrogate: snn.surrogate,
      slope: DEFAULT_SURROGATE_SLOPE[snn.surrogate],
      readout: out.kind === 'dense' ? 'membrane' : 'spike_count',
      gain: snn.encoderGain,
      batch: Math.max(ctx.maxBatch, plan.batch),
      lr: plan.optimizer.lr,
      seed: plan.seed,
    }),
    ctx.kernels,
  );
  const T = snn.timeSteps;
  const nH = hidden.units;
  const nIn = plan.inputSize;
  const activity = coreActivity(plan);
  let evalRng = trainer.evalEncodingRng();
  let rateSum = 0;
  let rateCount = 0;
  return {
    trainBatch(x, labels, m, lr): BatchResult {
      const r = trainer.trainImages(x, labels, m, lr);
      rateSum += r.hiddenRate * m;
      rateCount += m;
      return { loss: r.loss, correct: r.correct };
    },
    deploy() {
      evalRng = trainer.evalEncodingRng();
      activity.reset();
    },
    inferBatch(x, labels, m): BatchResult {
      const r = trainer.inferImages(evalRng, x, labels, m);
      // s1 is [T][m][hidden]: sample i's spikes at step t start at (t*m + i)*hidden.
      for (let i = 0; i < m; i++) activity.add(0, trainer.s1, T, m * nH, i * nH);
      activity.sample(m);
      return { loss: r.loss, correct: r.correct };
    },
    epochMetrics() {
      const rate = rateCount > 0 ? rateSum / rateCount : 0;
      rateSum = 0;
      rateCount = 0;
      return { hidden_spike_rate: rate, ...activity.metrics() };
    },
    artifacts(test): LearnerArtifact[] {
      const spikes = new Uint8Array(T * nIn);
      const rng = new Rng(plan.seed, SNN_STREAMS.recordEncode);
      let chosen: RecordInputParts | null = null;
      for (const i of recordCandidates(test)) {
        poissonEncode(rng, test.images, i, 1, nIn, T, spikes, snn.encoderGain);
        const x = trainer.input;
        for (let q = 0; q < T * nIn; q++) x[q] = spikes[q]!;
        trainer.forward(1);
        const lg = trainer.logits;
        let arg = 0;
        for (let k = 1; k < out.units; k++) if (lg[k]! > lg[arg]!) arg = k;
        chosen = {
          sample: i,
          label: test.labels[i]!,
          predicted: arg,
          input: Uint8Array.from(spikes),
          layers: [
            {
              name: hidden.name,
              neurons: nH,
              neuronsPerCore: neuronsPerCore(plan, 0),
              spikes: Float32Array.from(trainer.s1.subarray(0, T * nH)),
              membrane: Float32Array.from(trainer.u1.subarray(0, T * nH)),
            },
          ],
        };
        if (arg === test.labels[i]) break;
      }
      return chosen ? [recordArtifact(plan, chosen)] : [];
    },
  };
}

interface RecordInputParts {
  sample: number;
  label: number;
  predicted: number;
  input: Uint8Array;
  layers: RecordedLayer[];
}

export function recordArtifact(plan: SnnTrainingPlan, r: RecordInputParts): LearnerArtifact {
  return spikeArtifact(
    buildSpikeRecord({
      sample: r.sample,
      label: r.label,
      predicted: r.predicted,
      steps: plan.snn.timeSteps,
      dt: plan.snn.dt,
      input: {
        name: 'input',
        neurons: plan.inputSize,
        neuronsPerCore: null,
        spikes: r.input,
        membrane: null,
      },
      layers: r.layers,
    }),
  );
}

// -------------------------------------------------------------------------------------------------
// eprop: helper D's EpropNetwork (recurrent LIF + leaky readout), one trial and one Adam step per
// sample (Bellec et al. 2020 update at the end of each trial): `batch` only sets the loop's
// bookkeeping, and the learning rate is the optimiser's lr (no schedule).

function createEpropLearner(ctx: LearnerContext): Learner {
  const plan = ctx.plan as SnnTrainingPlan;
  const { snn } = plan;
  const [hidden, out] = snn.layers as [(typeof snn.layers)[0], (typeof snn.layers)[0]];
  logCores(ctx);
  const c = lifConstants(hidden.neuron!, snn.dt);
  const tauMem = -snn.dt / Math.log(c.beta);
  if (Math.abs(snn.tauE - tauMem) > 1e-9)
    ctx.log(
      'info',
      `eprop: the eligibility trace filters with the membrane time constant (${(tauMem * 1e3).toFixed(1)} ms, Bellec et al. 2020); tau_e = ${(snn.tauE * 1e3).toFixed(1)} ms is not used`,
    );
  if (plan.optimizer.kind !== 'adam')
    ctx.log('info', `eprop: updates by Adam (Bellec et al. 2020) with lr ${plan.optimizer.lr}`);
  const net = new EpropNetwork({
    inputs: plan.inputSize,
    recurrent: hidden.units,
    outputs: out.units,
    dt: snn.dt,
    neuron: c,
    surrogate: snn.surrogate,
    surrogateSlope: DEFAULT_SURROGATE_SLOPE[snn.surrogate],
    lr: plan.optimizer.lr,
    // Firing-rate regulariser c (Bellec et al. 2020's E_reg, target 10 Hz): 1 instead of eprop.ts's
    // 0.1. Measured on synthetic_spikes with examples/eprop-recurrent-snn.nfab's network (200 LIF,
    // v_th 0.6, Adam 0.001, seed 7, 500 samples): c = 0.1 leaves h at ~100 Hz and the readout
    // saturates (21% of 200 test samples), c = 1 gives 100% (docs/engine-snn-studio.md).
    rateReg: EPROP_RATE_REG,
    seed: plan.seed,
  });
  const T = snn.timeSteps;
  const nIn = plan.inputSize;
  const n = hidden.units;
  const buf = new Uint8Array(T * nIn);
  const trainRng = new Rng(plan.seed, SNN_STREAMS.trainEncode);
  let evalRng = new Rng(plan.seed, SNN_STREAMS.evalEncode);
  const activity = coreActivity(plan);
  let spikeSum = 0;
  let spikeSamples = 0;
  const run = (rng: Rng, x: Float32Array, i: number, label: number, learn: boolean) => {
    poissonEncode(rng, x, i, 1, nIn, T, buf, snn.encoderGain);
    return net.trialClassify(buf, label, T, learn);
  };
  return {
    trainBatch(x, labels, m): BatchResult {
      let loss = 0;
      let correct = 0;
      for (let i = 0; i < m; i++) {
        const r = run(trainRng, x, i, labels[i]!, true);
        loss += r.crossEntropy;
        if (r.predicted === labels[i]) correct++;
        spikeSum += r.spikes;
        spikeSamples++;
      }
      return { loss, correct };
    },
    deploy() {
      evalRng = new Rng(plan.seed, SNN_STREAMS.evalEncode);
      activity.reset();
    },
    inferBatch(x, labels, m): BatchResult {
      let loss = 0;
      let correct = 0;
      for (let i = 0; i < m; i++) {
        const r = run(evalRng, x, i, labels[i]!, false);
        loss += r.crossEntropy;
        if (r.predicted === labels[i]) correct++;
        activity.add(0, net.spikes, T, n);
        activity.sample();
      }
      return { loss, correct };
    },
    epochMetrics() {
      const rate = spikeSamples > 0 ? spikeSum / (spikeSamples * n * T) : 0;
      spikeSum = 0;
      spikeSamples = 0;
      return { hidden_spike_rate: rate, ...activity.metrics() };
    },
    artifacts(test): LearnerArtifact[] {
      const rng = new Rng(plan.seed, SNN_STREAMS.recordEncode);
      let chosen: RecordInputParts | null = null;
      for (const i of recordCandidates(test)) {
        const r = run(rng, test.images, i, test.labels[i]!, false);
        const membrane = epropMembrane(net, buf, T);
        chosen = {
          sample: i,
          label: test.labels[i]!,
          predicted: r.predicted,
          input: Uint8Array.from(buf),
          layers: [
            {
              name: hidden.name,
              neurons: n,
              neuronsPerCore: neuronsPerCore(plan, 0),
              spikes: Uint8Array.from(net.spikes),
              membrane,
            },
          ],
        };
        if (r.predicted === test.labels[i]) break;
      }
      return chosen ? [recordArtifact(plan, chosen)] : [];
    },
  };
}

/**
 * The membrane trace of the last e-prop trial, recomputed from the network's weights with
 * eprop.ts's equations (LIF, no adaptation): v = α v − v_th z[t−1] + W_in x[t] + W_rec z[t−1],
 * z = v ≥ v_th outside the refractory period. EpropNetwork keeps v private and per step only, so
 * we re-run it; the spikes are taken from the network's own record (net.spikes).
 */
export function epropMembrane(net: EpropNetwork, input: Uint8Array, steps: number): Float32Array {
  const { inputs, recurrent: n } = net.opts;
  const alpha = net.opts.neuron.beta;
  const thr = net.opts.neuron.threshold;
  const refSteps = net.opts.neuron.refractorySteps;
  const w = net.w;
  const v = new Float32Array(n);
  const zPrev = new Uint8Array(n);
  const refr = new Int32Array(n);
  const out = new Float32Array(steps * n);
  for (let t = 0; t < steps; t++) {
    for (let j = 0; j < n; j++) v[j] = alpha * v[j]! - thr * zPrev[j]!;
    for (let i = 0; i < inputs; i++) {
      if (input[t * inputs + i] === 0) continue;
      const row = i * n;
      for (let j = 0; j < n; j++) v[j]! += w[row + j]!;
    }
    for (let r = 0; r < n; r++) {
      if (zPrev[r] === 0) continue;
      const row = (inputs + r) * n;
      for (let j = 0; j < n; j++) v[j]! += w[row + j]!;
    }
    for (let j = 0; j < n; j++) {
      let s = 0;
      if (refr[j]! > 0) refr[j]!--;
      else if (v[j]! >= thr) {
        s = 1;
        refr[j] = refSteps;
      }
      zPrev[j] = s;
    }
    out.set(v, t * n);
  }
  return out;
}
