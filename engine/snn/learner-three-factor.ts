// three_factor on a classification task: input -> spiking hidden population (fixed random input
// weights, a spiking expansion of the input) -> spiking output population, whose input synapses
// learn by reward-modulated STDP (SCIENCE.md; Frémaux & Gerstner 2016, Front. Neural Circuits
// 9:85; Izhikevich 2007, Cereb. Cortex 17:2443):
//   eligibility  de_kj/dt = -e_kj/tau_e + STDP_kj(pre j, post k)   (pair-based, nearest-all traces)
//   update       dW_kj    = eta * M_k * e_kj * w_max, at the end of the sample (the reward's time)
// The third factor is given per output neuron, a teacher form of reward (Legenstein, Pecevski &
// Maass 2008, PLoS Comput. Biol. 4:e1000180): M_k = +1 for the neuron of the correct class, -1 for
// the others. During training the correct neuron also receives a teacher current so that it fires
// and its synapses from the active inputs get eligible; the other neurons get no teacher, so only
// those that fire (wrongly) are depressed. At evaluation there is no teacher: the class is the
// output neuron with most spikes.
//
// Why not helper D's ThreeFactorSynapses: it decays every trace e_kj at every step (2,048 x 10
// synapses x 200 steps per sample in examples/loihi-three-factor.nfab) and takes one broadcast M.
// Here the eligibility is event-driven and exact: contributions are stored scaled by exp(t dt /
// tau_e) and the whole trace is brought to the reward time once, exp(-T dt / tau_e). The STDP
// window is D's bandit agent's (Bi & Poo's time constants, A- = 0.5 A+, potentiation-dominated:
// engine/snn/three-factor.ts DEFAULT_BANDIT_AGENT).
//
// loihi_cuba: training simulates the neurons in float (lifConstants' reading of the integer
// neuron, reset to 0); deploy() quantises the weights to the core's weight_bits and evaluation
// runs the bit-accurate loihiStep (./loihi.ts). Weights are in Loihi's input units throughout:
// a_in is the sum of the integer weights of the spikes that arrive (Lava Dense with weight_exp 0),
// and the float reading's threshold is vth in the same units. The integers follow Lava's weight
// rules (lava/utils/weightutils.py: clip_weights, truncate_weights) for num_weight_bits = b: a
// matrix of one sign (the learned output weights, >= 0) takes integers in [0, 2^b - 1]; a mixed-
// sign matrix (the hidden input weights) takes [-2^b, 2^b - 1] with the last bit truncated (even
// values), the sign costing one bit. Davies et al. 2018: 1-9 bit weights.
import { neuronOption } from '../dsl/neuron-defaults';
import type { NeuronModel } from '../ir/model';
import { Rng } from '../sim/rng';
import {
  type BatchResult,
  type Learner,
  type LearnerArtifact,
  type LearnerContext,
  softmaxCrossEntropy,
} from '../sim/rules/types';
import { poissonEncode } from './encoders';
import {
  coreActivity,
  logCores,
  neuronsPerCore,
  recordArtifact,
  recordCandidates,
  SNN_STREAMS,
} from './learners';
import { createLoihiState, type LoihiCubaParams, loihiParams, loihiStep, resetLoihiState } from './loihi';
import {
  createLifState,
  type LifConstants,
  lifConstants,
  lifStep,
  type ResetMode,
  resetLifState,
} from './neurons';
import type { SnnTrainingPlan } from './plan';

/** STDP of the eligibility: Bi & Poo 1998 time constants, A- = 0.5 A+ (three-factor.ts bandit agent). */
const TAU_PLUS = 16.8e-3;
const TAU_MINUS = 33.7e-3;
const A_PLUS = 1;
const A_MINUS = 0.5;
/**
 * Our choices (docs/engine-snn-studio.md). The weights are scaled on the first training batch:
 * the hidden input weights are s (N(0, 1) + HIDDEN_MEAN) with s chosen so that the mean input
 * rate of that batch holds a hidden neuron's steady membrane at HIDDEN_DRIVE thresholds on
 * average (the spread of the weights makes some neurons fire for a pattern, others not); the
 * reference output weight w_ref is the weight at which the measured hidden activity alone holds an
 * output at its threshold; output weights start uniform in [0, W_INIT w_ref); the teacher holds
 * the correct output at TEACHER_DRIVE thresholds; a weight changes by LEARNING_GAIN eta M e w_ref.
 * Measured on examples/loihi-three-factor.nfab (300 training samples, 100 test, seed 7, Loihi
 * deployment): HIDDEN_DRIVE 0.8 makes the hidden layer fire so much (9 Hz on 2,048 neurons) that
 * w_ref is 0.27, below one 8-bit step, and the deployed outputs stay silent; at 0.5, w_ref = 4.5.
 * LEARNING_GAIN 1, 10, 40, 100, 300 gave 10, 13, 49, 81, 98% test accuracy (eta = 0.01 as written).
 */
const HIDDEN_MEAN = 0.5;
const HIDDEN_DRIVE = 0.5;
const TEACHER_DRIVE = 1.5;
const W_INIT = 0.5;
const LEARNING_GAIN = 300;
/** Samples of the first batch run to measure the hidden activity. */
const CALIBRATION_SAMPLES = 8;

/** A population simulated either in float (lifStep) or bit-accurately (loihiStep). */
class Population {
  readonly float: LifConstants;
  readonly reset: ResetMode;
  readonly loihi: LoihiCubaParams | null;
  private readonly lif;
  private readonly lstate;
  readonly input: Float32Array;
  readonly aIn: Int32Array;
  useLoihi = false;

  constructor(
    neuron: NeuronModel,
    dt: number,
    readonly n: number,
  ) {
    this.float = lifConstants(neuron, dt);
    this.loihi = neuron.kind === 'loihi_cuba' ? loihiParams(neuron) : null;
    // Loihi resets v to 0 (Lava); lif / cuba_lif take the DSL's reset option.
    this.reset = this.loihi ? 'value' : (neuronOption(neuron, 'reset') as ResetMode);
    this.lif = createLifState(n);
    this.lstate = createLoihiState(n);
    this.input = new Float32Array(n);
    this.aIn = new Int32Array(n);
  }

  /** Steady membrane per unit of constant input per step: 1 / ((1 - beta)(1 - alpha)). */
  get gain(): number {
    return 1 / ((1 - this.float.beta) * (1 - this.float.alpha));
  }

  get threshold(): number {
    return this.float.threshold;
  }

  restart(): void {
    resetLifState(this.lif);
    resetLoihiState(this.lstate);
    this.input.fill(0);
    this.aIn.fill(0);
  }

  /** One step on this.input (float) or this.aIn (Loihi); clears the input; returns the spikes. */
  step(): Uint8Array {
    if (this.useLoihi) {
      loihiStep(this.loihi!, this.lstate, this.aIn);
      this.aIn.fill(0);
      return this.lstate.spikes;
    }
    lifStep(this.float, this.lif, this.input, 0, { reset: this.reset });
    this.input.fill(0);
    return this.lif.spikes;
  }

  /** Membrane in threshold-comparable units (Loihi's v is input << 6). */
  membrane(out: Float32Array, offset: number): void {
    if (this.useLoihi) for (let j = 0; j < this.n; j++) out[offset + j] = this.lstate.v[j]! / 64;
    else out.set(this.lif.v, offset);
  }
}

export function createThreeFactorLearner(ctx: LearnerContext): Learner {
  const plan = ctx.plan as SnnTrainingPlan;
  const { snn } = plan;
  const [hl, ol] = snn.layers as [(typeof snn.layers)[0], (typeof snn.layers)[0]];
  logCores(ctx);
  const T = snn.timeSteps;
  const dt = snn.dt;
  const nIn = plan.inputSize;
  const H = hl.units;
  const C = ol.units;
  const hidden = new Population(hl.neuron!, dt, H);
  const output = new Population(ol.neuron!, dt, C);
  const loihi = hidden.loihi !== null && output.loihi !== null;
  // Weight bound: Loihi's signed mantissa at the core's weight bits; float neurons: one threshold.
  const bits = ol.core?.weightBits ?? 8;
  const wMax = loihi ? 2 ** bits - 1 : output.threshold;
  const eta = plan.optimizer.lr;
  // Lava: round to an integer, clip to the sign mode's range, drop the last bit when mixed.
  const quantise = (w: Float32Array, out: Float32Array | Int32Array) => {
    let lo = 0;
    let hi = 0;
    for (const x of w) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    const mixed = lo < 0 && hi > 0;
    const min = mixed || hi <= 0 ? -(2 ** bits) : 0;
    const max = hi > 0 ? 2 ** bits - 1 : 0;
    for (let q = 0; q < w.length; q++) {
      const v = Math.max(min, Math.min(max, Math.round(w[q]!)));
      out[q] = mixed ? (v >> 1) << 1 : v;
    }
  };
  const init = new Rng(plan.seed, SNN_STREAMS.init);
  // Hidden input weights [input][hidden] and output weights [hidden][output], set by calibrate().
  const w1 = new Float32Array(nIn * H);
  const w2 = new Float32Array(H * C);
  const w2q = new Int32Array(H * C);
  const w1q = new Int32Array(nIn * H);
  let wRef = 0;
  const teacher = (TEACHER_DRIVE * output.threshold) / output.gain;

  const decayPlus = Math.exp(-dt / TAU_PLUS);
  const decayMinus = Math.exp(-dt / TAU_MINUS);
  const preTrace = new Float32Array(H);
  const postTrace = new Float32Array(C);
  const elig = new Float32Array(H * C);
  const counts = new Float32Array(C);
  const inSpikes = new Uint8Array(T * nIn);
  // Per-step records of the last sample (for the spike record and core activity).
  const hSpikes = new Uint8Array(T * H);
  const oSpikes = new Uint8Array(T * C);
  const hMem = new Float32Array(T * H);
  const oMem = new Float32Array(T * C);

  /** Runs one sample already encoded in inSpikes; learns when `label` >= 0 and `learn`. */
  const runSample = (label: number, learn: boolean, recordMembrane: boolean): void => {
    hidden.restart();
    output.restart();
    counts.fill(0);
    if (learn) {
      preTrace.fill(0);
      postTrace.fill(0);
      elig.fill(0);
    }
    const deployed = hidden.useLoihi;
    for (let t = 0; t < T; t++) {
      // Input spikes -> hidden.
      const xo = t * nIn;
      for (let i = 0; i < nIn; i++) {
        if (inSpikes[xo + i] === 0) continue;
        const row = i * H;
        if (deployed) for (let j = 0; j < H; j++) hidden.aIn[j]! += w1q[row + j]!;
        else for (let j = 0; j < H; j++) hidden.input[j]! += w1[row + j]!;
      }
      const hs = hidden.step();
      hSpikes.set(hs, t * H);
      if (recordMembrane) hidden.membrane(hMem, t * H);
      // Hidden spikes -> output.
      for (let j = 0; j < H; j++) {
        if (hs[j] === 0) continue;
        const row = j * C;
        if (deployed) for (let k = 0; k < C; k++) output.aIn[k]! += w2q[row + k]!;
        else for (let k = 0; k < C; k++) output.input[k]! += w2[row + k]!;
      }
      if (learn && label >= 0) output.input[label]! += teacher;
      const os = output.step();
      oSpikes.set(os, t * C);
      if (recordMembrane) output.membrane(oMem, t * C);
      for (let k = 0; k < C; k++) counts[k]! += os[k]!;
      if (!learn) continue;
      // Eligibility (event-driven STDP), contributions scaled by exp(t dt / tau_e).
      const grow = Math.exp((t * dt) / snn.tauE);
      for (let j = 0; j < H; j++) preTrace[j]! *= decayPlus;
      for (let k = 0; k < C; k++) postTrace[k]! *= decayMinus;
      for (let j = 0; j < H; j++) {
        if (hs[j] === 0) continue;
        // pre after post: depression by the post traces.
        const row = j * C;
        for (let k = 0; k < C; k++) elig[row + k]! -= A_MINUS * postTrace[k]! * grow;
        preTrace[j]! += 1;
      }
      for (let k = 0; k < C; k++) {
        if (os[k] === 0) continue;
        // post after pre (this step's pre spikes included): potentiation by the pre traces.
        for (let j = 0; j < H; j++) elig[j * C + k]! += A_PLUS * preTrace[j]! * grow;
        postTrace[k]! += 1;
      }
    }
    if (learn && label >= 0) {
      // The reward arrives at the end of the sample: bring e to that time, apply M_k.
      const k0 = LEARNING_GAIN * eta * wRef * Math.exp((-(T - 1) * dt) / snn.tauE);
      for (let j = 0; j < H; j++) {
        const row = j * C;
        for (let k = 0; k < C; k++) {
          const e = elig[row + k]!;
          if (e === 0) continue;
          const m = k === label ? 1 : -1;
          w2[row + k] = Math.min(wMax, Math.max(0, w2[row + k]! + k0 * m * e));
        }
      }
    }
  };

  // Logits: spike counts, ties broken by a small share of the mean membrane (no spikes at all).
  const logits = new Float32Array(C);
  const predict = (): void => {
    for (let k = 0; k < C; k++) logits[k] = counts[k]!;
  };
  const trainRng = new Rng(plan.seed, SNN_STREAMS.trainEncode);
  let calibrated = false;
  const calibrate = (x: Float32Array, m: number): void => {
    calibrated = true;
    let inputRate = 0;
    for (let q = 0; q < m * nIn; q++) inputRate += Math.min(1, Math.max(0, x[q]! * snn.encoderGain));
    inputRate = Math.max(1e-3, inputRate / m);
    const s1 = (HIDDEN_DRIVE * hidden.threshold) / (hidden.gain * inputRate * HIDDEN_MEAN);
    for (let q = 0; q < w1.length; q++) w1[q] = (init.normal() + HIDDEN_MEAN) * s1;
    if (loihi) quantise(w1, w1);
    w1q.set(w1);
    // Hidden activity on the first samples (output weights still 0), from a stream of its own.
    const probe = new Rng(plan.seed, SNN_STREAMS.probe);
    let hiddenSpikes = 0;
    const k = Math.min(m, CALIBRATION_SAMPLES);
    for (let i = 0; i < k; i++) {
      poissonEncode(probe, x, i, 1, nIn, T, inSpikes, snn.encoderGain);
      runSample(-1, false, false);
      for (let q = 0; q < T * H; q++) hiddenSpikes += hSpikes[q]!;
    }
    const perStep = Math.max(1e-3, hiddenSpikes / (k * T));
    wRef = Math.min(wMax, output.threshold / (output.gain * perStep));
    for (let q = 0; q < w2.length; q++) w2[q] = init.uniform() * W_INIT * wRef;
    ctx.log(
      'info',
      `three_factor: ${H} hidden ${hl.neuron!.kind} neurons, fixed random input weights (scale ${s1.toPrecision(3)}; ` +
        `${(perStep / H / dt).toFixed(1)} Hz mean hidden rate), ${C} outputs learning by reward-modulated STDP ` +
        `(tau_e ${(snn.tauE * 1e3).toFixed(0)} ms, eta ${eta}, w_ref ${wRef.toPrecision(3)}, weights in [0, ${wMax}]` +
        `${loihi ? `, deployed as ${bits}-bit integers on loihiStep` : ''})`,
    );
  };
  let evalRng = new Rng(plan.seed, SNN_STREAMS.evalEncode);
  const activity = coreActivity(plan);
  const labelBuf = new Uint8Array(1);
  const score = (label: number): BatchResult => {
    predict();
    labelBuf[0] = label;
    return softmaxCrossEntropy(logits, labelBuf, 1, C, null);
  };
  // Training-time trials run without the loihi path even after a deploy (float training).
  const setDeployed = (on: boolean) => {
    hidden.useLoihi = on && loihi;
    output.useLoihi = on && loihi;
  };

  return {
    trainBatch(x, labels, m): BatchResult {
      setDeployed(false);
      if (!calibrated) calibrate(x, m);
      let loss = 0;
      let correct = 0;
      for (let i = 0; i < m; i++) {
        poissonEncode(trainRng, x, i, 1, nIn, T, inSpikes, snn.encoderGain);
        runSample(labels[i]!, true, false);
        // The teacher drives the label neuron during learning, so the training accuracy is scored
        // by a second pass over the same input spikes without teacher and without learning.
        runSample(-1, false, false);
        const r = score(labels[i]!);
        loss += r.loss;
        correct += r.correct;
      }
      return { loss, correct };
    },
    deploy() {
      // The chip's weights: integers at the core's precision (Loihi), else the float weights.
      quantise(w2, w2q);
      evalRng = new Rng(plan.seed, SNN_STREAMS.evalEncode);
      activity.reset();
    },
    inferBatch(x, labels, m): BatchResult {
      setDeployed(true);
      let loss = 0;
      let correct = 0;
      for (let i = 0; i < m; i++) {
        poissonEncode(evalRng, x, i, 1, nIn, T, inSpikes, snn.encoderGain);
        runSample(-1, false, false);
        activity.add(0, hSpikes, T, H);
        activity.add(1, oSpikes, T, C);
        activity.sample();
        const r = score(labels[i]!);
        loss += r.loss;
        correct += r.correct;
      }
      setDeployed(false);
      return { loss, correct };
    },
    epochMetrics() {
      return activity.metrics();
    },
    artifacts(test): LearnerArtifact[] {
      setDeployed(true);
      const rng = new Rng(plan.seed, SNN_STREAMS.recordEncode);
      let result: LearnerArtifact | null = null;
      for (const i of recordCandidates(test)) {
        poissonEncode(rng, test.images, i, 1, nIn, T, inSpikes, snn.encoderGain);
        runSample(-1, false, true);
        predict();
        let arg = 0;
        for (let k = 1; k < C; k++) if (logits[k]! > logits[arg]!) arg = k;
        result = recordArtifact(plan, {
          sample: i,
          label: test.labels[i]!,
          predicted: arg,
          input: Uint8Array.from(inSpikes),
          layers: [
            {
              name: hl.name,
              neurons: H,
              neuronsPerCore: neuronsPerCore(plan, 0),
              spikes: hSpikes,
              membrane: hMem,
            },
            {
              name: ol.name,
              neurons: C,
              neuronsPerCore: neuronsPerCore(plan, 1),
              spikes: oSpikes,
              membrane: oMem,
            },
          ],
        });
        if (arg === test.labels[i]) break;
      }
      setDeployed(false);
      return result ? [result] : [];
    },
  };
}
