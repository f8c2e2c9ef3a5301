// NIR neurons are continuous-time ODEs; the studio's LIF neurons are discrete (one update per
// step dt). This module holds the relations between the two, in one place, both ways.
//
// NIR LIF (nir/ir/neuron.py):   tau dv/dt = (v_leak - v) + R I,   spike when v > v_threshold,
//                               then v <- v_reset.
// Studio lif (engine/snn/neurons.ts lifConstants, neuron-defaults.ts):
//                               v[t+1] = beta v[t] + I[t],   beta = exp(-dt / tau_mem).
//
// 'exact' (zero-order hold: I constant over a step, the ODE solved exactly):
//     v[t+1] = v_leak + beta (v[t] - v_leak) + (1 - beta) R I[t]
//            = beta v[t] + (1 - beta) (R I[t] + v_leak),      beta = exp(-dt / tau)
//   so the studio's input current is I_studio = g I + (1 - beta) v_leak with gain g = (1 - beta) R.
// 'euler' (forward Euler, what snnTorch and Norse step with):
//     v[t+1] = v[t] + dt/tau ((v_leak - v[t]) + R I[t]) = (1 - dt/tau) v[t] + dt/tau (R I[t] + v_leak)
//   so beta = 1 - dt/tau (the studio's tau_mem is then -dt / ln(1 - dt/tau)) and g = (dt/tau) R.
//
// NIR CubaLIF adds a synaptic current: tau_syn dI/dt = -I + w_in S. The studio's cuba_lif is
//     i[t+1] = alpha i[t] + I_in[t],   v[t+1] = beta v[t] + i[t+1],   alpha = exp(-dt / tau_syn)
// (snnTorch Synaptic's order). Each stage gets the gain of its own ODE, (1 - alpha) w_in and
// (1 - beta) R (Euler: dt/tau_syn w_in and dt/tau_mem R). That splits the two-state system into
// two one-state updates (exact per stage, not for the pair: the current is taken at the end of the
// step); a non-zero CubaLIF v_leak has no exact place in it and is refused.

export type Discretisation = 'exact' | 'euler';
export const DISCRETISATIONS: readonly Discretisation[] = ['exact', 'euler'];

/** Per-step decay of a NIR time constant tau for step dt. */
export function decay(tau: number, dt: number, how: Discretisation): number {
  if (how === 'exact') return Math.exp(-dt / tau);
  const d = 1 - dt / tau;
  if (!(d > 0)) {
    throw new RangeError(
      `forward Euler needs dt < tau (dt = ${dt} s, tau = ${tau} s); use a smaller --dt or --discretisation exact`,
    );
  }
  return d;
}

/** Gain from a NIR input (R I or w_in S) to the studio's per-step increment. */
export function stepGain(tau: number, dt: number, how: Discretisation): number {
  return how === 'exact' ? 1 - Math.exp(-dt / tau) : dt / tau;
}

/** The studio's tau (beta = exp(-dt/tau_studio)) for a NIR tau under `how`. */
export function studioTau(tau: number, dt: number, how: Discretisation): number {
  return how === 'exact' ? tau : -dt / Math.log(decay(tau, dt, how));
}

/** The NIR tau that `how` maps onto the studio's tau (inverse of studioTau). */
export function nirTau(tauStudio: number, dt: number, how: Discretisation): number {
  return how === 'exact' ? tauStudio : dt / (1 - Math.exp(-dt / tauStudio));
}
