// Conductance drift and temperature: the time- and temperature-dependent part of a device model.
// The engine's time axis is the time since programming t (s); t0 is the reference time at which
// programming was verified (the conductances the array holds after program() are G(t0)).

/** Temperature the conductance window is specified at (K). */
export const REFERENCE_TEMPERATURE = 300;

/**
 * Power-law drift G(t)/G(t0) = (t/t0)^−ν for t > t0, 1 before (structural relaxation of the
 * amorphous phase; Ielmini et al., IEEE TED 54(2):308, 2007; the form aihwkit's PCMLikeNoiseModel
 * uses, which counts t from t0 instead: (1 + t/t0)^−ν, 0.03% apart at one hour).
 */
export function driftFactor(t: number, t0: number, nu: number): number {
  return t > t0 ? (t / t0) ** -nu : 1;
}

/** Linear temperature dependence G(T)/G(300 K) = 1 + α·(T − 300 K), floored at 0. α in 1/K. */
export function temperatureFactor(temperature: number, tempCoeff: number): number {
  const f = 1 + tempCoeff * (temperature - REFERENCE_TEMPERATURE);
  return f > 0 ? f : 0;
}

/**
 * aihwkit GlobalDriftCompensation: one output scale per layer, the ratio of a reference readout at
 * programming to the same readout now. The readout is the mean |output| for one-hot inputs, i.e.
 * the mean |w| of the layer; here read exactly (GlobalDriftCompensationWithExactReference-like).
 */
export function globalDriftCompensation(meanAbsAtProgramming: number, meanAbsNow: number): number {
  const now = Math.max(meanAbsNow, 1e-4 * meanAbsAtProgramming);
  return now > 0 ? meanAbsAtProgramming / now : 1;
}
