// Pure helpers behind the spike views: where each population sits in the stacked raster, the
// raster's packed point buffer, firing rates and their histogram, spikes per core, and the time
// window that the raster and the membrane traces share. No React, no ECharts: unit-tested alone.
import type { SpikeLayer, SpikeRecord } from '../../../../engine/protocol/schema';

/** One population in raster order (the input first, then the spiking layers as recorded). */
export interface StackedLayer {
  layer: SpikeLayer;
  /** Raster row where the population's band starts. */
  offset: number;
  /** Height of its band (rows): its neuron count, or more for a small population. */
  rows: number;
  /** Rows per neuron (1, or more when the band was widened). */
  scale: number;
  /** Position in raster order (0 = input), used for its colour. */
  index: number;
}

/**
 * Smallest band of a population, as a share of all neurons: a 10-neuron readout under 784 inputs
 * would be one pixel high at a true scale, so small populations are stretched to this share.
 */
export const MIN_BAND_SHARE = 0.08;

/**
 * The input population first, then every recorded layer, each band starting where the last
 * ended. A population smaller than MIN_BAND_SHARE of all neurons gets that many rows, its
 * neurons spread evenly over them.
 */
export function stackLayers(
  record: Pick<SpikeRecord, 'input' | 'layers'>,
  minShare = MIN_BAND_SHARE,
): { stacked: StackedLayer[]; totalRows: number } {
  const populations = [record.input, ...record.layers];
  const neurons = populations.reduce((n, l) => n + l.neurons, 0);
  const minRows = Math.ceil(neurons * minShare);
  const stacked: StackedLayer[] = [];
  let offset = 0;
  for (const [index, layer] of populations.entries()) {
    const rows = layer.neurons > 0 ? Math.max(layer.neurons, minRows) : 0;
    stacked.push({ layer, offset, rows, scale: layer.neurons > 0 ? rows / layer.neurons : 1, index });
    offset += rows;
  }
  return { stacked, totalRows: offset };
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
 * The population's spikes as the raster's flat [x0, y0, x1, y1, ...] buffer: x = time (ms, step *
 * dt), y = the middle of the neuron's row in the stacked raster (offset + (id + 0.5) * scale). A
 * typed array lets ECharts take 100k points without an object per point. Spikes whose id lies
 * outside the population are dropped rather than drawn in the next band.
 */
export function rasterPoints(band: Omit<StackedLayer, 'index' | 'rows'>, msPerStep: number): Float32Array {
  const { layer, offset, scale } = band;
  const count = Math.min(layer.times.length, layer.ids.length);
  let valid = 0;
  for (let i = 0; i < count; i++) if ((layer.ids[i] as number) < layer.neurons) valid++;
  const out = new Float32Array(valid * 2);
  let k = 0;
  for (let i = 0; i < count; i++) {
    const id = layer.ids[i] as number;
    if (id >= layer.neurons) continue;
    out[k++] = (layer.times[i] as number) * msPerStep;
    out[k++] = offset + (id + 0.5) * scale;
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
  /** Bin edges (Hz), one more than the bins; bin b holds rates in [edges[b], edges[b + 1]). */
  edges: number[];
  counts: number[];
}

/** A round bin width (1, 2 or 5 times a power of ten) giving about `target` bins up to `max`. */
export function niceBinWidth(max: number, target: number): number {
  if (max <= 0 || target < 1) return 1;
  const raw = max / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/**
 * Counts of rates in bins of `width` from 0: as many bins as reach past the largest rate (the
 * maximum itself goes in the last bin). A silent population gives one bin [0, width) holding
 * every neuron.
 */
export function rateHistogram(rates: ArrayLike<number>, width: number, maxRate: number): Histogram {
  const bins = Math.max(1, Math.floor(maxRate / width) + 1);
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
