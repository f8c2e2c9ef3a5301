// Neuron activations and their derivatives, shared by every learner that runs a graded network.
import type { LayerPlan } from './plan';

/** a = f(z) for the first `len` values. */
export function activate(kind: LayerPlan['activation'], z: Float32Array, a: Float32Array, len: number): void {
  switch (kind) {
    case 'relu':
      for (let i = 0; i < len; i++) a[i] = Math.max(z[i]!, 0);
      break;
    case 'sigmoid':
      for (let i = 0; i < len; i++) a[i] = 1 / (1 + Math.exp(-z[i]!));
      break;
    case 'tanh':
      for (let i = 0; i < len; i++) a[i] = Math.tanh(z[i]!);
      break;
    case 'identity':
      a.set(z.subarray(0, len));
      break;
    case 'sign':
      // A binary neuron (sense amplifier): +1 or −1, sign(0) = +1.
      for (let i = 0; i < len; i++) a[i] = z[i]! >= 0 ? 1 : -1;
      break;
    default:
      throw new Error(`activation '${kind}' has no graded form here (relu, sigmoid, tanh, identity, sign)`);
  }
}

/** dz = da ⊙ f'(z), with f' written in terms of z or a as convenient. In place (da = dz) is fine. */
export function activationGrad(
  kind: LayerPlan['activation'],
  da: Float32Array,
  z: Float32Array,
  a: Float32Array,
  dz: Float32Array,
  len: number,
): void {
  switch (kind) {
    case 'relu':
      for (let i = 0; i < len; i++) dz[i] = z[i]! > 0 ? da[i]! : 0;
      break;
    case 'sigmoid':
      for (let i = 0; i < len; i++) dz[i] = da[i]! * a[i]! * (1 - a[i]!);
      break;
    case 'tanh':
      for (let i = 0; i < len; i++) dz[i] = da[i]! * (1 - a[i]! * a[i]!);
      break;
    case 'identity':
      if (da !== dz) dz.set(da.subarray(0, len));
      break;
    case 'sign':
      // Straight-through estimator with hardtanh gating (Courbariaux et al. 2016): the gradient
      // passes where |z| ≤ 1 and is cancelled outside.
      for (let i = 0; i < len; i++) {
        const v = z[i]!;
        dz[i] = v <= 1 && v >= -1 ? da[i]! : 0;
      }
      break;
    default:
      throw new Error(`activation '${kind}' has no graded form here (relu, sigmoid, tanh, identity, sign)`);
  }
}
