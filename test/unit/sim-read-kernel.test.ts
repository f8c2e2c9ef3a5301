// The WebAssembly DAC and tile read (kernels.wat dac_rows, read_cols) against the JavaScript loops
// they replace in CrossbarLayer.forward / readTile: the same outputs bit for bit (signed zeros included) and the same
// converter counters, over ADC kinds, read noise, reference columns and bound management.
import { describe, expect, it } from 'vitest';
import { CrossbarLayer } from '../../engine/sim/crossbar';
import { allocOwnedFor } from '../../engine/sim/kernels';
import { type LayerPlan, type TilePlan, tilePlan } from '../../engine/sim/plan';
import { deviceModel } from '../../engine/sim/presets';
import { Rng } from '../../engine/sim/rng';
import { wasmSimdAvailable } from '../../engine/sim/wasm/runtime';
import { createWasmKernels } from '../../engine/sim/wasm/wasm-kernels';

function plan(k: number, n: number, tile: Partial<TilePlan>, readNoise: number): LayerPlan {
  return {
    kind: 'dense',
    name: 'fc',
    inputs: k,
    units: n,
    activation: 'identity',
    bias: false,
    tile: tilePlan(k, n, { name: 't', rows: 64, cols: 32, ...tile }),
    device: deviceModel({ name: 'd', levels: 32, programNoise: 0.03, readNoise }),
  };
}

describe.runIf(wasmSimdAvailable())('WASM DAC and tile read (dac_rows, read_cols)', () => {
  const kernels = createWasmKernels({ threads: 1 });
  const cases: [string, Partial<TilePlan>, number][] = [
    ['8-bit DAC and ADC, 2% read noise', { dacBits: 8, adcBits: 8 }, 0.02],
    ['ideal ADC, read noise', { dacBits: 8, adcBits: 0 }, 0.02],
    ['1-bit ADC (sign)', { dacBits: 8, adcBits: 1 }, 0.01],
    ['no read noise, 4-bit ADC', { dacBits: 4, adcBits: 4 }, 0],
    ['ideal DAC, 8-bit ADC', { dacBits: 0, adcBits: 8 }, 0.02],
    ['1-bit DAC', { dacBits: 1, adcBits: 8 }, 0.02],
    [
      'reference column (shared noise draw)',
      { dacBits: 8, adcBits: 6, signedWeights: 'reference_column' },
      0.02,
    ],
    [
      'bound management with a narrow ADC range (re-reads)',
      { dacBits: 8, adcBits: 6, outputBound: 0.5, boundManagement: 'iterative' },
      0.02,
    ],
  ];
  for (const [name, tile, readNoise] of cases) {
    it(`${name}: the same outputs and counters as the JavaScript loop`, () => {
      const k = 150;
      const n = 70;
      const m = 6;
      const p = plan(k, n, tile, readNoise);
      const r = new Rng(3);
      const w = Float32Array.from({ length: k * n }, () => r.normal() * 0.2);
      const x = allocOwnedFor(kernels, m * k);
      for (let i = 0; i < m * k; i++) x[i] = r.uniform() < 0.5 ? 0 : r.uniform() * (i % 3 === 0 ? -1 : 1);
      x.fill(0, 0, k); // an all-zero input vector: α = 0, nothing driven
      const read = (input: Float32Array, out: Float32Array) => {
        const xb = new CrossbarLayer(p, m, kernels, new Rng(9, 1));
        xb.program(w, new Rng(9, 2));
        xb.forward(input, m, out, new Rng(9, 3));
        return { out: [...out], counters: { ...xb.counters } };
      };
      // Operands outside the kernel memory take the JavaScript loops; inside, dac_rows and read_cols.
      const js = read(Float32Array.from(x), new Float32Array(m * n));
      const wasm = read(x, allocOwnedFor(kernels, m * n));
      expect(wasm.counters).toEqual(js.counters);
      expect(wasm.counters.adcConversions).toBeGreaterThan(0);
      for (let i = 0; i < m * n; i++) expect(Object.is(wasm.out[i], js.out[i]), `output ${i}`).toBe(true);
      if (tile.boundManagement === 'iterative') expect(js.counters.boundManagementReads).toBeGreaterThan(0);
    });
  }
});
