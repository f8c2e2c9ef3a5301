// Exponential moving average as TensorBoard draws it: debiased, so the first points are not
// pulled towards zero, and weighted per point (the smoothing slider is the EMA's weight).

/** Smooths values with weight in [0, 1): 0 leaves them as they are. Non-finite values pass through. */
export function emaSmooth(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return [...values];
  const w = Math.min(weight, 0.999);
  let last = 0;
  let debias = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * w + (1 - w) * v;
    debias = debias * w + (1 - w);
    return last / debias;
  });
}
