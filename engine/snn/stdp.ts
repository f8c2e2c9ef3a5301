// Pair-based STDP with pre- and postsynaptic traces (all-to-all pairing), in discrete time.
//
// Each presynaptic neuron i keeps a trace x_i and each postsynaptic neuron j a trace y_j:
//   x_i ← x_i·exp(−dt/τ+) (+1 at a pre spike),   y_j ← y_j·exp(−dt/τ−) (+1 at a post spike).
// At a post spike of j every synapse ji is potentiated by A+·x_i; at a pre spike of i every
// synapse ji is depressed by A−·y_j (Morrison, Diesmann & Gerstner 2008, Biol. Cybern. 98:459,
// "Phenomenological models of synaptic plasticity", eq. for all-to-all pair STDP). A pre→post
// pair at Δt = t_post − t_pre > 0 thus gives +A+·exp(−Δt/τ+), a post→pre pair −A−·exp(−Δt/τ−).
//
// Order inside one step (Lava's learning engine: a dependency reads the trace at its spike's time
// step, after that step's impulses, lava-nc/lava src/lava/magma/core/model/py/connection.py,
// _compute_trace_histories / _extract_applier_evaluated_traces; learning-rule.ts does the same, so
// a rule string reproduces this module):
//   1. decay the traces by one step;
//   2. add this step's spikes to the traces;
//   3. apply the pairings. A pre and a post spike in the same step thus pair both ways, net
//      A+ − A− (in discrete time an input spike that makes its target fire in the same step is
//      the causal pair, counted as potentiation and, by symmetry, as depression).
// Weights are [post][pre] row-major (nPost × nPre), as the rest of the engine stores W·x.
// Equations, sources and the measured curves: docs/engine-snn-local-rules.md.

/** Parameters of pair-based STDP. Times in seconds. */
export interface StdpParams {
  /** Potentiation amplitude A+ (weight units per pairing). */
  aPlus: number;
  /** Depression amplitude A− (weight units per pairing). */
  aMinus: number;
  /** Presynaptic trace time constant τ+ (s): the potentiation window. */
  tauPlus: number;
  /** Postsynaptic trace time constant τ− (s): the depression window. */
  tauMinus: number;
  /** Hard weight bounds applied after each step's update (weight units). */
  wMin: number;
  wMax: number;
}

/**
 * Defaults. Windows τ+ = 16.8 ms and τ− = 33.7 ms: Bi & Poo 2001 (Annu. Rev. Neurosci. 24:139),
 * exponential fits to the hippocampal-culture data of Bi & Poo 1998 (J. Neurosci. 18:10464), as
 * tabulated by Morrison et al. 2008. Amplitudes A+ = 0.005 and A− = 1.05·A+ (depression slightly
 * dominant): Song, Miller & Abbott 2000 (Nat. Neurosci. 3:919), relative to a maximum weight of 1.
 */
export const DEFAULT_STDP: Readonly<StdpParams> = {
  aPlus: 0.005,
  aMinus: 0.00525,
  tauPlus: 16.8e-3,
  tauMinus: 33.7e-3,
  wMin: 0,
  wMax: 1,
};

/**
 * The traces and the pairing update of pair-based STDP for one nPre → nPost projection.
 * No allocation per step; spike vectors are 0/1 bytes.
 */
export class PairStdp {
  /** Presynaptic traces x_i (length nPre). */
  readonly xPre: Float32Array;
  /** Postsynaptic traces y_j (length nPost). */
  readonly yPost: Float32Array;
  readonly params: Readonly<StdpParams>;
  private readonly decayPre: number;
  private readonly decayPost: number;

  /**
   * @param dt the time step (s)
   */
  constructor(
    readonly nPre: number,
    readonly nPost: number,
    dt: number,
    params: Partial<StdpParams> = {},
  ) {
    if (!(dt > 0)) throw new RangeError(`PairStdp: dt must be > 0 s, got ${dt}`);
    const p = { ...DEFAULT_STDP, ...params };
    if (!(p.tauPlus > 0) || !(p.tauMinus > 0)) {
      throw new RangeError(`PairStdp: tauPlus and tauMinus must be > 0 s, got ${p.tauPlus}, ${p.tauMinus}`);
    }
    if (!(p.wMax >= p.wMin)) throw new RangeError(`PairStdp: wMax (${p.wMax}) < wMin (${p.wMin})`);
    this.params = p;
    this.decayPre = Math.exp(-dt / p.tauPlus);
    this.decayPost = Math.exp(-dt / p.tauMinus);
    this.xPre = new Float32Array(nPre);
    this.yPost = new Float32Array(nPost);
  }

  /** Clears both traces (e.g. between trials separated by a long pause). */
  reset(): void {
    this.xPre.fill(0);
    this.yPost.fill(0);
  }

  /**
   * One time step: decays the traces, adds this step's spikes to them, then adds
   * scale·(STDP pairings) to `target` (nPost × nPre, weights or an eligibility trace). Returns the
   * number of synapses touched (for event counts).
   */
  accumulate(pre: Uint8Array, post: Uint8Array, target: Float32Array, scale = 1): number {
    const { nPre, nPost, xPre, yPost } = this;
    const dp = this.decayPre;
    const dq = this.decayPost;
    for (let i = 0; i < nPre; i++) xPre[i]! *= dp;
    for (let j = 0; j < nPost; j++) yPost[j]! *= dq;
    for (let i = 0; i < nPre; i++) if (pre[i] !== 0) xPre[i]! += 1;
    for (let j = 0; j < nPost; j++) if (post[j] !== 0) yPost[j]! += 1;
    const ap = scale * this.params.aPlus;
    const am = scale * this.params.aMinus;
    let touched = 0;
    // Potentiation: rows of the post neurons that spiked.
    for (let j = 0; j < nPost; j++) {
      if (post[j] === 0) continue;
      const row = j * nPre;
      for (let i = 0; i < nPre; i++) target[row + i]! += ap * xPre[i]!;
      touched += nPre;
    }
    // Depression: columns of the pre neurons that spiked.
    for (let i = 0; i < nPre; i++) {
      if (pre[i] === 0) continue;
      for (let j = 0; j < nPost; j++) target[j * nPre + i]! -= am * yPost[j]!;
      touched += nPost;
    }
    return touched;
  }

  /** One step applied to the weights `w` (nPost × nPre), then clipped to [wMin, wMax]. */
  step(pre: Uint8Array, post: Uint8Array, w: Float32Array): number {
    const touched = this.accumulate(pre, post, w);
    if (touched > 0) clipTouched(w, pre, post, this.nPre, this.nPost, this.params.wMin, this.params.wMax);
    return touched;
  }
}

/** Clips to [lo, hi] the rows of spiking post neurons and the columns of spiking pre neurons. */
function clipTouched(
  w: Float32Array,
  pre: Uint8Array,
  post: Uint8Array,
  nPre: number,
  nPost: number,
  lo: number,
  hi: number,
): void {
  for (let j = 0; j < nPost; j++) {
    if (post[j] === 0) continue;
    const row = j * nPre;
    for (let i = 0; i < nPre; i++) w[row + i] = Math.min(hi, Math.max(lo, w[row + i]!));
  }
  for (let i = 0; i < nPre; i++) {
    if (pre[i] === 0) continue;
    for (let j = 0; j < nPost; j++) w[j * nPre + i] = Math.min(hi, Math.max(lo, w[j * nPre + i]!));
  }
}

/**
 * The continuous STDP window W(Δt), Δt = t_post − t_pre in seconds: A+·exp(−Δt/τ+) for Δt > 0,
 * −A−·exp(Δt/τ−) for Δt < 0, and A+ − A− at Δt = 0 (a same-step pair counts both ways, see the
 * order above).
 */
export function stdpWindow(deltaT: number, params: Partial<StdpParams> = {}): number {
  const p = { ...DEFAULT_STDP, ...params };
  if (deltaT > 0) return p.aPlus * Math.exp(-deltaT / p.tauPlus);
  if (deltaT < 0) return -p.aMinus * Math.exp(deltaT / p.tauMinus);
  return p.aPlus - p.aMinus;
}
