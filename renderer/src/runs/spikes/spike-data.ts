// Pure helpers behind the spike views: where each population sits in the stacked raster, the
// raster's packed point buffer, firing rates and their histogram, spikes per core, and the time
// window that the raster and the membrane traces share. No React, no ECharts: unit-tested alone.
import type { SpikeLayer, SpikeRecord } from '../../../../engine/protocol/schema';

/** One population in raster order (the input first, then the spiking layers as recorded). */
export interface StackedLayer {
  layer: SpikeLayer;
  /** Row of the population's neuron 0 in the stacked raster. */
  offset: number;
  /** Position in raster order (0 = input), used for its colour. */
  index: number;
}

/** The input population first, then every recorded layer, each starting where the last ended. */
export function stackLayers(record: Pick<SpikeRecord, 'input' | 'layers'>): {
  stacked: StackedLayer[];
  totalNeurons: number;
} {
  const stacked: StackedLayer[] = [];
  let offset = 0;
  for (const [index, layer] of [record.input, ...record.layers].entries()) {
    stacked.push({ layer, offset, index });
    offset += layer.neurons;
  }
  return { stacked, totalNeurons: offset };
}

/** Milliseconds per time step (the record's dt is in seconds). */
export function stepMs(record: Pick<SpikeRecord, 'dt'>): number {
  return record.dt * 1000;
}

/** Length of the recording (ms): steps * dt. */
export function durationMs(record: Pick<SpikeRecord, 'dt' | 'steps'>): number {
  return record.steps * record.dt * 1000;
}

/**
 * The layer's spikes as the raster's flat [x0, y0, x1, y1, ...] buffer: x = time (ms, step * dt),
 * y = stacked row (offset + neuron id). A typed array lets ECharts take 100k points without an
 * object per point. Spikes whose id lies outside the layer are dropped rather than drawn in the
 * next layer's rows.
 */
export function rasterPoints(layer: SpikeLayer, offset: number, msPerStep: number): Float32Array {
  const count = Math.min(layer.times.length, layer.ids.length);
  let valid = 0;
  for (let i = 0; i < count; i++) if ((layer.ids[i] as number) < layer.neurons) valid++;
  const out = new Float32Array(valid * 2);
  let k = 0;
  for (let i = 0; i < count; i++) {
    const id = layer.ids[i] as number;
    if (id >= layer.neurons) continue;
    out[k++] = (layer.times[i] as number) * msPerStep;
    out[k++] = offset + id;
  }
  return out;
}

/** Spikes per neuron over the whole recording (ids outside the layer ignored). */
export function spikeCounts(layer: SpikeLayer): Uint32Array {
  const counts = new Uint32Array(layer.neurons);
  for (const id of layer.ids) if (id < layer.neurons) counts[id] = (counts[id] as number) + 1;
  return counts;
}

/** Firing rate of every neuron (Hz): its spikes / (steps * dt). */
export function firingRates(layer: SpikeLayer, steps: number, dt: number): Float64Array {
  const seconds = steps * dt;
  const counts = spikeCounts(layer);
  const rates = new Float64Array(layer.neurons);
  if (seconds <= 0) return rates;
  for (let i = 0; i < counts.length; i++) rates[i] = (counts[i] as number) / seconds;
  return rates;
}

export interface Histogram {
  /** bins + 1 edges (Hz); bin b holds rates in [edges[b], edges[b + 1]), the last bin also its top edge. */
  edges: number[];
  counts: number[];
}

/**
 * Counts of rates in `bins` equal bins over [0, maxRate]. A rate equal to maxRate goes in the
 * last bin (so the fastest neuron is counted); rates above it are clamped into the last bin.
 * maxRate <= 0 (a silent population) gives one bin holding every neuron at 0 Hz.
 */
export function rateHistogram(rates: ArrayLike<number>, bins: number, maxRate: number): Histogram {
  if (maxRate <= 0 || bins < 1) return { edges: [0, 0], counts: [rates.length] };
  const width = maxRate / bins;
  const edges = Array.from({ length: bins + 1 }, (_, b) => b * width);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < rates.length; i++) {
    const r = rates[i] as number;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(r / width)));
    counts[b] = (counts[b] as number) + 1;
  }
  return { edges, counts };
}

/** Largest value of a few rate arrays (0 when all are empty). */
export function maxOf(arrays: ArrayLike<number>[]): number {
  let max = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if ((a[i] as number) > max) max = a[i] as number;
  return max;
}

/**
 * Spikes per core: core = floor(id / neuronsPerCore), ceil(neurons / neuronsPerCore) cores.
 * null when the layer is not mapped onto spiking cores.
 */
export function spikesPerCore(layer: SpikeLayer): number[] | null {
  const perCore = layer.neuronsPerCore;
  if (perCore === null || perCore <= 0) return null;
  const cores = Math.ceil(layer.neurons / perCore);
  const counts = new Array<number>(cores).fill(0);
  for (const id of layer.ids) {
    if (id >= layer.neurons) continue;
    const core = Math.floor(id / perCore);
    counts[core] = (counts[core] as number) + 1;
  }
  return counts;
}

/** A visible time range (ms), start < end. */
export interface TimeWindow {
  start: number;
  end: number;
}

/**
 * Fits a window inside [min, max] keeping its width when it can: a window pushed past an edge
 * slides back rather than shrinking; one wider than the range becomes the whole range; an
 * inverted one is put in order.
 */
export function clampWindow(window: TimeWindow, min: number, max: number): TimeWindow {
  let start = Math.min(window.start, window.end);
  let end = Math.max(window.start, window.end);
  const width = end - start;
  if (width >= max - min) return { start: min, end: max };
  if (start < min) {
    start = min;
    end = min + width;
  }
  if (end > max) {
    end = max;
    start = max - width;
  }
  return { start, end };
}

/** Moves the window by `fraction` of its own width (negative: back in time), clamped to [min, max]. */
export function shiftWindow(window: TimeWindow, fraction: number, min: number, max: number): TimeWindow {
  const delta = (window.end - window.start) * fraction;
  return clampWindow({ start: window.start + delta, end: window.end + delta }, min, max);
}

/** Total spikes of the record, input included. */
export function totalSpikes(record: Pick<SpikeRecord, 'input' | 'layers'>): number {
  let n = record.input.times.length;
  for (const l of record.layers) n += l.times.length;
  return n;
}

/** One colour per population in raster order (input first); cycles past the palette's end. */
export const LAYER_COLORS = ['#8a93a3', '#5aa9ff', '#f0a04b', '#3fcf8e', '#c678dd', '#ef6b5b', '#e5c07b'];

export function layerColor(index: number): string {
  return LAYER_COLORS[index % LAYER_COLORS.length] as string;
}
