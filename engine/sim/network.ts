// A dense network whose every layer is an analog crossbar layer: forward through the devices,
// softmax cross-entropy, and backprop with straight-through gradients to the float master weights.
import { CrossbarLayer } from './crossbar';
import type { Kernels } from './kernels';
import type { LayerPlan } from './plan';
import type { Rng } from './rng';

interface LayerState {
  plan: LayerPlan;
  xbar: CrossbarLayer;
  /** Master weights (k×n) and bias (n), and their gradients. */
  w: Float32Array;
  b: Float32Array;
  gw: Float32Array;
  gb: Float32Array;
  /** Pre-activation, activation and the gradient at the pre-activation (maxBatch×n each). */
  z: Float32Array;
  a: Float32Array;
  dz: Float32Array;
  /** Gradient with respect to this layer's input (maxBatch×k); unused for the first layer. */
  dx: Float32Array;
}

export class AnalogNetwork {
  readonly layers: LayerState[];
  private readonly probs: Float32Array;

  constructor(
    plans: LayerPlan[],
    readonly maxBatch: number,
    private readonly kernels: Kernels,
    initRng: Rng,
    stuckRng: Rng,
  ) {
    this.layers = plans.map((plan, l) => {
      const { inputs: k, units: n } = plan;
      const w = new Float32Array(k * n);
      // He init for ReLU layers, Xavier (Glorot normal) otherwise.
      const std = plan.activation === 'relu' ? Math.sqrt(2 / k) : Math.sqrt(2 / (k + n));
      initRng.fillNormal(w, std);
      return {
        plan,
        xbar: new CrossbarLayer(plan, maxBatch, kernels, stuckRng),
        w,
        b: new Float32Array(n),
        gw: new Float32Array(k * n),
        gb: new Float32Array(n),
        z: new Float32Array(maxBatch * n),
        a: new Float32Array(maxBatch * n),
        dz: new Float32Array(maxBatch * n),
        dx: new Float32Array(l === 0 ? 0 : maxBatch * k),
      };
    });
    this.probs = new Float32Array(maxBatch * plans[plans.length - 1]!.units);
  }

  /** Writes every layer's master weights to its devices (one programming, fresh noise). */
  program(rng: Rng): void {
    for (const L of this.layers) L.xbar.program(L.w, rng);
  }

  /** Forward pass of m samples; returns the logits buffer (m×classes, valid rows only). */
  forward(x: Float32Array, m: number, readRng: Rng): Float32Array {
    let input = x;
    for (const L of this.layers) {
      const n = L.plan.units;
      L.xbar.forward(input, m, L.z, readRng);
      if (L.plan.bias) {
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) L.z[i * n + j]! += L.b[j]!;
      }
      activate(L.plan.activation, L.z, L.a, m * n);
      input = L.a;
    }
    return input;
  }

  /**
   * Softmax cross-entropy of the last forward pass: returns the summed loss and the number
   * correct, and leaves dL/dlogits (mean over the batch) in the last layer's dz input.
   */
  loss(labels: Uint8Array, m: number, wantGrad: boolean): { loss: number; correct: number } {
    const last = this.layers[this.layers.length - 1]!;
    const c = last.plan.units;
    const logits = last.a;
    const p = this.probs;
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < m; i++) {
      const row = i * c;
      let max = logits[row]!;
      let arg = 0;
      for (let j = 1; j < c; j++) {
        if (logits[row + j]! > max) {
          max = logits[row + j]!;
          arg = j;
        }
      }
      let sum = 0;
      for (let j = 0; j < c; j++) {
        const e = Math.exp(logits[row + j]! - max);
        p[row + j] = e;
        sum += e;
      }
      const y = labels[i]!;
      loss += Math.log(sum) - (logits[row + y]! - max);
      if (arg === y) correct++;
      if (wantGrad) {
        const inv = 1 / (sum * m);
        for (let j = 0; j < c; j++) p[row + j] = p[row + j]! * inv - (j === y ? 1 / m : 0);
      }
    }
    return { loss, correct };
  }

  /**
   * Backprop of the gradient left by `loss`. Straight-through: the device effects (quantisation,
   * noise, clipping) are treated as identity, so the weight gradient Xᵀ·dZ goes to the master
   * weights; the error is sent back through the weights as programmed (D·W_deviceᵀ, the transposed
   * read of the same array), without read noise or converters.
   */
  backward(x: Float32Array, m: number): void {
    const { kernels } = this;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const L = this.layers[l]!;
      const { inputs: k, units: n, activation } = L.plan;
      const upstream = l === this.layers.length - 1 ? this.probs : this.layers[l + 1]!.dx;
      activationGrad(activation, upstream, L.z, L.a, L.dz, m * n);
      const input = l === 0 ? x : this.layers[l - 1]!.a;
      kernels.gemmTN(m, n, k, input, k, L.dz, n, L.gw, n, false);
      L.gb.fill(0);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) L.gb[j]! += L.dz[i * n + j]!;
      if (l > 0) kernels.gemmNT(m, n, k, L.dz, n, L.xbar.weights, n, L.dx, k, false);
    }
  }
}

function activate(kind: LayerPlan['activation'], z: Float32Array, a: Float32Array, len: number): void {
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
    default:
      throw new Error(`activation '${kind}' is not implemented by the dense network yet`);
  }
}

/** dz = da ⊙ f'(z), with f' written in terms of z or a as convenient. */
function activationGrad(
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
      dz.set(da.subarray(0, len));
      break;
    default:
      throw new Error(`activation '${kind}' is not implemented by the dense network yet`);
  }
}
