// The spike views' pure helpers against hand-computed values.
import { describe, expect, it } from 'vitest';
import type { SpikeLayer } from '../../engine/protocol/schema';
import {
  clampWindow,
  durationMs,
  firingRates,
  maxOf,
  rasterPoints,
  rateHistogram,
  shiftWindow,
  spikeCounts,
  spikesPerCore,
  stackLayers,
  totalSpikes,
} from '../../renderer/src/runs/spikes/spike-data';

function layer(
  name: string,
  neurons: number,
  times: number[],
  ids: number[],
  neuronsPerCore: number | null = null,
) {
  return { name, neurons, neuronsPerCore, times, ids, traceNeurons: [], traces: [] } satisfies SpikeLayer;
}

describe('stackLayers', () => {
  it('puts the input first and each layer where the previous one ended', () => {
    const record = {
      input: layer('input', 4, [], []),
      layers: [layer('h', 3, [], []), layer('out', 2, [], [])],
    };
    const { stacked, totalNeurons } = stackLayers(record);
    expect(stacked.map((s) => [s.layer.name, s.offset, s.index])).toEqual([
      ['input', 0, 0],
      ['h', 4, 1],
      ['out', 7, 2],
    ]);
    expect(totalNeurons).toBe(9);
  });
});

describe('rasterPoints', () => {
  it('packs (time ms, stacked row) pairs and drops ids outside the layer', () => {
    // dt = 0.5 ms per step; offset 10. Spikes (step, id): (0,1) (2,0) (3,5: out of range) (4,2).
    const points = rasterPoints(layer('h', 3, [0, 2, 3, 4], [1, 0, 5, 2]), 10, 0.5);
    expect(Array.from(points)).toEqual([0, 11, 1, 10, 2, 12]);
  });
});

describe('firing rates', () => {
  // 3 neurons, 100 steps of 1 ms = 0.1 s. Neuron 0 spikes 2 times, neuron 1 never, neuron 2 5 times.
  const h = layer('h', 3, [1, 2, 3, 4, 5, 6, 7], [0, 2, 2, 0, 2, 2, 2]);
  it('counts spikes per neuron', () => {
    expect(Array.from(spikeCounts(h))).toEqual([2, 0, 5]);
  });
  it('divides by steps * dt (Hz)', () => {
    const rates = Array.from(firingRates(h, 100, 0.001));
    expect(rates[0]).toBeCloseTo(20, 10);
    expect(rates[1]).toBe(0);
    expect(rates[2]).toBeCloseTo(50, 10);
  });
  it('bins rates over [0, max], the maximum in the last bin', () => {
    // 5 bins of 10 Hz over [0, 50]: 20 -> bin 2, 0 -> bin 0, 50 -> bin 4 (top edge), 9.99 -> bin 0.
    const hist = rateHistogram([20, 0, 50, 9.99], 5, 50);
    expect(hist.edges).toEqual([0, 10, 20, 30, 40, 50]);
    expect(hist.counts).toEqual([2, 0, 1, 0, 1]);
  });
  it('puts a silent population in one 0 Hz bin', () => {
    expect(rateHistogram([0, 0, 0], 10, 0)).toEqual({ edges: [0, 0], counts: [3] });
  });
  it('finds the largest rate across layers', () => {
    expect(maxOf([[1, 7], new Float64Array([3, 9.5]), []])).toBe(9.5);
    expect(maxOf([])).toBe(0);
  });
});

describe('spikesPerCore', () => {
  it('counts floor(id / neuronsPerCore), the last core partly filled', () => {
    // 10 neurons, 4 per core -> cores {0..3}, {4..7}, {8, 9}.
    const h = layer('h', 10, [0, 0, 1, 1, 2, 3], [0, 3, 4, 9, 8, 7], 4);
    expect(spikesPerCore(h)).toEqual([2, 2, 2]);
  });
  it('is null off-core', () => {
    expect(spikesPerCore(layer('h', 10, [0], [1], null))).toBeNull();
  });
});

describe('time window', () => {
  it('slides a window pushed past an edge back, keeping its width', () => {
    expect(clampWindow({ start: -5, end: 15 }, 0, 100)).toEqual({ start: 0, end: 20 });
    expect(clampWindow({ start: 90, end: 110 }, 0, 100)).toEqual({ start: 80, end: 100 });
  });
  it('caps a window wider than the range and orders an inverted one', () => {
    expect(clampWindow({ start: -50, end: 300 }, 0, 100)).toEqual({ start: 0, end: 100 });
    expect(clampWindow({ start: 40, end: 30 }, 0, 100)).toEqual({ start: 30, end: 40 });
  });
  it('moves by a fraction of its width and stops at the ends', () => {
    expect(shiftWindow({ start: 20, end: 40 }, 0.1, 0, 100)).toEqual({ start: 22, end: 42 });
    expect(shiftWindow({ start: 2, end: 22 }, -0.5, 0, 100)).toEqual({ start: 0, end: 20 });
    expect(shiftWindow({ start: 0, end: 100 }, 0.1, 0, 100)).toEqual({ start: 0, end: 100 });
  });
});

describe('record totals', () => {
  it('sums the spikes of every population and gives the length in ms', () => {
    const record = { input: layer('in', 2, [0, 1], [0, 1]), layers: [layer('h', 2, [3], [1])] };
    expect(totalSpikes(record)).toBe(3);
    expect(durationMs({ steps: 250, dt: 0.0001 })).toBeCloseTo(25, 10);
  });
});
