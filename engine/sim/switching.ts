// Stochastic switching of binary and stochastic devices, as pure functions.
//
// MTJ (STT-MRAM): thermally activated (Néel-Brown) reversal assisted by the spin-transfer current,
// in the form of Koch et al., Phys. Rev. Lett. 92:088302, 2004: the mean switching time is
//   τ = τ0·exp(Δ·(1 − I/I_c0))      (I < I_c0; Δ = E_b/k_BT the thermal stability factor)
// and a pulse of length t_p switches with probability P_sw = 1 − exp(−t_p/τ).
//
// Stochastic memristors (HfOx OxRAM): each SET draws a fresh conductance from the cycle-to-cycle
// distribution, normal in conductance (Dalgaty et al., Nat. Electron. 4:151, 2021).
import type { Rng } from './rng';

/** Attempt time τ0 of the Néel-Brown law, ~1 ns (Koch et al. 2004). */
export const MTJ_TAU0 = 1e-9;

/** Mean thermally activated switching time τ = τ0·exp(Δ·(1 − I/I_c0)) (s). */
export function mtjSwitchingTime(
  current: number,
  criticalCurrent: number,
  delta: number,
  tau0 = MTJ_TAU0,
): number {
  return tau0 * Math.exp(delta * (1 - current / criticalCurrent));
}

/** Probability that a pulse of length tPulse switches a device of mean switching time tau. */
export function switchingProbability(tPulse: number, tau: number): number {
  return -Math.expm1(-tPulse / tau);
}

/** P_sw of an MTJ for one write pulse: 1 − exp(−t_p/τ0·exp(−Δ(1 − I/I_c0))). */
export function mtjSwitchingProbability(
  tPulse: number,
  current: number,
  criticalCurrent: number,
  delta: number,
  tau0 = MTJ_TAU0,
): number {
  return switchingProbability(tPulse, mtjSwitchingTime(current, criticalCurrent, delta, tau0));
}

/**
 * One SET of a stochastic memristor in normalised conductance g̃ ∈ [0, 1]: target + N(0, ctoc),
 * clipped to [g_min, g_max]. ctoc is the cycle-to-cycle σ as a fraction of the window.
 */
export function sampleSetConductance(target: number, ctoc: number, rng: Rng): number {
  const g = target + ctoc * rng.normal();
  return g < 0 ? 0 : Math.min(g, 1);
}
