// Three-factor learning: STDP charges an eligibility trace, a third factor turns it into a weight
// change (SCIENCE.md; Frémaux & Gerstner 2016, Front. Neural Circuits 9:85, "Neuromodulated
// spike-timing-dependent plasticity, and theory of three-factor learning rules"; Izhikevich 2007,
// Cereb. Cortex 17:2443, for the reward-modulated STDP form):
//   de_ji/dt = −e_ji/τ_e + STDP_ji(pre, post)        (pair-based STDP from ./stdp.ts)
//   ΔW_ji    = η · M(t) · e_ji                         (M: reward or neuromodulator, broadcast)
// Discrete time: e ← e·exp(−dt/τ_e) + (this step's STDP pairings); M arrives when the reward does.
//
// The reward task (a two-armed bandit, ./tasks.ts) is played by a small spiking agent: a cue
// population of Poisson inputs projects with plastic weights onto two action populations of LIF
// neurons that inhibit each other; the population with more spikes in a trial is the action. The
// modulator is the reward prediction error M = r − r̄ with r̄ a running mean of the reward
// (Frémaux & Gerstner 2016: without the baseline, reward-modulated STDP learns the mean reward's
// sign rather than the better action). Docs and curves: docs/engine-snn-local-rules.md.
import { Rng } from '../sim/rng';
import type { LifConstants } from './neurons';
import { PairStdp, type StdpParams } from './stdp';
import { TwoArmedBandit } from './tasks';

export interface ThreeFactorParams {
  /** STDP that charges the eligibility trace (its bounds wMin/wMax bound the weights). */
  stdp: Partial<StdpParams>;
  /** Eligibility time constant τ_e (s). */
  tauE: number;
  /** Learning rate η (weight units per unit of M·e). */
  eta: number;
}

/** An nPre → nPost projection with eligibility traces. Arrays are [post][pre] row-major. */
export class ThreeFactorSynapses {
  /** Eligibility traces e_ji. */
  readonly e: Float32Array;
  readonly stdp: PairStdp;
  private readonly decayE: number;
  private readonly eta: number;

  constructor(
    readonly nPre: number,
    readonly nPost: number,
    dt: number,
    params: ThreeFactorParams,
  ) {
    if (!(params.tauE > 0))
      throw new RangeError(`ThreeFactorSynapses: tauE must be > 0 s, got ${params.tauE}`);
    this.stdp = new PairStdp(nPre, nPost, dt, params.stdp);
    this.e = new Float32Array(nPre * nPost);
    this.decayE = Math.exp(-dt / params.tauE);
    this.eta = params.eta;
  }

  /** Clears the eligibility and STDP traces. */
  reset(): void {
    this.e.fill(0);
    this.stdp.reset();
  }

  /** One step: decays e and adds this step's STDP pairings to it. */
  step(pre: Uint8Array, post: Uint8Array): void {
    const e = this.e;
    const d = this.decayE;
    for (let q = 0; q < e.length; q++) e[q]! *= d;
    this.stdp.accumulate(pre, post, e);
  }

  /** Applies the third factor: w += η·M·e, clipped to the STDP weight bounds. */
  modulate(m: number, w: Float32Array): void {
    const { e } = this;
    const k = this.eta * m;
    if (k === 0) return;
    const lo = this.stdp.params.wMin;
    const hi = this.stdp.params.wMax;
    for (let q = 0; q < w.length; q++) w[q] = Math.min(hi, Math.max(lo, w[q]! + k * e[q]!));
  }
}

export interface BanditAgentOptions {
  trials: number;
  seed: number;
  /** Cue (input) channels and their Poisson rate (Hz). */
  inputs: number;
  inputRate: number;
  /** LIF neurons per action population (two populations). */
  perAction: number;
  /** Steps per trial and step (s). */
  steps: number;
  dt: number;
  neuron: Pick<LifConstants, 'beta' | 'threshold' | 'reset' | 'refractorySteps'>;
  /** Inhibition from each spike of the other population (threshold units, subtracted next step). */
  inhibition: number;
  /** Initial weights uniform in [0, wInit). */
  wInit: number;
  rule: ThreeFactorParams;
  rewardProbability: [number, number];
  /** Running-mean rate of the reward baseline r̄ (per trial). */
  baselineRate: number;
}

/**
 * Defaults: τ_m = 20 ms (as e-prop's neurons), 1 ms steps, 100-step trials, τ_e = 50 ms (as
 * examples/loihi-three-factor.nfab: the trace must outlast the trial up to the reward at its end).
 * The STDP window for the eligibility has Bi & Poo's time constants but A− = 0.5·A+, so that it is
 * potentiation-dominated (A+τ+ > A−τ−): with the depression-dominated default of stdp.ts the
 * uncorrelated pairs dominate, e becomes ∝ −rate, and the sign of learning flips (measured, see
 * docs/engine-snn-local-rules.md). Sizes, rates, η and the inhibition: our choices.
 */
export const DEFAULT_BANDIT_AGENT: Readonly<BanditAgentOptions> = {
  trials: 300,
  seed: 1,
  inputs: 50,
  inputRate: 20,
  perAction: 10,
  steps: 100,
  dt: 1e-3,
  neuron: { beta: Math.exp(-1e-3 / 20e-3), threshold: 1, reset: 0, refractorySteps: 2 },
  inhibition: 0.2,
  wInit: 0.1,
  rule: {
    stdp: { aPlus: 0.005, aMinus: 0.0025, tauPlus: 16.8e-3, tauMinus: 33.7e-3, wMin: 0, wMax: 0.2 },
    tauE: 50e-3,
    eta: 0.3,
  },
  rewardProbability: [0.8, 0.2],
  baselineRate: 0.1,
};

export interface BanditRunResult {
  /** Per trial: the action (0/1), whether it was the better arm, the reward. */
  actions: Uint8Array;
  choseBetter: Uint8Array;
  rewards: Uint8Array;
  /** Spikes of each action population per trial, [trial][action]. */
  actionSpikes: Uint32Array;
  /** Mean weight onto each action population after each trial, [trial][action]. */
  meanWeight: Float32Array;
  betterArm: 0 | 1;
}

/** Plays the two-armed bandit with a spiking agent that learns by the three-factor rule. */
export function runBanditAgent(options: Partial<BanditAgentOptions> = {}): BanditRunResult {
  const o: BanditAgentOptions = { ...DEFAULT_BANDIT_AGENT, ...options };
  const rng = new Rng(o.seed, 201); // cue spikes and ties
  const wRng = new Rng(o.seed, 202); // initial weights
  const bandit = new TwoArmedBandit(o.rewardProbability, new Rng(o.seed, 203));
  const nPre = o.inputs;
  const nPost = 2 * o.perAction;
  const w = new Float32Array(nPre * nPost);
  for (let q = 0; q < w.length; q++) w[q] = wRng.uniform() * o.wInit;
  const syn = new ThreeFactorSynapses(nPre, nPost, o.dt, o.rule);
  const pre = new Uint8Array(nPre);
  const post = new Uint8Array(nPost);
  const v = new Float32Array(nPost);
  const refr = new Int32Array(nPost);
  const pIn = o.inputRate * o.dt;
  const { beta, threshold, reset, refractorySteps } = o.neuron;
  const res: BanditRunResult = {
    actions: new Uint8Array(o.trials),
    choseBetter: new Uint8Array(o.trials),
    rewards: new Uint8Array(o.trials),
    actionSpikes: new Uint32Array(2 * o.trials),
    meanWeight: new Float32Array(2 * o.trials),
    betterArm: bandit.betterArm,
  };
  let baseline = 0.5; // no knowledge: the mean of the two arms' rewards under a random choice
  for (let trial = 0; trial < o.trials; trial++) {
    syn.reset();
    v.fill(0);
    refr.fill(0);
    post.fill(0);
    const count = [0, 0];
    for (let t = 0; t < o.steps; t++) {
      for (let i = 0; i < nPre; i++) pre[i] = rng.uniform() < pIn ? 1 : 0;
      // Lateral inhibition from last step's spikes of the other population.
      let last0 = 0;
      let last1 = 0;
      for (let j = 0; j < o.perAction; j++) last0 += post[j]!;
      for (let j = o.perAction; j < nPost; j++) last1 += post[j]!;
      for (let j = 0; j < nPost; j++) {
        const other = j < o.perAction ? last1 : last0;
        let a = beta * v[j]! - o.inhibition * other;
        const row = j * nPre;
        for (let i = 0; i < nPre; i++) if (pre[i] !== 0) a += w[row + i]!;
        v[j] = a;
      }
      for (let j = 0; j < nPost; j++) {
        if (refr[j]! > 0) {
          refr[j]!--;
          v[j] = reset;
          post[j] = 0;
          continue;
        }
        if (v[j]! >= threshold) {
          post[j] = 1;
          v[j] = reset;
          refr[j] = refractorySteps;
          count[j < o.perAction ? 0 : 1]!++;
        } else {
          post[j] = 0;
        }
      }
      syn.step(pre, post);
    }
    const action: 0 | 1 = count[0]! > count[1]! ? 0 : count[1]! > count[0]! ? 1 : rng.uniform() < 0.5 ? 0 : 1;
    const r = bandit.pull(action);
    const m = r - baseline;
    syn.modulate(m, w);
    baseline += o.baselineRate * (r - baseline);
    res.actions[trial] = action;
    res.choseBetter[trial] = action === bandit.betterArm ? 1 : 0;
    res.rewards[trial] = r;
    res.actionSpikes[2 * trial] = count[0]!;
    res.actionSpikes[2 * trial + 1] = count[1]!;
    for (let a = 0; a < 2; a++) {
      let s = 0;
      for (let j = a * o.perAction; j < (a + 1) * o.perAction; j++) {
        for (let i = 0; i < nPre; i++) s += w[j * nPre + i]!;
      }
      res.meanWeight[2 * trial + a] = s / (o.perAction * nPre);
    }
  }
  return res;
}

/** Fraction of ones in bits[from, to). */
export function fractionIn(bits: Uint8Array, from: number, to: number): number {
  let s = 0;
  for (let q = from; q < to; q++) s += bits[q]!;
  return s / Math.max(1, to - from);
}
