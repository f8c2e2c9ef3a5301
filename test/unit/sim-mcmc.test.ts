// MCMC learning with device-drawn proposals (Dalgaty et al. 2021): the acceptance rule, the SET
// proposal's mean and spread, reproducibility, and learning a 2-D task above chance.
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../engine/data';
import { jsKernels } from '../../engine/sim/kernels';
import { isWeightLayer, type LayerPlan, type TrainingPlan } from '../../engine/sim/plan';
import { deviceModel, mlpPlan } from '../../engine/sim/presets';
import { Rng } from '../../engine/sim/rng';
import {
  acceptProposal,
  createMcmcLearnerWith,
  MCMC_DEFAULTS,
  McmcNetwork,
  type McmcSettings,
} from '../../engine/sim/rules/mcmc';
import { sampleSetConductance } from '../../engine/sim/switching';
import { train } from '../../engine/sim/train';

/** 2-h-2 on 64×64 differential tiles of a stochastic memristor with SET spread `ctoc`. */
function plan(ctoc: number, hidden = 16, o: Partial<TrainingPlan> = {}): TrainingPlan {
  const device = deviceModel({
    name: 'stoch_mem',
    kind: 'stochastic_memristor',
    gMin: 1e-6,
    gMax: 1e-4,
    readNoise: 0.01,
    update: { dwMin: 0.001, upDown: 0, dtod: 0, ctoc, softBounds: false, nonlinearity: 0, wMin: -1, wMax: 1 },
  });
  const p = mlpPlan({
    hidden: [hidden],
    activation: 'tanh',
    device,
    tile: { rows: 64, cols: 64, adcBits: 8 },
    rule: 'mcmc',
  });
  const layers = p.layers.filter(isWeightLayer) as LayerPlan[];
  layers[0]!.inputs = 2;
  layers[1]!.units = 2;
  for (const l of layers) {
    l.tile.rowBlocks = 1;
    l.tile.colBlocks = 1;
  }
  return {
    ...p,
    inputShape: [2],
    inputSize: 2,
    classes: 2,
    dataset: { kind: 'builtin', name: 'synthetic_moons' },
    ...o,
  };
}

function network(p: TrainingPlan, settings: Partial<McmcSettings> = {}) {
  return new McmcNetwork(
    p.layers.filter(isWeightLayer),
    { ...MCMC_DEFAULTS, ...settings },
    16,
    jsKernels,
    new Rng(1, 122),
    new Rng(1, 3),
  );
}

describe('acceptance rule', () => {
  it('accepts every improvement and a worse proposal with probability exp(Δℓ)', () => {
    expect(acceptProposal(0.5, 0.999)).toBe(true);
    expect(acceptProposal(0, 1)).toBe(true);
    // Δℓ = −1: exp(−1) = 0.36788
    expect(acceptProposal(-1, 0.3678)).toBe(true);
    expect(acceptProposal(-1, 0.368)).toBe(false);
    expect(acceptProposal(-50, 1e-10)).toBe(false); // log u = −23 > −50
    expect(acceptProposal(-50, 1e-30)).toBe(true); // log u = −69 < −50
    // Frequency over uniform draws: 20,000 trials at exp(−0.7) = 0.4966, σ = 0.0035.
    const rng = new Rng(9, 0);
    let n = 0;
    for (let i = 0; i < 20000; i++) if (acceptProposal(-0.7, rng.uniformOpen())) n++;
    expect(Math.abs(n / 20000 - Math.exp(-0.7))).toBeLessThan(0.015);
  });

  it('a step keeps a proposal that raises the likelihood and undoes one that lowers it (hand-built)', () => {
    const net = network(plan(0.3, 4));
    net.resetConductances(0.5); // all weights 0: p(y|x) = ½ for both classes
    const x = new Float32Array([0.2, 0.9]);
    const y = Uint8Array.of(1);
    const read = new Rng(2, 5);
    const ll0 = net.logLikelihood(x, y, 1, read);
    expect(ll0).toBeCloseTo(Math.log(0.5), 2);
    // Steps until one proposal has been rejected: the state must then be what it was before it.
    const before = new Float32Array(net.snapshotLength);
    const after = new Float32Array(net.snapshotLength);
    let ll = ll0;
    const c2c = new Rng(3, 120);
    const acc = new Rng(3, 121);
    let sawReject = false;
    let sawAccept = false;
    for (let s = 0; s < 200 && !(sawReject && sawAccept); s++) {
      net.snapshot(before);
      const accepted = net.accepted;
      ll = net.step(x, y, 1, ll, c2c, acc, read);
      net.snapshot(after);
      if (net.accepted === accepted) {
        sawReject = true;
        expect(after).toEqual(before);
      } else {
        sawAccept = true;
      }
    }
    expect(sawReject && sawAccept).toBe(true);
    expect(net.proposed).toBeGreaterThan(1);
  });
});

describe('SET proposals', () => {
  it('draw each device around its conductance with σ = ctoc of the window, from the c2c stream', () => {
    const ctoc = 0.05;
    const net = network(plan(ctoc, 16), { proposalSize: 1 });
    net.resetConductances(0.5);
    // An empty batch has log-likelihood 0 for every state: every proposal is accepted, so after
    // one sweep each device holds exactly one SET draw.
    const x = new Float32Array(0);
    const y = new Uint8Array(0);
    const c2c = new Rng(4, 120);
    for (let s = 0; s < net.params; s++) net.step(x, y, 0, 0, c2c, new Rng(4, 121), new Rng(4, 5));
    expect(net.accepted).toBe(net.params);
    const g = net.layers.flatMap((L) => [...L.g]);
    const n = g.length; // (3·16 + 17·2)·2 = 164 devices
    const mean = g.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(g.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    // Mean within 4 standard errors; std within 20% (χ² with 163 dof: ±11% at 2σ).
    expect(Math.abs(mean - 0.5)).toBeLessThan((4 * ctoc) / Math.sqrt(n));
    expect(std / ctoc).toBeGreaterThan(0.8);
    expect(std / ctoc).toBeLessThan(1.2);
    // The same draws, in the same order, as sampleSetConductance on the device stream.
    const replay = new Rng(4, 120);
    const expected = net.layers.map((L) => new Float32Array(L.g.length));
    let li = 0;
    let p = 0;
    for (let s = 0; s < net.params; s++) {
      const L = net.layers[li]!;
      for (let d = 0; d < 2; d++) expected[li]![2 * p + d] = sampleSetConductance(0.5, ctoc, replay);
      p++;
      if (p === (L.plan.inputs + 1) * L.plan.units) {
        li++;
        p = 0;
      }
    }
    for (const [l, L] of net.layers.entries()) expect(L.g).toEqual(expected[l]);
  });
});

describe('MCMC learner', () => {
  async function run(ctoc: number, seed = 7) {
    const p = plan(ctoc, 16, { epochs: 3, batch: 100, seed, trainLimit: 1000, testLimit: 400 });
    const data = {
      train: loadDataset(p.dataset, 'train', 1000, p.seed),
      test: loadDataset(p.dataset, 'test', 400, p.seed),
    };
    const points: Record<string, number[]> = {};
    const learner = createMcmcLearnerWith({ stepsPerBatch: 20, ensembleSize: 50 })({
      plan: p,
      kernels: jsKernels,
      maxBatch: 256,
      totalSteps: 30,
      log: () => {},
    });
    const r = await train(p, data, {
      kernels: jsKernels,
      learner,
      onMetrics: (ps) => {
        for (const q of ps) {
          points[q.key] ??= [];
          points[q.key]!.push(q.value);
        }
      },
    });
    return { r, points };
  }

  it('learns two moons well above chance, with acceptance rate and ensemble metrics', async () => {
    const { r, points } = await run(0.5);
    expect(r.metrics.test_accuracy).toBeGreaterThan(0.75); // chance: 0.5
    expect(points.acceptance_rate).toHaveLength(3);
    for (const a of points.acceptance_rate!) {
      expect(a).toBeGreaterThan(0);
      expect(a).toBeLessThan(1);
    }
    // 3 epochs × 10 batches × 20 steps = 600; 300 after burn-in, thinned every 6 → 50 samples.
    expect(r.metrics.ensemble_size).toBe(50);
  });

  it('is bit-identical for a seed and differs for another', async () => {
    const a = await run(0.5, 3);
    const b = await run(0.5, 3);
    const c = await run(0.5, 4);
    expect(a.r.metrics).toMatchObject({
      test_accuracy: b.r.metrics.test_accuracy,
      test_loss: b.r.metrics.test_loss,
    });
    expect(a.points.acceptance_rate).toEqual(b.points.acceptance_rate);
    expect(c.r.metrics.test_loss).not.toBe(a.r.metrics.test_loss);
  });
});
