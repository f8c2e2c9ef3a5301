// conv2d by im2col, pooling, and the gradients of a small conv net checked by finite differences.
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../engine/data/mnist';
import {
  type ConvGeometry,
  channelsToRows,
  col2im,
  im2col,
  poolBackward,
  poolForward,
  rowsToChannels,
} from '../../engine/sim/conv';
import { jsKernels } from '../../engine/sim/kernels';
import { AnalogNetwork } from '../../engine/sim/network';
import {
  type LayerPlan,
  type PoolPlan,
  type StagePlan,
  type TilePlan,
  tilePlan,
} from '../../engine/sim/plan';
import { convNetPlan, IDEAL_DEVICE } from '../../engine/sim/presets';
import { Rng } from '../../engine/sim/rng';
import { train } from '../../engine/sim/train';

const TILE: TilePlan = tilePlan(64, 64, { name: 't', rows: 64, cols: 64 });

function conv(
  name: string,
  inShape: [number, number, number],
  channels: number,
  kernel: number,
  stride: number,
  padding: number,
  activation: LayerPlan['activation'],
): LayerPlan {
  const ho = Math.floor((inShape[1] + 2 * padding - kernel) / stride) + 1;
  const wo = Math.floor((inShape[2] + 2 * padding - kernel) / stride) + 1;
  return {
    kind: 'conv2d',
    name,
    inputs: inShape[0] * kernel * kernel,
    units: channels,
    activation,
    bias: true,
    tile: TILE,
    device: IDEAL_DEVICE,
    conv: { inShape, outShape: [channels, ho, wo], kernel, stride, padding },
  };
}

function dense(name: string, inputs: number, units: number, activation: LayerPlan['activation']): LayerPlan {
  return { kind: 'dense', name, inputs, units, activation, bias: true, tile: TILE, device: IDEAL_DEVICE };
}

function pool(
  name: string,
  op: PoolPlan['op'],
  inShape: [number, number, number],
  size: number,
  stride: number,
): PoolPlan {
  const ho = Math.floor((inShape[1] - size) / stride) + 1;
  const wo = Math.floor((inShape[2] - size) / stride) + 1;
  return { kind: 'pool', name, op, inShape, outShape: [inShape[0], ho, wo], size, stride };
}

describe('im2col', () => {
  it('lays out 2×2 patches of a 3×3 image by hand', () => {
    const g: ConvGeometry = { inShape: [1, 3, 3], outShape: [1, 2, 2], kernel: 2, stride: 1, padding: 0 };
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const cols = new Float32Array(16);
    im2col(g, x, 1, cols);
    expect([...cols]).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
  });

  it('reads zeros in the padding and steps by the stride, channel by channel', () => {
    // 2 channels of 2×2, kernel 3, padding 1, stride 2: one output pixel... of a 2×2 image gives
    // ⌊(2 + 2 − 3)/2⌋ + 1 = 1 output per side, centred on pixel (0, 0).
    const g: ConvGeometry = { inShape: [2, 2, 2], outShape: [1, 1, 1], kernel: 3, stride: 2, padding: 1 };
    const x = Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]);
    const cols = new Float32Array(18);
    im2col(g, x, 1, cols);
    expect([...cols]).toEqual([0, 0, 0, 0, 1, 2, 0, 3, 4, 0, 0, 0, 0, 10, 20, 0, 30, 40]);
  });

  it('col2im is the adjoint of im2col: <im2col(x), y> = <x, col2im(y)>', () => {
    const g: ConvGeometry = { inShape: [3, 7, 6], outShape: [1, 3, 3], kernel: 3, stride: 2, padding: 1 };
    const m = 2;
    const rng = new Rng(5, 1);
    const x = new Float32Array(m * 3 * 7 * 6);
    const y = new Float32Array(m * 9 * 27);
    rng.fillNormal(x, 1);
    rng.fillNormal(y, 1);
    const cols = new Float32Array(y.length);
    const dx = new Float32Array(x.length);
    im2col(g, x, m, cols);
    col2im(g, y, m, dx);
    let a = 0;
    let b = 0;
    for (let i = 0; i < y.length; i++) a += cols[i]! * y[i]!;
    for (let i = 0; i < x.length; i++) b += x[i]! * dx[i]!;
    expect(a).toBeCloseTo(b, 3);
  });

  it('rowsToChannels and channelsToRows are inverse transposes', () => {
    const rows = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const ch = new Float32Array(rows.length);
    rowsToChannels(rows, 2, 3, 4, ch);
    // sample 0, channel 1, pixel 2 = row (0·3 + 2), column 1 = 2·4 + 1 = 9.
    expect(ch[1 * 3 + 2]).toBe(9);
    const back = new Float32Array(rows.length);
    channelsToRows(ch, 2, 3, 4, back);
    expect([...back]).toEqual([...rows]);
  });
});

describe('pool', () => {
  const x = Float32Array.from([1, 5, 2, 0, 3, 4, 7, 1, 0, 2, 9, 8, 6, 1, 3, 2]); // one 4×4 channel
  it.each([
    ['max', [5, 7, 6, 9]],
    ['avg', [13 / 4, 10 / 4, 9 / 4, 22 / 4]],
    ['sum', [13, 10, 9, 22]],
  ] as const)('%s pool of 2×2 windows by hand', (op, expected) => {
    const p = pool('p', op, [1, 4, 4], 2, 2);
    const out = new Float32Array(4);
    const arg = new Int32Array(4);
    poolForward(p, x, 1, out, op === 'max' ? arg : null);
    for (const [i, v] of expected.entries()) expect(out[i]).toBeCloseTo(v, 6);
    const d = Float32Array.from([1, 2, 3, 4]);
    const dx = new Float32Array(16);
    poolBackward(p, d, 1, dx, op === 'max' ? arg : null);
    if (op === 'max') {
      // Each gradient lands on its window's maximum: 5 (idx 1), 7 (6), 6 (12), 9 (10).
      expect([dx[1], dx[6], dx[12], dx[10]]).toEqual([1, 2, 3, 4]);
      expect(dx.reduce((s, v) => s + v, 0)).toBe(10);
    } else {
      const share = op === 'avg' ? 0.25 : 1;
      expect(dx[0]).toBeCloseTo(1 * share, 6);
      expect(dx[15]).toBeCloseTo(4 * share, 6);
    }
  });
});

/**
 * Finite-difference check of every parameter gradient of a network in software mode: per tensor,
 * ‖numeric − analytic‖ / ‖numeric‖ over central differences. A max pool or ReLU is not
 * differentiable where two window entries tie; an entry whose forward and backward differences
 * disagree sits on such a kink and is left out (the count of those is returned too).
 */
function gradientCheck(stages: StagePlan[], inputSize: number, m: number, seed: number) {
  const net = new AnalogNetwork(stages, m, jsKernels, new Rng(seed, 1), new Rng(seed, 3));
  const rng = new Rng(seed, 9);
  const x = new Float32Array(m * inputSize);
  rng.fillNormal(x, 1);
  for (const L of net.layers) rng.fillNormal(L.b, 0.1);
  const labels = Uint8Array.from({ length: m }, (_, i) => i % net.classes);
  const read = new Rng(seed, 5);
  const lossOf = () => {
    net.forward(x, m, read, 'software');
    return net.loss(labels, m, false).loss / m;
  };
  const f0 = lossOf();
  net.loss(labels, m, true);
  net.backward(x, m);
  const errors: number[] = [];
  let kinks = 0;
  let entries = 0;
  const h = 2e-3;
  for (const L of net.layers) {
    for (const [param, grad] of [
      [L.w, Float32Array.from(L.gw)],
      [L.b, Float32Array.from(L.gb)],
    ] as const) {
      let num2 = 0;
      let err2 = 0;
      for (let i = 0; i < param.length; i++) {
        const keep = param[i]!;
        param[i] = keep + h;
        const up = lossOf();
        param[i] = keep - h;
        const down = lossOf();
        param[i] = keep;
        const fwd = (up - f0) / h;
        const bwd = (f0 - down) / h;
        entries++;
        if (Math.abs(fwd - bwd) > 0.01 * (Math.abs(fwd) + Math.abs(bwd)) + 1e-3) {
          kinks++;
          continue;
        }
        const numeric = (up - down) / (2 * h);
        num2 += numeric * numeric;
        err2 += (numeric - grad[i]!) ** 2;
      }
      errors.push(Math.sqrt(err2 / Math.max(num2, 1e-12)));
    }
  }
  return { errors, kinkFraction: kinks / entries };
}

describe('conv net gradients (finite differences)', () => {
  it('conv (stride 2, padding 1, tanh) → avg pool → flatten → dense tanh → dense', () => {
    const c1 = conv('c1', [2, 7, 7], 3, 3, 2, 1, 'tanh'); // → 3×4×4
    const stages: StagePlan[] = [
      c1,
      pool('p', 'avg', [3, 4, 4], 2, 2), // → 3×2×2
      { kind: 'flatten', name: 'f', size: 12 },
      dense('d1', 12, 5, 'tanh'),
      dense('d2', 5, 4, 'identity'),
    ];
    const { errors, kinkFraction } = gradientCheck(stages, 2 * 7 * 7, 3, 11);
    expect(errors).toHaveLength(6);
    expect(kinkFraction).toBe(0); // tanh and avg pool: smooth everywhere
    for (const e of errors) expect(e).toBeLessThan(5e-3);
  });

  it('two convs with sigmoid and a max pool (stride 1) and a sum pool', () => {
    const stages: StagePlan[] = [
      conv('c1', [1, 6, 6], 2, 3, 1, 0, 'sigmoid'), // → 2×4×4
      pool('p1', 'max', [2, 4, 4], 2, 1), // → 2×3×3 (overlapping windows)
      conv('c2', [2, 3, 3], 3, 2, 1, 0, 'tanh'), // → 3×2×2
      pool('p2', 'sum', [3, 2, 2], 2, 2), // → 3×1×1
      { kind: 'flatten', name: 'f', size: 3 },
      dense('d', 3, 3, 'identity'),
    ];
    for (const seed of [1, 2, 3]) {
      const { errors, kinkFraction } = gradientCheck(stages, 36, 2, seed);
      expect(errors).toHaveLength(6);
      expect(kinkFraction).toBeLessThan(0.1);
      for (const e of errors) expect(e).toBeLessThan(5e-3);
    }
  });

  it('rejects a conv whose output shape does not follow from its geometry', () => {
    const bad = conv('c', [1, 6, 6], 2, 3, 1, 0, 'relu');
    bad.conv!.outShape = [2, 5, 5];
    expect(() => new AnalogNetwork([bad], 1, jsKernels, new Rng(1, 1), new Rng(1, 3))).toThrow(
      'gives 4×4 outputs, not 5×5',
    );
  });
});

describe('conv net on MNIST', () => {
  it('conv 8×3×3 → max pool → dense learns a 3k slice in 2 epochs: accuracy ≥ 0.9', async () => {
    const data = { train: loadMnist('train', 3000), test: loadMnist('test', 500) };
    const r = await train(convNetPlan({ channels: 8, epochs: 2 }), data);
    expect(r.metrics.test_accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it.each([
    ['dfa', 0.8],
    ['feedback_alignment', 0.8],
  ] as const)('%s trains the conv net too (2k slice, 1 epoch): accuracy ≥ %s', async (rule, threshold) => {
    // Measured (with 8-bit converters): 85.8% (dfa), 86.0% (feedback_alignment).
    const plan = convNetPlan({ rule });
    const net = new AnalogNetwork(plan.layers, 2, jsKernels, new Rng(1, 1), new Rng(1, 3), {
      feedback: rule,
      feedbackRng: new Rng(1, 100),
    });
    // dfa: B maps the 10 classes to all 8×28×28 conv outputs; fa: B has the dense layer's shape.
    expect(net.layers.map((L) => L.feedback?.length ?? 0)).toEqual(
      rule === 'dfa' ? [8 * 28 * 28 * 10, 0] : [0, 1568 * 10],
    );
    const data = { train: loadMnist('train', 2000), test: loadMnist('test', 500) };
    const r = await train(plan, data);
    expect(r.metrics.test_accuracy).toBeGreaterThanOrEqual(threshold);
  });
});
