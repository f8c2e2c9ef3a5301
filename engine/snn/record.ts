// The spike recording of a spiking run (engine/protocol/schema.ts SpikeRecord): one test sample
// run through the deployed network, its input spikes and every spiking layer's spikes, plus the
// membrane traces of the most active neurons of each layer, for the studio's raster view. The
// learners (./learners.ts) simulate the sample; this module turns their time-major buffers into
// the record. The run manager stores it as the run artifact 'spikes'.
import type { SpikeLayer, SpikeRecord } from '../protocol/schema';

export const SPIKES_ARTIFACT = 'spikes';
export const SPIKES_MEDIA_TYPE = 'application/json';
/** Membrane traces kept per layer (the most active neurons; the schema's "a few"). */
export const TRACED_NEURONS = 8;

/** One population over one sample, time-major: spikes[t * neurons + j]. */
export interface RecordedLayer {
  name: string;
  neurons: number;
  neuronsPerCore: number | null;
  spikes: ArrayLike<number>;
  /** Membrane potential, same layout; null when the simulator does not expose it. */
  membrane: ArrayLike<number> | null;
}

/** Spike times and ids in time order (ids ascending within a step), and the traces of the busiest. */
export function spikeLayer(l: RecordedLayer, steps: number): SpikeLayer {
  const n = l.neurons;
  const times: number[] = [];
  const ids: number[] = [];
  const counts = new Uint32Array(n);
  for (let t = 0; t < steps; t++) {
    const o = t * n;
    for (let j = 0; j < n; j++) {
      if (l.spikes[o + j] !== 0) {
        times.push(t);
        ids.push(j);
        counts[j]!++;
      }
    }
  }
  const traceNeurons: number[] = [];
  const traces: number[][] = [];
  if (l.membrane) {
    // Most spikes first; ties by the lower id, so the choice is deterministic.
    const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => counts[b]! - counts[a]! || a - b);
    for (const j of order.slice(0, Math.min(TRACED_NEURONS, n))) {
      traceNeurons.push(j);
      const tr = new Array<number>(steps);
      for (let t = 0; t < steps; t++) tr[t] = Number(l.membrane[t * n + j]);
      traces.push(tr);
    }
  }
  return { name: l.name, neurons: n, neuronsPerCore: l.neuronsPerCore, times, ids, traceNeurons, traces };
}

export interface RecordInput {
  sample: number;
  label: number;
  predicted: number;
  steps: number;
  dt: number;
  input: RecordedLayer;
  layers: RecordedLayer[];
}

/** The record without its run id (the run manager fills it in when it stores the artifact). */
export function buildSpikeRecord(r: RecordInput): SpikeRecord {
  return {
    runId: '',
    sample: r.sample,
    label: r.label,
    predicted: r.predicted,
    steps: r.steps,
    dt: r.dt,
    input: spikeLayer(r.input, r.steps),
    layers: r.layers.map((l) => spikeLayer(l, r.steps)),
  };
}

/** The stored artifact of a record. */
export function spikeArtifact(record: SpikeRecord): { name: string; mediaType: string; content: string } {
  return { name: SPIKES_ARTIFACT, mediaType: SPIKES_MEDIA_TYPE, content: JSON.stringify(record) };
}
