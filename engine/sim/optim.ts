// Optimisers on the float "master" parameters (the devices are re-programmed from them each step).
import type { OptimizerConfig } from '../ir/model';

export interface Optimizer {
  /** One update of `param` from its gradient `grad` (same length). `slot` identifies the tensor. */
  step(slot: number, param: Float32Array, grad: Float32Array): void;
  /**
   * Call once per batch, before the tensors' steps, with the learning rate for this batch (the
   * schedule applied). Adam's bias correction counts these calls.
   */
  beginStep(lr: number): void;
}

/**
 * Learning rate of batch `t` of `total` (0-based). Cosine annealing to zero (Loshchilov & Hutter
 * 2017, without restarts): one epoch of MNIST at a constant rate ends on a noisy iterate; the
 * decay is what takes 784-256-10 past 97% in one epoch (docs/simulation.md).
 */
export function scheduledLr(cfg: OptimizerConfig, t: number, total: number): number {
  if ((cfg.schedule ?? 'constant') === 'constant' || total <= 1) return cfg.lr;
  return cfg.lr * 0.5 * (1 + Math.cos((Math.PI * t) / total));
}

/** SGD with classical momentum, PyTorch form: v ← μ·v + g; w ← w − lr·v. */
class Sgd implements Optimizer {
  private readonly velocity: Float32Array[] = [];
  private lr = 0;
  constructor(private readonly momentum: number) {}
  beginStep(lr: number): void {
    this.lr = lr;
  }
  step(slot: number, w: Float32Array, g: Float32Array): void {
    const { lr, momentum } = this;
    if (momentum === 0) {
      for (let i = 0; i < w.length; i++) w[i]! -= lr * g[i]!;
      return;
    }
    let v = this.velocity[slot];
    if (!v) {
      v = new Float32Array(w.length);
      this.velocity[slot] = v;
    }
    for (let i = 0; i < w.length; i++) {
      const vi = momentum * v[i]! + g[i]!;
      v[i] = vi;
      w[i]! -= lr * vi;
    }
  }
}

/** Adam (Kingma & Ba 2015) with β1 from the config (`momentum`, DSL `beta1`), β2 = 0.999, ε = 1e-8. */
class Adam implements Optimizer {
  constructor(private readonly beta1: number) {}
  private readonly m: Float32Array[] = [];
  private readonly v: Float32Array[] = [];
  private t = 0;
  private c1 = 1;
  private c2 = 1;
  private lr = 0;
  beginStep(lr: number): void {
    this.lr = lr;
    this.t++;
    this.c1 = 1 - this.beta1 ** this.t;
    this.c2 = 1 - 0.999 ** this.t;
  }
  step(slot: number, w: Float32Array, g: Float32Array): void {
    let m = this.m[slot];
    let v = this.v[slot];
    if (!m || !v) {
      m = new Float32Array(w.length);
      v = new Float32Array(w.length);
      this.m[slot] = m;
      this.v[slot] = v;
    }
    const a = this.lr / this.c1;
    const c2 = this.c2;
    const b1 = this.beta1;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      const mi = b1 * m[i]! + (1 - b1) * gi;
      const vi = 0.999 * v[i]! + 0.001 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i]! -= (a * mi) / (Math.sqrt(vi / c2) + 1e-8);
    }
  }
}

export function createOptimizer(cfg: OptimizerConfig): Optimizer {
  return cfg.kind === 'adam' ? new Adam(cfg.momentum) : new Sgd(cfg.momentum);
}
