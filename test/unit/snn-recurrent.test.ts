import { describe, expect, it } from 'vitest';
import { Rng } from '../../engine/sim/rng';
import {
  buildRecurrentLif,
  driveCdf,
  driveTable,
  lifNeuron,
  RECURRENT_STREAMS,
  type RecurrentLifNet,
  recurrentLifFromSynapses,
  simulateRecurrentLif,
} from '../../engine/snn/recurrent';
import { RECURRENT_WASM_BASE64 } from '../../engine/snn/wasm/recurrent-wasm.generated';
// @ts-expect-error: plain ESM build script without type declarations
import { compileSnnKernel } from '../../scripts/build-snn-wasm.mjs';

const dt = 1e-4;
const tau = 10e-3;
const beta = Math.exp(-dt / tau);
const neuron = (refractory = 0) => lifNeuron('t', { tauMem: tau, vTh: 1, vReset: 0, refractory });

describe('recurrent LIF network: hand-computed dynamics', () => {
  it('exact integration: a free membrane decays by exp(-dt/tau) per step', () => {
    const net = recurrentLifFromSynapses(1, [], neuron());
    for (const k of [1, 7, 100]) {
      const r = simulateRecurrentLif(net, { steps: k, dt, seed: 1, initialV: [0.9] });
      expect(r.v[0]).toBeCloseTo(0.9 * Math.exp((-k * dt) / tau), 14);
    }
    expect(simulateRecurrentLif(net, { steps: 1, dt, seed: 1, initialV: [0.9] }).v[0]).toBe(0.9 * beta);
  });

  it('3 neurons: a spike at step t reaches its targets at t + 1 with its weight (then decays)', () => {
    // 0 -> 1 (w 2: makes 1 fire), 0 -> 2 (w 0.3), 1 -> 2 (w -0.1).
    const net = recurrentLifFromSynapses(
      3,
      [
        { pre: 0, post: 1, weight: 2 },
        { pre: 0, post: 2, weight: 0.3 },
        { pre: 1, post: 2, weight: -0.1 },
      ],
      neuron(),
    );
    const at = (steps: number) =>
      simulateRecurrentLif(net, { steps, dt, seed: 1, initialV: [1.5, 0, 0], record: true });
    // Step 0: v0 = 1.5 beta > 1, neuron 0 fires and resets to 0.
    const s0 = at(1);
    expect(Array.from(s0.spikeSteps!)).toEqual([0]);
    expect(Array.from(s0.spikeIds!)).toEqual([0]);
    expect(Array.from(s0.v)).toEqual([0, 0, 0]);
    // Step 1: the spike arrives: v1 = beta (0 + 2) > 1 fires; v2 = beta (0 + 0.3) (weights are float32).
    const s1 = at(2);
    expect(Array.from(s1.spikeSteps!)).toEqual([0, 1]);
    expect(Array.from(s1.spikeIds!)).toEqual([0, 1]);
    const w02 = Math.fround(0.3);
    const w12 = Math.fround(-0.1);
    expect(s1.v[2]).toBe(beta * w02);
    // Step 2: neuron 1's spike arrives at 2: v2 = beta (beta w02 + w12); 0 and 1 stay at rest.
    const s2 = at(3);
    expect(s2.v[2]).toBe(beta * (beta * w02 + w12));
    expect(s2.v[0]).toBe(0);
    expect(s2.v[1]).toBe(0);
    expect(s2.spikes).toBe(2);
    // Events: neuron 0 has out-degree 2, neuron 1 has 1.
    expect(s2.events).toBe(3);
  });

  it('refractory: inputs during the refractory period are lost, integration resumes after it', () => {
    // Both fire at step 0; 1's spike (weight 5, enough to fire 0) reaches 0 while it is refractory.
    const refractory = 3 * dt; // 3 steps
    const net = recurrentLifFromSynapses(2, [{ pre: 1, post: 0, weight: 5 }], neuron(refractory));
    const r = simulateRecurrentLif(net, { steps: 6, dt, seed: 1, initialV: [2, 2], record: true });
    expect(Array.from(r.spikeIds!)).toEqual([0, 1]);
    expect(r.v[0]).toBe(0); // the weight-5 input of step 1 was dropped
    // Without a refractory period an input that arrives at the target's own spike step is still
    // lost (Brian2 resets after the synapses act)...
    const free = recurrentLifFromSynapses(2, [{ pre: 1, post: 0, weight: 5 }], neuron(0));
    const f = simulateRecurrentLif(free, { steps: 6, dt, seed: 1, initialV: [2, 2], record: true });
    expect(Array.from(f.spikeSteps!)).toEqual([0, 0]);
    // ...but one that arrives a step later is not: 0 fires at step 1.
    const g = simulateRecurrentLif(free, { steps: 6, dt, seed: 1, initialV: [0, 2], record: true });
    expect(Array.from(g.spikeSteps!)).toEqual([0, 1]);
    expect(Array.from(g.spikeIds!)).toEqual([1, 0]);
  });
});

/** A plain dense reference: same order of events and the same drive draws, no tricks. */
function reference(net: RecurrentLifNet, steps: number, seed: number): { steps: number[]; ids: number[] } {
  const n = net.n;
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = net.rowStart[i]!; k < net.rowStart[i + 1]!; k++) w[i * n + net.target[k]!] = net.weight[k]!;
  }
  const beta = Math.exp(-dt / (net.neuron.params.tau_mem as number));
  const { v_th: vTh, v_reset: vReset, refractory } = net.neuron.params as Record<string, number>;
  const refSteps = Math.max(1, Math.round(refractory! / dt));
  const cdf = driveCdf(net.inputCount, net.inputRate, dt);
  // The drive: two blocks of h neurons (padded), neuron i of block b draws from lane i mod 4 of
  // that block (sub-stream drive + 4 b + lane), every neuron every step.
  const h = Math.ceil(n / 8) * 4;
  const lanes = Array.from({ length: 8 }, (_, s) => new Rng(seed, RECURRENT_STREAMS.drive + s));
  const v = new Float64Array(n);
  const input = new Float64Array(n);
  const ref = new Int32Array(n);
  const out = { steps: [] as number[], ids: [] as number[] };
  for (let t = 0; t < steps; t++) {
    const fired: number[] = [];
    const draws = Array.from({ length: 2 * h }, (_, i) => lanes[4 * Math.floor(i / h) + (i % 4)]!.nextU32());
    for (let i = 0; i < n; i++) {
      let x: number;
      if (ref[i]! > 0) {
        ref[i]!--;
        input[i] = 0;
        if (ref[i]! > 0) continue;
        x = beta * v[i]!;
      } else {
        const u = draws[i]!;
        let k = 0;
        while (u >= cdf[k]!) k++;
        x = beta * (v[i]! + input[i]! + k * net.inputWeight);
        input[i] = 0;
      }
      if (x > vTh!) {
        x = vReset!;
        ref[i] = refSteps;
        fired.push(i);
      }
      v[i] = x;
    }
    for (const i of fired) {
      for (let j = 0; j < n; j++) input[j]! += w[i * n + j]!;
      out.steps.push(t);
      out.ids.push(i);
    }
  }
  return out;
}

describe('recurrent LIF network: the fast path', () => {
  const small = buildRecurrentLif({ n: 120, seed: 3 });

  it('builds Bernoulli(p) connectivity without autapses, excitatory J and inhibitory -g J rows', () => {
    const net = buildRecurrentLif({ seed: 5 });
    const synapses = net.target.length;
    // 1000 x 999 pairs at p = 0.1: mean 99,900, sd ~300.
    expect(Math.abs(synapses - 99_900)).toBeLessThan(1500);
    let autapses = 0;
    let unsorted = 0;
    for (let i = 0; i < net.n; i++) {
      for (let k = net.rowStart[i]!; k < net.rowStart[i + 1]!; k++) {
        if (net.target[k] === i) autapses++;
        if (k > net.rowStart[i]! && net.target[k]! <= net.target[k - 1]!) unsorted++;
      }
    }
    expect(autapses).toBe(0);
    expect(unsorted).toBe(0);
    expect(net.weight[net.rowStart[0]!]).toBe(Math.fround(0.2e-3));
    expect(net.weight[net.rowStart[999]!]).toBe(Math.fround(-1e-3));
    expect(buildRecurrentLif({ seed: 5 }).target).toEqual(net.target);
    expect(buildRecurrentLif({ seed: 6 }).target).not.toEqual(net.target);
  });

  it('takes its neuron from an IR lif model, and refuses other kinds', () => {
    const fromIr = lifNeuron('n', { tauMem: 5e-3, vTh: 1, vReset: 0, refractory: 0 });
    const net = recurrentLifFromSynapses(1, [], fromIr);
    const viaBuild = buildRecurrentLif({ n: 1, neuron: fromIr, inputRate: 0 });
    expect(viaBuild.neuron).toBe(fromIr);
    const r = simulateRecurrentLif(viaBuild, { steps: 3, dt, seed: 1, initialV: [0.5] });
    expect(r.v[0]).toBe(simulateRecurrentLif(net, { steps: 3, dt, seed: 1, initialV: [0.5] }).v[0]);
    expect(r.v[0]).toBeCloseTo(0.5 * Math.exp(-3e-4 / 5e-3), 14);
    expect(() => buildRecurrentLif({ n: 2, neuron: { ...fromIr, kind: 'cuba_lif' } })).toThrow(/plain lif/);
  });

  it('drive table: every bucket agrees with the exact CDF search', () => {
    const cdf = driveCdf(80, 70, dt);
    const table = driveTable(cdf, 1);
    let exact = 0;
    for (let b = 0; b < table.length; b++) {
      if (table[b]! < 0) continue;
      exact++;
      for (const u of [b * 2 ** 22, b * 2 ** 22 + 2 ** 21, (b + 1) * 2 ** 22 - 1]) {
        let k = 0;
        while (u >= cdf[k]!) k++;
        expect(table[b]).toBe(k);
      }
    }
    expect(exact).toBeGreaterThan(1000); // the slow path is rare
    // Binomial(80, 0.007): P(0) = 0.993^80.
    expect(cdf[0]! / 2 ** 32).toBeCloseTo(0.993 ** 80, 12);
  });

  it('matches a dense step-by-step reference spike for spike (WASM SIMD and JS kernels)', () => {
    const steps = 3000;
    const ref = reference(small, steps, 9);
    for (const kernel of ['wasm', 'js'] as const) {
      const ours = simulateRecurrentLif(small, { steps, dt, seed: 9, record: true, kernel });
      expect(ours.spikes).toBeGreaterThan(100);
      expect(Array.from(ours.spikeSteps!)).toEqual(ref.steps);
      expect(Array.from(ours.spikeIds!)).toEqual(ref.ids);
    }
  });

  it('WASM SIMD on 1 and 2 threads and the JS kernel agree bit for bit (n not a multiple of 8)', () => {
    const net = buildRecurrentLif({ n: 301, seed: 8 });
    const j = simulateRecurrentLif(net, { steps: 4000, dt, seed: 3, record: true, kernel: 'js' });
    expect(j.kernel).toBe('js');
    expect(j.spikes).toBeGreaterThan(1000);
    for (const threads of [1, 2]) {
      const w = simulateRecurrentLif(net, { steps: 4000, dt, seed: 3, record: true, threads });
      expect(w.kernel).toBe('wasm-simd');
      expect(w.threads).toBe(threads);
      expect(w.spikeIds).toEqual(j.spikeIds);
      expect(w.spikeSteps).toEqual(j.spikeSteps);
      expect(w.v).toEqual(j.v);
      expect(w.events).toBe(j.events);
      expect(w.spikeCount).toEqual(j.spikeCount);
    }
  });

  it('the committed WASM module is the compiled recurrent.wat (no drift)', async () => {
    const bytes: Buffer = await compileSnnKernel();
    expect(Buffer.from(RECURRENT_WASM_BASE64, 'base64').equals(bytes)).toBe(true);
  });

  it('counts events as the sum over spikes of the out-degree', () => {
    const r = simulateRecurrentLif(small, { steps: 2000, dt, seed: 2, record: true });
    let want = 0;
    for (const i of r.spikeIds!) want += small.rowStart[i + 1]! - small.rowStart[i]!;
    expect(r.events).toBe(want);
    let fromCounts = 0;
    r.spikeCount.forEach((c, i) => {
      fromCounts += c * (small.rowStart[i + 1]! - small.rowStart[i]!);
    });
    expect(fromCounts).toBe(want);
    expect(r.spikes).toBe(r.spikeIds!.length);
  });

  it('same seed gives the same spike trains; another seed does not', () => {
    const a = simulateRecurrentLif(small, { steps: 2000, dt, seed: 4, record: true });
    const b = simulateRecurrentLif(small, { steps: 2000, dt, seed: 4, record: true });
    const c = simulateRecurrentLif(small, { steps: 2000, dt, seed: 5, record: true });
    expect(b.spikeIds).toEqual(a.spikeIds);
    expect(b.spikeSteps).toEqual(a.spikeSteps);
    expect(b.v).toEqual(a.v);
    expect(c.spikeIds).not.toEqual(a.spikeIds);
  });

  it('the benchmark network fires at a moderate rate (Brian2 gives 24.4 Hz on the same network)', () => {
    const net = buildRecurrentLif();
    const r = simulateRecurrentLif(net, { steps: 10_000, dt, seed: 1 });
    expect(r.rateHz).toBeGreaterThan(20);
    expect(r.rateHz).toBeLessThan(29);
  });
});
