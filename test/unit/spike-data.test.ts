// The spike views' pure helpers against hand-computed values.
import { describe, expect, it } from 'vitest';
import type { SpikeLayer } from '../../engine/protocol/schema';
import {
  clampWindow,
  durationMs,
  firingRates,
  maxOf,
  niceBinWidth,
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
  it('puts the input first and each band where the previous one ended', () => {
    // 100 + 60 + 40 = 200 neurons; a minimum share of 0.1 is 20 rows: no band is widened.
    const record = {
      input: layer('input', 100, [], []),
      layers: [layer('h', 60, [], []), layer('out', 40, [], [])],
    };
    const { stacked, totalRows } = stackLayers(record, 0.1);
    expect(stacked.map((s) => [s.layer.name, s.offset, s.rows, s.scale, s.index])).toEqual([
      ['input', 0, 100, 1, 0],
      ['h', 100, 60, 1, 1],
      ['out', 160, 40, 1, 2],
    ]);
    expect(totalRows).toBe(200);
  });
  it('widens a small population to the minimum share', () => {
    // 190 + 10 = 200 neurons, minimum 0.1 -> 20 rows for the 10-neuron readout (2 rows each).
    const { stacked, totalRows } = stackLayers(
      { input: layer('in', 190, [], []), layers: [layer('out', 10, [], [])] },
      0.1,
    );
    expect(stacked.map((s) => [s.offset, s.rows, s.scale])).toEqual([
      [0, 190, 1],
      [190, 20, 2],
    ]);
    expect(totalRows).toBe(210);
  });
});

describe('rasterPoints', () => {
  it('packs (time ms, row middle) pairs and drops ids outside the layer', () => {
    // dt = 0.5 ms per step; offset 10, 1 row per neuron. Spikes (step, id): (0,1) (2,0) (3,5: out of
    // range) (4,2) -> y = 10 + id + 0.5.
    const points = rasterPoints(
      { layer: layer('h', 3, [0, 2, 3, 4], [1, 0, 5, 2]), offset: 10, scale: 1 },
      0.5,
    );
    expect(Array.from(points)).toEqual([0, 11.5, 1, 10.5, 2, 12.5]);
  });
  it('spreads the neurons of a widened band', () => {
    // scale 4: neuron 1 -> 20 + 1.5 * 4 = 26.
    const points = rasterPoints({ layer: layer('o', 2, [3], [1]), offset: 20, scale: 4 }, 1);
    expect(Array.from(points)).toEqual([3, 26]);
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
  it('bins rates in bins of the given width, the maximum included', () => {
    // Width 10 Hz, max 50 -> 6 bins [0,10) ... [50,60): 20 -> 2, 0 -> 0, 50 -> 5, 9.99 -> 0.
    const hist = rateHistogram([20, 0, 50, 9.99], 10, 50);
    expect(hist.edges).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(hist.counts).toEqual([2, 0, 1, 0, 0, 1]);
  });
  it('puts a silent population in one bin', () => {
    expect(rateHistogram([0, 0, 0], 1, 0)).toEqual({ edges: [0, 1], counts: [3] });
  });
  it('picks round bin widths', () => {
    // 1000 Hz / 20 bins = 50 -> 50; 730 / 20 = 36.5 -> 50; 130 / 20 = 6.5 -> 10; 19 / 20 = 0.95 -> 1.
    expect(niceBinWidth(1000, 20)).toBe(50);
    expect(niceBinWidth(730, 20)).toBe(50);
    expect(niceBinWidth(130, 20)).toBe(10);
    expect(niceBinWidth(19, 20)).toBe(1);
    expect(niceBinWidth(0, 20)).toBe(1);
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
