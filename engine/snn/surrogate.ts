// Surrogate gradients for the spike nonlinearity (Neftci, Mostafa & Zenke 2019).
//
// Forward: the spike is a Heaviside step of x = v - threshold (S = 1 when x >= 0, as snnTorch's
// `heaviside` with `mem - threshold`). Backward: its derivative (a Dirac delta) is replaced by a
// smooth pseudo-derivative dS/dx of one of three shapes. Every function here takes x = v - th, in
// the same units as the membrane potential (the trainers use a dimensionless membrane with th = 1).

export type SurrogateKind = 'fast_sigmoid' | 'atan' | 'triangle';

export const SURROGATE_KINDS: readonly SurrogateKind[] = ['fast_sigmoid', 'atan', 'triangle'];

/**
 * Default slope of each kind, with its source.
 * - fast_sigmoid: snnTorch `surrogate.fast_sigmoid(slope=25)` (Zenke & Ganguli 2018, SuperSpike):
 *   dS/dx = 1 / (slope·|x| + 1)².
 * - atan: snnTorch `surrogate.atan(alpha=2.0)` (Fang et al. 2021):
 *   dS/dx = (alpha/2) / (1 + (π/2·alpha·x)²).
 * - triangle: Bellec et al. 2020 (e-prop), pseudo-derivative γ·max(0, 1 − |x|/th) with dampening
 *   factor γ = 0.3. Here `slope` is γ; the width is the threshold, passed separately (default 1).
 */
export const DEFAULT_SURROGATE_SLOPE: Readonly<Record<SurrogateKind, number>> = {
  fast_sigmoid: 25,
  atan: 2,
  triangle: 0.3,
};

/** Forward spike: Heaviside of x = v − th (a spike when the membrane reaches the threshold). */
export function heaviside(x: number): number {
  return x >= 0 ? 1 : 0;
}

/**
 * Pseudo-derivative dS/dx of the spike with respect to x = v − threshold.
 * `slope` defaults to DEFAULT_SURROGATE_SLOPE[kind]; `threshold` (only the triangle uses it, as
 * its half-width, Bellec et al. 2020) defaults to 1.
 */
export function surrogateGrad(
  kind: SurrogateKind,
  x: number,
  slope: number = DEFAULT_SURROGATE_SLOPE[kind],
  threshold = 1,
): number {
  switch (kind) {
    case 'fast_sigmoid': {
      const d = slope * Math.abs(x) + 1;
      return 1 / (d * d);
    }
    case 'atan': {
      const u = (Math.PI / 2) * slope * x;
      return slope / 2 / (1 + u * u);
    }
    case 'triangle': {
      const r = 1 - Math.abs(x) / threshold;
      return r > 0 ? slope * r : 0;
    }
  }
}

/**
 * The smooth function whose derivative is the surrogate (useful for checks and plots):
 * fast_sigmoid: x / (1 + slope·|x|) (snnTorch's forward of the "fast sigmoid", without offset,
 * scaled so its derivative is 1/(slope|x|+1)²); atan: (1/π)·atan(π/2·alpha·x) + 1/2;
 * triangle: the piecewise quadratic integral of the triangle, 0 at x = −th.
 */
export function surrogatePrimitive(
  kind: SurrogateKind,
  x: number,
  slope: number = DEFAULT_SURROGATE_SLOPE[kind],
  threshold = 1,
): number {
  switch (kind) {
    case 'fast_sigmoid':
      return x / (1 + slope * Math.abs(x));
    case 'atan':
      return Math.atan((Math.PI / 2) * slope * x) / Math.PI + 0.5;
    case 'triangle': {
      const th = threshold;
      const c = Math.min(Math.max(x, -th), th);
      // ∫_{−th}^{c} γ(1 − |u|/th) du
      const area = c <= 0 ? ((c + th) * (c + th)) / (2 * th) : th / 2 + c - (c * c) / (2 * th);
      return slope * area;
    }
  }
}

/** Vectorised pseudo-derivative: out[i] = surrogateGrad(kind, x[i], slope, threshold). */
export function surrogateGradInto(
  kind: SurrogateKind,
  x: Float32Array,
  out: Float32Array,
  n: number,
  slope: number = DEFAULT_SURROGATE_SLOPE[kind],
  threshold = 1,
): void {
  if (kind === 'fast_sigmoid') {
    for (let i = 0; i < n; i++) {
      const d = slope * Math.abs(x[i]!) + 1;
      out[i] = 1 / (d * d);
    }
  } else if (kind === 'atan') {
    const k = (Math.PI / 2) * slope;
    const a = slope / 2;
    for (let i = 0; i < n; i++) {
      const u = k * x[i]!;
      out[i] = a / (1 + u * u);
    }
  } else {
    const inv = 1 / threshold;
    for (let i = 0; i < n; i++) {
      const r = 1 - Math.abs(x[i]!) * inv;
      out[i] = r > 0 ? slope * r : 0;
    }
  }
}

/** Parse a DSL `surrogate` value; undefined for anything that is not one of the kinds. */
export function parseSurrogateKind(name: string | undefined): SurrogateKind | undefined {
  return SURROGATE_KINDS.find((k) => k === name);
}
