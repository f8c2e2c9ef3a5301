// Loihi CUBA in fixed point (engine/snn/loihi.ts) against traces derived by hand from Lava's
// formulas (lava-nc/lava src/lava/proc/lif/models.py, AbstractPyLifModelFixed.subthr_dynamics):
//   u <- wrap24( sign(u f_u) (|u f_u| >> 12) + (a_in << 6) ),  f_u = 4096 - (du + 1)
//   v <- clip24( sign(v f_v) (|v f_v| >> 12) + u + (bias_mant << bias_exp) ),  f_v = 4096 - dv
//   spike when v > vth << 6, then v <- 0.
import { describe, expect, it } from 'vitest';
import type { NeuronModel } from '../../engine/ir/model';
import {
  createLoihiState,
  type LoihiCubaParams,
  loihiDecay,
  loihiEffectiveBias,
  loihiParams,
  loihiStep,
  loihiWrapCurrent,
} from '../../engine/snn/loihi';

const BASE: LoihiCubaParams = { du: 0, dv: 0, vth: 10, biasMant: 0, biasExp: 0, refractory: 0 };

/** One neuron driven by `aIn` (one value per step); u, v after each step and the spike steps. */
function run(p: LoihiCubaParams, aIn: number[], u0 = 0, v0 = 0) {
  const s = createLoihiState(1);
  s.u[0] = u0;
  s.v[0] = v0;
  const input = new Int32Array(1);
  const u: number[] = [];
  const v: number[] = [];
  const spikes: number[] = [];
  aIn.forEach((a, t) => {
    input[0] = a;
    if (loihiStep(p, s, input) === 1) spikes.push(t);
    u.push(s.u[0]!);
    v.push(s.v[0]!);
  });
  return { u, v, spikes };
}

describe('Loihi CUBA, synaptic drive (du 410, dv 205, vth 400)', () => {
  it('matches the hand-computed fixed-point trace', () => {
    // f_u = 4096 - 411 = 3685, f_v = 4096 - 205 = 3891, threshold 400 << 6 = 25600.
    // a_in = 100, 100, 0, 0, 0, 0, 0  (100 << 6 = 6400)
    // t0: u = 0 + 6400 = 6400;                                v = 0 + 6400 = 6400
    // t1: u = floor(6400*3685/4096 = 5757.81) + 6400 = 12157; v = floor(6400*3891/4096 = 6079.69) + 12157 = 18236
    // t2: u = floor(12157*3685/4096 = 10937.14) = 10937;      v = floor(18236*3891/4096 = 17323.31) + 10937
    //     = 28260 > 25600: spike, v <- 0
    // t3: u = floor(10937*3685/4096 = 9839.56) = 9839;        v = 0 + 9839 = 9839
    // t4: u = floor(9839*3685/4096 = 8851.74) = 8851;         v = floor(9839*3891/4096 = 9346.57) + 8851 = 18197
    // t5: u = floor(8851*3685/4096 = 7962.87) = 7962;         v = floor(18197*3891/4096 = 17286.26) + 7962 = 25248
    // t6: u = floor(7962*3685/4096 = 7163.08) = 7163;         v = floor(25248*3891/4096 = 23984.37) + 7163
    //     = 31147 > 25600: spike, v <- 0
    const r = run({ ...BASE, du: 410, dv: 205, vth: 400 }, [100, 100, 0, 0, 0, 0, 0]);
    expect(r.u).toEqual([6400, 12157, 10937, 9839, 8851, 7962, 7163]);
    expect(r.v).toEqual([6400, 18236, 0, 9839, 18197, 25248, 0]);
    expect(r.spikes).toEqual([2, 6]);
  });

  it('rounds negative products toward zero, as Lava (sign times shifted magnitude)', () => {
    // a_in = -100, 0: t0 u = -6400, v = -6400.
    // t1: u = -floor(6400*3685/4096) = -5757 (a floor of the signed value would give -5758);
    //     v = -floor(6400*3891/4096) + u = -6079 - 5757 = -11836.
    const r = run({ ...BASE, du: 410, dv: 205, vth: 400 }, [-100, 0]);
    expect(r.u).toEqual([-6400, -5757]);
    expect(r.v).toEqual([-6400, -11836]);
    expect(loihiDecay(-6400, 411)).toBe(-5757);
    expect(loihiDecay(6400, 411)).toBe(5757);
  });
});

describe('Loihi CUBA, bias drive (bias_mant 25, bias_exp 3, dv 1024, vth 10)', () => {
  // bias = 25 << 3 = 200 (Lava scale_bias: no 6-bit shift on the bias); f_v = 4096 - 1024 = 3072
  // (v keeps 3/4); threshold 10 << 6 = 640; du 4095 -> f_u = 0, and no input, so u = 0.
  const p: LoihiCubaParams = { ...BASE, du: 4095, dv: 1024, vth: 10, biasMant: 25, biasExp: 3 };

  it('matches the hand-computed trace', () => {
    // t0: 0 + 200 = 200        t1: floor(150) + 200 = 350     t2: floor(262.5) + 200 = 462
    // t3: floor(346.5) + 200 = 546   t4: floor(409.5) + 200 = 609   t5: floor(456.75) + 200 = 656 > 640
    // spike, v <- 0; t6: 200 again (period 6).
    const r = run(p, Array(12).fill(0));
    expect(r.v).toEqual([200, 350, 462, 546, 609, 0, 200, 350, 462, 546, 609, 0]);
    expect(r.u).toEqual(Array(12).fill(0));
    expect(r.spikes).toEqual([5, 11]);
  });

  it('a negative bias mirrors the trace (truncation toward zero) and never spikes', () => {
    // bias -200: t0 -200, t1 -150 - 200 = -350, t2 trunc(-262.5) = -262 - 200 = -462, t3 -546.
    const r = run({ ...p, biasMant: -25 }, [0, 0, 0, 0]);
    expect(r.v).toEqual([-200, -350, -462, -546]);
    expect(r.spikes).toEqual([]);
  });

  it('refractory (Lava LIFRefractory rule): v held at 0 for exactly R steps after a spike', () => {
    // Spike at t5; t6, t7 refractory (v = 0, no bias added); t8: 200, ..., t13 656: spike.
    const r = run({ ...p, refractory: 2 }, Array(15).fill(0));
    expect(r.v).toEqual([200, 350, 462, 546, 609, 0, 0, 0, 200, 350, 462, 546, 609, 0, 0]);
    expect(r.spikes).toEqual([5, 13]);
  });

  it('per-neuron bias mantissas override the shared one', () => {
    const s = createLoihiState(2);
    const zero = new Int32Array(2);
    const bias = new Int32Array([25, -25]);
    loihiStep(p, s, zero, 0, bias);
    loihiStep(p, s, zero, 0, bias);
    expect(Array.from(s.v)).toEqual([350, -350]);
  });
});

describe('Loihi CUBA, bias scaling and register widths', () => {
  it('effective bias = bias_mant << bias_exp, arithmetic right shift for a negative exponent', () => {
    expect(loihiEffectiveBias(4095, 7)).toBe(524160);
    expect(loihiEffectiveBias(-4096, 7)).toBe(-524288);
    expect(loihiEffectiveBias(-5, -1)).toBe(-3); // numpy right_shift(-5, 1) = -3 (floor)
    expect(loihiEffectiveBias(5, -1)).toBe(2);
  });

  it('wraps u into 24 bits once, as Lava (u in (-2^23, 2^23])', () => {
    const M = 2 ** 23;
    expect(loihiWrapCurrent(M)).toBe(M); // exactly 2^23 is kept (Lava tests > max_uv_val)
    expect(loihiWrapCurrent(M + 5)).toBe(-M + 5);
    expect(loihiWrapCurrent(-M)).toBe(M); // <= -2^23 gains 2^24
    expect(loihiWrapCurrent(-M - 5)).toBe(M - 5);
    // Through a step: u0 = 2^23 - 100, du = 0 (f_u = 4095):
    // floor(8388508 * 4095 / 4096 = 8386460.02) = 8386460; + (100 << 6 = 6400) = 8392860 > 2^23
    // -> 8392860 - 2^24 = -8384356. v (dv 0, vth max) = 0 + u = -8384356.
    const r = run({ ...BASE, vth: 131071 }, [100], M - 100);
    expect(r.u).toEqual([-8384356]);
    expect(r.v).toEqual([-8384356]);
  });

  it('saturates v at ±(2^23 - 1)', () => {
    // du 4095: u = a_in << 6 = -64000; v0 = -(2^23 - 10), dv 0: v = -8388598 - 64000 -> -8388607.
    const low = run({ ...BASE, du: 4095, vth: 131071 }, [-1000], 0, -(2 ** 23 - 10));
    expect(low.v).toEqual([-(2 ** 23 - 1)]);
    // Upwards v clips at 8388607 > vth << 6 = 8388544, so the neuron spikes and resets.
    const high = run({ ...BASE, du: 4095, vth: 131071 }, [1000], 0, 2 ** 23 - 10);
    expect(high.spikes).toEqual([0]);
    expect(high.v).toEqual([0]);
  });

  it('reads the parameters from the IR with defaults, and rejects out-of-range ones', () => {
    const n = (params: Record<string, number>): NeuronModel => ({
      name: 'lc',
      kind: 'loihi_cuba',
      spiking: true,
      params,
      energyPerUpdate: 0,
      energyPerSpike: 0,
      provenance: {},
      range: { file: 't', start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } },
    });
    expect(loihiParams(n({ du: 410, bias_mant: -3 }))).toEqual({
      du: 410,
      dv: 0,
      vth: 10,
      biasMant: -3,
      biasExp: 0,
      refractory: 0,
    });
    expect(() => loihiParams(n({ du: 4096 }))).toThrow(/du/);
    expect(() => loihiParams(n({ vth: 1.5 }))).toThrow(/vth/);
    expect(() => loihiParams({ ...n({}), kind: 'lif' })).toThrow(/not loihi_cuba/);
  });
});

describe("Loihi CUBA against an independent numpy run in Lava's dtypes", () => {
  it('16 neurons x 300 steps of large random inputs: same final u, v and spike counts', () => {
    // Reference: a local numpy script (not in the repo) doing Lava's arithmetic with Lava's dtypes
    // (int32 state, int64 products, np.sign * np.right_shift(np.abs), np.where wrap, np.clip) on
    // the same parameters and inputs, drawn from this LCG in the same order. That run had 15
    // wraps of u and 455 saturations of v, and 767 spikes.
    let x = 12345;
    const lcg = () => {
      x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
      return x;
    };
    const N = 16;
    const T = 300;
    const du = Array.from({ length: N }, (_, k) => (lcg() >>> 16) % (k % 2 === 0 ? 64 : 4096));
    const dv = Array.from({ length: N }, () => (lcg() >>> 16) % 4096);
    const vth = Array.from({ length: N }, () => (lcg() >>> 8) % 131072);
    const bm = Array.from({ length: N }, () => ((lcg() >>> 16) % 8192) - 4096);
    const be = Array.from({ length: N }, () => (lcg() >>> 16) % 8);
    const a = new Int32Array(T * N);
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < N; k++) {
        const r = lcg();
        a[t * N + k] = (r >>> 16) % 4 === 0 ? ((r >>> 8) % 65536) - 32768 : 0;
      }
    }
    const states = du.map(() => createLoihiState(1));
    const counts: number[] = [];
    for (let k = 0; k < N; k++) {
      const p: LoihiCubaParams = {
        du: du[k]!,
        dv: dv[k]!,
        vth: vth[k]!,
        biasMant: bm[k]!,
        biasExp: be[k]!,
        refractory: 0,
      };
      let spikes = 0;
      for (let t = 0; t < T; t++) spikes += loihiStep(p, states[k]!, a, t * N + k);
      counts.push(spikes);
    }
    expect(du.slice(0, 4)).toEqual([28, 1796, 37, 3498]); // same draws as the reference
    expect(states.map((s) => s.u[0])).toEqual([
      -7953827, -241915, 7484456, -31, -3946018, -1959613, -280543, 34461, 6196686, 0, -321055, 456041,
      -6965844, 767047, 2097452, 1516,
    ]);
    expect(states.map((s) => s.v[0])).toEqual([
      -7934203, -442937, 0, -2110622, -3947419, -2013803, -490111, 169972, 0, -172251, -276002, 190471,
      -8388607, 0, 6361687, 109737,
    ]);
    expect(counts).toEqual([4, 0, 86, 0, 129, 0, 139, 0, 140, 14, 0, 0, 134, 101, 8, 12]);
  });
});
