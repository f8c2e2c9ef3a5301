// Optimisers on the float "master" parameters (the devices are re-programmed from them each step).
import type { OptimizerConfig } from '../ir/model';
import { type WasmRuntime, wasmRuntime } from './wasm/runtime';

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

/**
 * Tensors from this size up take the WebAssembly SIMD step: at batch 1 the update of the 200k
 * weights of 784-256-10 is the largest cost of a training step, and V8's scalar loop (≈2.5 ns an
 * element here) is several times slower than the f32x4 loop even with w and g copied in and out.
 */
const WASM_STEP_MIN = 4096;

/** SGD with classical momentum, PyTorch form: v ← μ·v + g; w ← w − lr·v. */
class Sgd implements Optimizer {
  private readonly velocity: Float32Array[] = [];
  private lr = 0;
  private readonly wasm: WasmRuntime | null;
  constructor(
    private readonly momentum: number,
    useWasm: boolean,
  ) {
    this.wasm = useWasm ? wasmRuntime() : null;
  }
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
    const rt = w.length >= WASM_STEP_MIN ? this.wasm : null;
    if (!v) {
      // The velocity lives in the kernel memory when the WASM step will use it (never copied).
      // Freed for reuse when this optimiser is collected (nothing else sees the velocity).
      v = rt ? rt.alloc(w.length, this) : new Float32Array(w.length);
      this.velocity[slot] = v;
    }
    if (rt) {
      // Same arithmetic in float32 lanes (the JS loop rounds through float64).
      rt.resetStaging();
      const pw = rt.place(w, w.length);
      const pg = rt.place(g, w.length);
      rt.exports.sgd_momentum(pw, pg, v.byteOffset, w.length, lr, momentum);
      rt.copyOut(w, pw, w.length);
      return;
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

/**
 * `useWasm` (default: when WebAssembly SIMD exists) runs large SGD steps on the SIMD kernel;
 * false keeps every step in JavaScript (the reference the tests compare against).
 */
export function createOptimizer(cfg: OptimizerConfig, useWasm = true): Optimizer {
  return cfg.kind === 'adam' ? new Adam(cfg.momentum) : new Sgd(cfg.momentum, useWasm);
}
