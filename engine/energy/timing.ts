// Latency of one layer (a pipeline stage) from the array read time and the ADC conversion time:
// a crossbar pass reads the array once (device latency) and then each ADC converts its share of
// the columns one after another; conv2d passes (output positions) run one after another on the
// same tiles; row and column blocks work in parallel. An rf_chain pass is fully parallel: every
// weight use is its own resonator, so a layer takes one read time.
import { usableCols } from '../dsl/mapping';
import type { CoreTile, CrossbarTile, DeviceModel, LayerMapping } from '../ir/model';
import type { LayerCounts } from './counts';
import { fmt, si } from './format';

export interface LatencyTerm {
  layer: string;
  tile: string | null;
  /** What the time is made of, e.g. "784 passes x (10 ns read + 2 x 0.78 ns ADC)". */
  what: string;
  /** Seconds per classification spent in this stage. */
  time: number;
}

export interface StageTime {
  /** null when the design lacks a time this stage needs. */
  term: LatencyTerm | null;
  /** Lines for the assumptions: missing times, or parts not included. */
  notes: string[];
}

/** ADC conversions each ADC makes per pass: the columns one crossbar uses, shared adc_share ways. */
export function adcConversionsPerPass(c: LayerCounts, m: LayerMapping, tile: CrossbarTile): number {
  if (tile.adcBits <= 0) return 0;
  // The busiest crossbar: a full column block (or all columns when there is one block).
  const colsPerBlock = m.colBlocks > 1 ? usableCols(tile) : c.cols;
  return Math.ceil(colsPerBlock / (tile.adcShare ?? 1));
}

export function crossbarStage(
  c: LayerCounts,
  m: LayerMapping,
  tile: CrossbarTile,
  device: DeviceModel | undefined,
): StageTime {
  const notes: string[] = [];
  if (device?.latency === undefined) {
    notes.push(`latency: device ${tile.device} has no read time (latency); the layers on it are not timed`);
    return { term: null, notes };
  }
  const convs = adcConversionsPerPass(c, m, tile);
  let adc = 0;
  let adcText = '';
  if (convs > 0 && tile.adcTime !== undefined) {
    adc = convs * tile.adcTime;
    adcText = ` + ${fmt(convs)} x ${si(tile.adcTime, 's')} ADC`;
  } else if (convs > 0)
    notes.push(`latency: tile ${tile.name} gives no adc_time; ADC conversion time not included`);
  const perPass = device.latency + adc;
  return {
    term: {
      layer: c.layer,
      tile: tile.name,
      what: `${fmt(c.passes)} pass(es) x (${si(device.latency, 's')} read${adcText})`,
      time: c.passes * perPass,
    },
    notes,
  };
}

export function rfChainStage(c: LayerCounts, core: CoreTile, device: DeviceModel | undefined): StageTime {
  if (device?.latency === undefined)
    return {
      term: null,
      notes: [
        `latency: device ${core.device ?? '?'} has no read time (latency); the layers on it are not timed`,
      ],
    };
  return {
    term: {
      layer: c.layer,
      tile: core.name,
      what: `one parallel read: ${si(device.latency, 's')} (every weight use is its own resonator)`,
      time: device.latency,
    },
    notes: [],
  };
}

/** Latency (sum of stages) and throughput (1 / latency, or 1 / slowest stage when pipelined). */
export function totalTiming(
  stages: readonly LatencyTerm[],
  pipeline: boolean,
): { latency: number; throughput: number } {
  const latency = stages.reduce((a, s) => a + s.time, 0);
  // A stage is a layer: its array time and the transfer of its outputs to the next layer.
  const perLayer = new Map<string, number>();
  for (const s of stages) perLayer.set(s.layer, (perLayer.get(s.layer) ?? 0) + s.time);
  const period = pipeline ? Math.max(...perLayer.values()) : latency;
  return { latency, throughput: 1 / period };
}
