// Convolution on crossbars by im2col, and the pooling stage.
//
// A conv2d layer with c_in input channels, kernel K and c_out output channels is a dense layer of
// (c_in·K·K) inputs and c_out units applied to every input patch: its weight matrix (row
// q = c·K·K + ky·K + kx, column o) sits on the crossbar exactly as a dense layer's, and one
// forward pass is one MVM of m·H_out·W_out patch rows (the "im2col" lowering; Chellapilla et al.
// 2006, and how crossbar simulators map convolutions: aihwkit AnalogConv2d, NeuroSim). Activations
// between stages are kept per sample in [channel, row, column] order, the order of `flatten`.
//
// Everything here is a plain loop over typed arrays, writing into caller-owned buffers (no
// allocation per batch).
import type { PoolPlan } from './plan';

export interface ConvGeometry {
  inShape: [number, number, number];
  outShape: [number, number, number];
  kernel: number;
  stride: number;
  padding: number;
}

/** Output size of one spatial dimension: ⌊(size + 2·padding − kernel)/stride⌋ + 1. */
export function convOutputSize(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/** Throws unless outShape is what inShape, kernel, stride and padding give. */
export function checkConvGeometry(g: ConvGeometry, name: string): void {
  const [, h, w] = g.inShape;
  const ho = convOutputSize(h, g.kernel, g.stride, g.padding);
  const wo = convOutputSize(w, g.kernel, g.stride, g.padding);
  if (ho < 1 || wo < 1 || g.outShape[1] !== ho || g.outShape[2] !== wo) {
    throw new Error(
      `conv2d layer "${name}": a ${g.kernel}×${g.kernel} kernel, stride ${g.stride}, padding ${g.padding} ` +
        `on ${g.inShape.join('×')} gives ${ho}×${wo} outputs, not ${g.outShape[1]}×${g.outShape[2]}.`,
    );
  }
}

/**
 * Patch rows of m samples: x is m × (C·H·W), cols is (m·H_out·W_out) × (C·K·K). Row
 * i·P + oy·W_out + ox holds the patch under output pixel (oy, ox) of sample i; positions in the
 * zero padding read 0.
 */
export function im2col(g: ConvGeometry, x: Float32Array, m: number, cols: Float32Array): void {
  const [c, h, w] = g.inShape;
  const [, ho, wo] = g.outShape;
  const { kernel: kk, stride: s, padding: pad } = g;
  const k = c * kk * kk;
  const inSize = c * h * w;
  let r = 0;
  for (let i = 0; i < m; i++) {
    const xi = i * inSize;
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++, r++) {
        let q = r * k;
        for (let ch = 0; ch < c; ch++) {
          const xc = xi + ch * h * w;
          for (let ky = 0; ky < kk; ky++) {
            const y = oy * s - pad + ky;
            if (y < 0 || y >= h) {
              cols.fill(0, q, q + kk);
              q += kk;
              continue;
            }
            const xr = xc + y * w;
            for (let kx = 0; kx < kk; kx++, q++) {
              const xx = ox * s - pad + kx;
              cols[q] = xx >= 0 && xx < w ? x[xr + xx]! : 0;
            }
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: dx (m × C·H·W) = Σ over patches of dcols, each entry back where it was read. */
export function col2im(g: ConvGeometry, dcols: Float32Array, m: number, dx: Float32Array): void {
  const [c, h, w] = g.inShape;
  const [, ho, wo] = g.outShape;
  const { kernel: kk, stride: s, padding: pad } = g;
  const k = c * kk * kk;
  const inSize = c * h * w;
  dx.fill(0, 0, m * inSize);
  let r = 0;
  for (let i = 0; i < m; i++) {
    const xi = i * inSize;
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++, r++) {
        let q = r * k;
        for (let ch = 0; ch < c; ch++) {
          const xc = xi + ch * h * w;
          for (let ky = 0; ky < kk; ky++) {
            const y = oy * s - pad + ky;
            if (y < 0 || y >= h) {
              q += kk;
              continue;
            }
            const xr = xc + y * w;
            for (let kx = 0; kx < kk; kx++, q++) {
              const xx = ox * s - pad + kx;
              if (xx >= 0 && xx < w) dx[xr + xx]! += dcols[q]!;
            }
          }
        }
      }
    }
  }
}

/** (m·P) × n patch-major rows (the MVM's output) → m × (n·P) channel-major activations. */
export function rowsToChannels(rows: Float32Array, m: number, p: number, n: number, out: Float32Array): void {
  for (let i = 0; i < m; i++) {
    const ri = i * p * n;
    const oi = i * n * p;
    for (let pix = 0; pix < p; pix++) {
      const r = ri + pix * n;
      for (let o = 0; o < n; o++) out[oi + o * p + pix] = rows[r + o]!;
    }
  }
}

/** The inverse of rowsToChannels: m × (n·P) → (m·P) × n. */
export function channelsToRows(ch: Float32Array, m: number, p: number, n: number, out: Float32Array): void {
  for (let i = 0; i < m; i++) {
    const ri = i * p * n;
    const ci = i * n * p;
    for (let o = 0; o < n; o++) {
      const c = ci + o * p;
      for (let pix = 0; pix < p; pix++) out[ri + pix * n + o] = ch[c + pix]!;
    }
  }
}

/** Throws unless the pool's outShape follows from its inShape, window and stride (no padding). */
export function checkPoolGeometry(p: PoolPlan): void {
  const [c, h, w] = p.inShape;
  const ho = convOutputSize(h, p.size, p.stride, 0);
  const wo = convOutputSize(w, p.size, p.stride, 0);
  if (p.outShape[0] !== c || p.outShape[1] !== ho || p.outShape[2] !== wo) {
    throw new Error(
      `pool "${p.name}": a ${p.size}×${p.size} window, stride ${p.stride} on ${p.inShape.join('×')} ` +
        `gives ${c}×${ho}×${wo}, not ${p.outShape.join('×')}.`,
    );
  }
}

/**
 * Pooling per channel over size×size windows (digital, in the periphery). `max` records in
 * `argmax` the input index each output came from, for the backward pass; `avg` is the mean and
 * `sum` the plain sum of the window.
 */
export function poolForward(
  p: PoolPlan,
  x: Float32Array,
  m: number,
  out: Float32Array,
  argmax: Int32Array | null,
): void {
  const [c, h, w] = p.inShape;
  const [, ho, wo] = p.outShape;
  const { size, stride } = p;
  const inSize = c * h * w;
  const outSize = c * ho * wo;
  const scale = p.op === 'avg' ? 1 / (size * size) : 1;
  for (let i = 0; i < m; i++) {
    for (let ch = 0; ch < c; ch++) {
      const xc = i * inSize + ch * h * w;
      const oc = i * outSize + ch * ho * wo;
      for (let oy = 0; oy < ho; oy++) {
        for (let ox = 0; ox < wo; ox++) {
          const o = oc + oy * wo + ox;
          const base = xc + oy * stride * w + ox * stride;
          if (p.op === 'max') {
            let best = base;
            let v = x[base]!;
            for (let dy = 0; dy < size; dy++) {
              for (let dx = 0; dx < size; dx++) {
                const idx = base + dy * w + dx;
                if (x[idx]! > v) {
                  v = x[idx]!;
                  best = idx;
                }
              }
            }
            out[o] = v;
            argmax![o] = best - i * inSize;
          } else {
            let s = 0;
            for (let dy = 0; dy < size; dy++) for (let dx = 0; dx < size; dx++) s += x[base + dy * w + dx]!;
            out[o] = s * scale;
          }
        }
      }
    }
  }
}

/** The pool's backward pass: dx (m × inSize) from the gradient d at its outputs (m × outSize). */
export function poolBackward(
  p: PoolPlan,
  d: Float32Array,
  m: number,
  dx: Float32Array,
  argmax: Int32Array | null,
): void {
  const [c, h, w] = p.inShape;
  const [, ho, wo] = p.outShape;
  const { size, stride } = p;
  const inSize = c * h * w;
  const outSize = c * ho * wo;
  const scale = p.op === 'avg' ? 1 / (size * size) : 1;
  dx.fill(0, 0, m * inSize);
  for (let i = 0; i < m; i++) {
    const xi = i * inSize;
    for (let ch = 0; ch < c; ch++) {
      const xc = xi + ch * h * w;
      const oc = i * outSize + ch * ho * wo;
      for (let oy = 0; oy < ho; oy++) {
        for (let ox = 0; ox < wo; ox++) {
          const o = oc + oy * wo + ox;
          if (p.op === 'max') {
            dx[xi + argmax![o]!]! += d[o]!;
          } else {
            const g = d[o]! * scale;
            const base = xc + oy * stride * w + ox * stride;
            for (let dy = 0; dy < size; dy++)
              for (let ddx = 0; ddx < size; ddx++) dx[base + dy * w + ddx]! += g;
          }
        }
      }
    }
  }
}
