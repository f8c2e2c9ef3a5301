// Float spiking neurons: the per-step constants of a neuron model (lifConstants) and, below, the
// discrete LIF / CUBA-LIF updates over a whole population. Loihi's fixed-point CUBA neuron is in
// ./loihi.ts. Equations, sources and the choices made are in docs/engine-snn-neurons.md.
import { NEURON_TABLE } from '../dsl/neuron-defaults';
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

/** A parameter of `neuron` by its DSL name, or the kind's default from neuron-defaults.ts. */
function param(neuron: NeuronModel, name: string): number {
  const own = neuron.params[name];
  if (own !== undefined) return own;
  const row = NEURON_TABLE[neuron.kind].rows.find((r) => r.spec.name === name);
  if (!row) throw new Error(`neuron '${neuron.name}' (${neuron.kind}) has no parameter '${name}'`);
  return row.value;
}

/**
 * The per-step constants of `neuron` for a step of `dt` seconds.
 * - lif / cuba_lif: beta = exp(-dt/tau_mem), alpha = exp(-dt/tau_syn) (cuba_lif) or 0 (lif),
 *   threshold = v_th, reset = v_reset, refractorySteps = round(refractory / dt).
 * - loihi_cuba: the float reading of Lava's fixed-point neuron (its integer parameters are per
 *   step, so dt only has to be positive): beta = (4096 - dv)/4096, alpha = (4096 - du)/4096,
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
      const tauMem = param(neuron, 'tau_mem');
      if (!(tauMem > 0)) throw new RangeError(`neuron '${neuron.name}': tau_mem must be > 0, got ${tauMem}`);
      let alpha = 0;
      if (neuron.kind === 'cuba_lif') {
        const tauSyn = param(neuron, 'tau_syn');
        if (!(tauSyn > 0))
          throw new RangeError(`neuron '${neuron.name}': tau_syn must be > 0, got ${tauSyn}`);
        alpha = Math.exp(-dt / tauSyn);
      }
      return {
        beta: Math.exp(-dt / tauMem),
        alpha,
        threshold: param(neuron, 'v_th'),
        reset: param(neuron, 'v_reset'),
        refractorySteps: Math.round(param(neuron, 'refractory') / dt),
      };
    }
    case 'loihi_cuba':
      return {
        beta: (4096 - param(neuron, 'dv')) / 4096,
        alpha: (4096 - param(neuron, 'du')) / 4096,
        threshold: param(neuron, 'vth'),
        reset: 0,
        refractorySteps: Math.round(param(neuron, 'refractory')),
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
