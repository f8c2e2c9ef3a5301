// Float spiking neurons: the per-step constants of a neuron model (lifConstants) and, below, the
// discrete LIF / CUBA-LIF updates over a whole population. Loihi's fixed-point CUBA neuron is in
// ./loihi.ts. Equations, sources and the choices made are in docs/engine-snn-neurons.md.
import { neuronParam } from '../dsl/neuron-defaults';
import type { NeuronModel } from '../ir/model';

/** Per-time-step constants of a LIF-type neuron, for a given step dt. */
export interface LifConstants {
  /** Membrane decay per step, exp(-dt / tau_mem). */
  beta: number;
  /** Synaptic-current decay per step, exp(-dt / tau_syn); 0 for plain lif (no synaptic state). */
  alpha: number;
  /** Firing threshold (V, normalised: the DSL default is 1). */
  threshold: number;
  /** Membrane potential after a spike when resetting to a value (V). */
  reset: number;
  /** Steps during which a neuron that just spiked neither integrates nor spikes. */
  refractorySteps: number;
}

/**
 * The per-step constants of `neuron` for a step of `dt` seconds.
 * - lif / cuba_lif: beta = exp(-dt/tau_mem), alpha = exp(-dt/tau_syn) (cuba_lif) or 0 (lif),
 *   threshold = v_th, reset = v_reset, refractorySteps = round(refractory / dt).
 * - loihi_cuba: the float reading of Lava's fixed-point neuron (its integer parameters are per
 *   step, so dt only has to be positive): beta = (4096 - dv)/4096, alpha = (4096 - du - 1)/4096,
 *   threshold = vth and reset = 0 in units of the integer input a_in, refractorySteps = refractory.
 *   For the bit-accurate neuron use ./loihi.ts.
 * Throws for non-spiking kinds, for adex (not a LIF), and for dt <= 0.
 */
export function lifConstants(neuron: NeuronModel, dt: number): LifConstants {
  if (!(dt > 0) || !Number.isFinite(dt)) {
    throw new RangeError(`lifConstants: time step dt must be a positive number of seconds, got ${dt}`);
  }
  switch (neuron.kind) {
    case 'lif':
    case 'cuba_lif': {
      const tauMem = neuronParam(neuron, 'tau_mem');
      if (!(tauMem > 0)) throw new RangeError(`neuron '${neuron.name}': tau_mem must be > 0, got ${tauMem}`);
      let alpha = 0;
      if (neuron.kind === 'cuba_lif') {
        const tauSyn = neuronParam(neuron, 'tau_syn');
        if (!(tauSyn > 0))
          throw new RangeError(`neuron '${neuron.name}': tau_syn must be > 0, got ${tauSyn}`);
        alpha = Math.exp(-dt / tauSyn);
      }
      return {
        beta: Math.exp(-dt / tauMem),
        alpha,
        threshold: neuronParam(neuron, 'v_th'),
        reset: neuronParam(neuron, 'v_reset'),
        refractorySteps: Math.round(neuronParam(neuron, 'refractory') / dt),
      };
    }
    case 'loihi_cuba':
      return {
        beta: (4096 - neuronParam(neuron, 'dv')) / 4096,
        // Lava adds Loihi 1's ds_offset = 1 to du (AbstractPyLifModelFixed.subthr_dynamics).
        alpha: (4096 - (neuronParam(neuron, 'du') + 1)) / 4096,
        threshold: neuronParam(neuron, 'vth'),
        reset: 0,
        refractorySteps: Math.round(neuronParam(neuron, 'refractory')),
      };
    case 'adex':
      throw new Error(
        `lifConstants: neuron '${neuron.name}' is adex (adaptive exponential), not a LIF; it has no LIF constants`,
      );
    default:
      throw new Error(
        `lifConstants: neuron '${neuron.name}' is ${neuron.kind}, a graded (non-spiking) neuron; spiking kinds are lif, cuba_lif, loihi_cuba`,
      );
  }
}

/**
 * How a spike resets the membrane.
 * - 'subtract' (snnTorch Leaky / Synaptic default, reset_mechanism="subtract", reset_delay=True):
 *   the threshold is taken off at the NEXT step's update, v[t] = beta v[t-1] + I[t] - theta s[t-1],
 *   so the stored v is snnTorch's `mem` (the value the spike was read from, before its reset).
 * - 'value' (NIR LIF / CubaLIF, Lava, Norse): v is set to v_reset right after it crosses.
 */
export type ResetMode = 'subtract' | 'value';

export interface LifStepOptions {
  /** Default 'subtract' (snnTorch's default and the DSL's lif summary, v[t+1] = beta v + I - theta s). */
  reset?: ResetMode;
  /** Scale on the input current before it enters the neuron (e.g. NIR's R (1 - beta)); default 1. */
  inputGain?: number;
}

/** State of a population of n LIF / CUBA-LIF neurons (n may be batch x units, any flat layout). */
export interface LifState {
  /** Membrane potential (V). In 'subtract' mode before the pending reset (snnTorch's mem). */
  v: Float32Array;
  /** Synaptic current (V per step, already in membrane units); equals the last input for plain lif. */
  syn: Float32Array;
  /** Refractory steps left; while > 0 the membrane neither integrates nor spikes. */
  refractory: Int32Array;
  /** Spikes of the last step (0/1); in 'subtract' mode also the reset due at the next step. */
  spikes: Uint8Array;
}

export function createLifState(n: number): LifState {
  return {
    v: new Float32Array(n),
    syn: new Float32Array(n),
    refractory: new Int32Array(n),
    spikes: new Uint8Array(n),
  };
}

/** Back to rest: v = 0 (NIR v_leak = 0), no current, not refractory, no spike pending. */
export function resetLifState(state: LifState, v0 = 0): void {
  state.v.fill(v0);
  state.syn.fill(0);
  state.refractory.fill(0);
  state.spikes.fill(0);
}

/**
 * One time step of n = state.v.length LIF (c.alpha = 0) or CUBA-LIF neurons, in place:
 *   syn[t] = alpha syn[t-1] + g I[t]                      (CUBA; with alpha = 0 simply g I[t])
 *   v[t]   = beta v[t-1] + syn[t]  (- theta s[t-1] in 'subtract' mode)
 *   s[t]   = v[t] > theta                                 (strict, as snnTorch's Heaviside and Lava)
 *   'value' mode: v[t] <- v_reset where s[t] = 1.
 * This is snnTorch's Synaptic / Leaky discretisation (the current of step t enters v in step t,
 * without a (1 - beta) factor); see docs/engine-snn-neurons.md for NIR's continuous form and
 * the mapping. Refractory: a neuron that spikes at t skips integration of v for the next
 * c.refractorySteps steps (v held, no spike; in 'subtract' mode the pending threshold is still
 * taken off at the first of them); syn keeps integrating its input, as in Lava's LIFRefractory.
 * `input` is read from input[inputOffset .. inputOffset + n). Returns the number of spikes.
 */
export function lifStep(
  c: LifConstants,
  state: LifState,
  input: Float32Array,
  inputOffset = 0,
  options: LifStepOptions = {},
): number {
  const subtract = (options.reset ?? 'subtract') === 'subtract';
  const gain = options.inputGain ?? 1;
  const { beta, alpha, threshold, reset, refractorySteps } = c;
  const { v, syn, refractory, spikes } = state;
  const n = v.length;
  let count = 0;
  for (let k = 0; k < n; k++) {
    const current = alpha * syn[k]! + gain * input[inputOffset + k]!;
    syn[k] = current;
    const pending = subtract ? spikes[k]! * threshold : 0;
    if (refractory[k]! > 0) {
      refractory[k] = refractory[k]! - 1;
      v[k] = v[k]! - pending;
      spikes[k] = 0;
      continue;
    }
    let vk = beta * v[k]! + current - pending;
    if (vk > threshold) {
      spikes[k] = 1;
      count++;
      refractory[k] = refractorySteps;
      if (!subtract) vk = reset;
    } else {
      spikes[k] = 0;
    }
    v[k] = vk;
  }
  return count;
}
