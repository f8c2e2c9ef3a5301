// IBM aihwkit's statistical PCM model (PCMLikeNoiseModel, src/aihwkit/inference/noise/pcm.py),
// fitted on measured devices by Nandakumar et al., ICECS 2019, and used in Joshi et al., Nat.
// Commun. 11:2473, 2020. All forms are functions of the relative conductance x = G/g_max with
// g_max = 25 µS in the fit; aihwkit rescales the programming polynomial to other g_max linearly.

/** g_max the aihwkit fits are expressed against (S). */
export const PCM_FIT_G_MAX = 25e-6;
/** aihwkit PCMLikeNoiseModel.prog_coeff: σ_prog(x) = c0 + c1·x + c2·x² in µS at g_max = 25 µS. */
export const PCM_PROG_COEFF = [0.26348, 1.965, -1.1731] as const;
/** aihwkit PCMLikeNoiseModel t_read: the 1/f fit's read time (s). */
export const PCM_T_READ = 250e-9;
/** aihwkit PCMLikeNoiseModel t_0: reference time of the drift fit (s). */
export const PCM_T0 = 20;
/** Lower clamp of aihwkit's mean drift exponent: the ν a PCM `drift { nu }` block is measured against. */
export const PCM_NU_REFERENCE = 0.049;
/** aihwkit's _ZERO_CLIP: x is clamped from below before the logarithms. */
const ZERO_CLIP = 1e-7;

/** Programming-noise σ (µS at g_max = 25 µS) of a device programmed to x = G/g_max. */
export function pcmProgramSigmaUs(x: number): number {
  return PCM_PROG_COEFF[0] + PCM_PROG_COEFF[1] * x + PCM_PROG_COEFF[2] * x * x;
}

/**
 * σ_prog(x) relative to its value at mid-range x = ½ (0.952705 µS, 3.81% of 25 µS). The engine
 * scales this shape so that σ at mid-range equals the device's program_noise × window, like
 * aihwkit's prog_noise_scale; program_noise = 3.81% reproduces aihwkit exactly.
 */
export function pcmProgramSigmaShape(x: number): number {
  return pcmProgramSigmaUs(x) / pcmProgramSigmaUs(0.5);
}

/** Mean drift exponent ν(x) = clamp(−0.0155·ln x + 0.0244, 0.049, 0.1) (aihwkit). */
export function pcmNuMean(x: number): number {
  const v = -0.0155 * Math.log(Math.max(Math.abs(x), ZERO_CLIP)) + 0.0244;
  return v < 0.049 ? 0.049 : Math.min(v, 0.1);
}

/** Device-to-device spread of ν: σ_ν(x) = clamp(−0.0125·ln x − 0.0059, 0.008, 0.045) (aihwkit). */
export function pcmNuStd(x: number): number {
  const v = -0.0125 * Math.log(Math.max(Math.abs(x), ZERO_CLIP)) - 0.0059;
  return v < 0.008 ? 0.008 : Math.min(v, 0.045);
}

/**
 * Growth of the accumulated 1/f read noise: aihwkit's σ_1/f ∝ √ln((t + t_read)/(2·t_read)),
 * referenced to t0 (the DSL's read_noise is the value at t0), and 1 up to t0 (nothing changes
 * before the reference time). t and t0 in seconds.
 */
export function pcmReadNoiseGrowth(t: number, t0: number = PCM_T0, tRead: number = PCM_T_READ): number {
  if (!(t > t0)) return 1;
  return Math.sqrt(Math.log((t + tRead) / (2 * tRead)) / Math.log((t0 + tRead) / (2 * tRead)));
}

/**
 * aihwkit's accumulated 1/f noise of a device read at time t after programming, relative to its
 * drifted conductance: σ = q_s(x)·√ln((t + t_read)/(2·t_read)), q_s = min(0.0088/max(x^0.65, 1e-3),
 * 0.2), x = G_prog/g_max. aihwkit's t is counted from the end of programming plus t0.
 */
export function pcmAccumulatedNoise(x: number, t: number, tRead: number = PCM_T_READ): number {
  const qs = Math.min(0.0088 / Math.max(Math.abs(x) ** 0.65, 1e-3), 0.2);
  return qs * Math.sqrt(Math.log((t + tRead) / (2 * tRead)));
}
