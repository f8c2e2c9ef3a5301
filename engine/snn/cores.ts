// Spiking populations laid onto spiking_core tiles (issue 7, "Spiking cores"): how many cores each
// population needs under the tile's limits (neurons, synapses, fan-in, fan-out, weight bits), the
// violations, the utilisation, and, while the network runs, the spike counts per core and per
// core-to-core link that feed the energy estimator.
//
// Mapping rule (ours, the simplest Loihi-like one): a population fills cores in order, neuron 0
// first; a core holds at most `neurons` neurons and at most floor(synapses / fan_in) of them (each
// neuron stores its fan_in input weights on its own core, as Loihi's synaptic memory does: Davies
// et al., IEEE Micro 38(1):82, 2018). Populations never share a core.

/** The limits of one spiking_core tile (DSL fields; defaults are engine/dsl/schema.ts's). */
export interface CoreLimits {
  tile: string;
  /** Neurons per core (Loihi: 1,024 compartments). */
  neurons: number;
  /** Synapses per core (Loihi: 128 kB at 8 bits = 131,072). */
  synapses: number;
  /** Largest number of inputs per neuron, and of targets per neuron (Loihi: 4,096 axons each). */
  fanIn: number;
  fanOut: number;
  weightBits: number;
  /** Cores of this kind on the chip. */
  count: number;
}

/** One population (a spiking or dense layer) as the mapper sees it. */
export interface PopulationSpec {
  name: string;
  neurons: number;
  /** Feed-forward inputs per neuron. */
  inputs: number;
  /** Recurrent: every neuron also receives the population's own spikes. */
  recurrent: boolean;
  /** Targets per neuron: the next population's size (+ its own size when recurrent). */
  fanOut: number;
  /** Tile it is mapped on; null = off-core (computed elsewhere, e.g. a host readout). */
  core: CoreLimits | null;
}

export interface PopulationMapping {
  name: string;
  tile: string | null;
  neurons: number;
  fanIn: number;
  fanOut: number;
  /** Neurons placed per core (the last core may hold fewer); 0 when nothing fits. */
  neuronsPerCore: number;
  cores: number;
  /** First core index of the population in the chip-wide numbering of its tile kind. */
  firstCore: number;
  synapses: number;
  /** Synapses on the fullest core. */
  synapsesPerCore: number;
  /** neurons / (cores * core neurons). */
  utilisation: number;
  weightBits: number | null;
}

export interface CoreMap {
  populations: PopulationMapping[];
  /** Cores used per tile, and how many the chip has. */
  tiles: { tile: string; used: number; available: number }[];
  violations: string[];
}

const fmt = (x: number) => x.toLocaleString('en-US');

/** Lays the populations onto their tiles, in order; reports every limit a population breaks. */
export function mapOnCores(populations: readonly PopulationSpec[]): CoreMap {
  const violations: string[] = [];
  const used = new Map<string, { used: number; available: number }>();
  const out: PopulationMapping[] = [];
  for (const p of populations) {
    const fanIn = p.inputs + (p.recurrent ? p.neurons : 0);
    const base = {
      name: p.name,
      neurons: p.neurons,
      fanIn,
      fanOut: p.fanOut,
      synapses: p.neurons * fanIn,
    };
    const c = p.core;
    if (!c) {
      out.push({
        ...base,
        tile: null,
        neuronsPerCore: 0,
        cores: 0,
        firstCore: 0,
        synapsesPerCore: 0,
        utilisation: 0,
        weightBits: null,
      });
      continue;
    }
    const where = `layer ${p.name} on ${c.tile}`;
    if (fanIn > c.fanIn)
      violations.push(`${where}: fan-in ${fmt(fanIn)} per neuron exceeds the core's ${fmt(c.fanIn)}`);
    if (p.fanOut > c.fanOut)
      violations.push(`${where}: fan-out ${fmt(p.fanOut)} per neuron exceeds the core's ${fmt(c.fanOut)}`);
    const bySynapses = Math.floor(c.synapses / Math.max(1, fanIn));
    const perCore = Math.min(c.neurons, bySynapses, p.neurons);
    if (bySynapses < 1)
      violations.push(
        `${where}: one neuron needs ${fmt(fanIn)} synapses, more than the ${fmt(c.synapses)} a core holds`,
      );
    const cores = perCore > 0 ? Math.ceil(p.neurons / perCore) : 0;
    const tileUse = used.get(c.tile) ?? { used: 0, available: c.count };
    const firstCore = tileUse.used;
    tileUse.used += cores;
    used.set(c.tile, tileUse);
    out.push({
      ...base,
      tile: c.tile,
      neuronsPerCore: perCore,
      cores,
      firstCore,
      synapsesPerCore: perCore * fanIn,
      utilisation: cores > 0 ? p.neurons / (cores * c.neurons) : 0,
      weightBits: c.weightBits,
    });
  }
  const tiles = [...used.entries()].map(([tile, u]) => ({ tile, ...u }));
  for (const t of tiles) {
    if (t.used > t.available)
      violations.push(
        `the network needs ${fmt(t.used)} cores of tile '${t.tile}'; the chip has ${fmt(t.available)}`,
      );
  }
  return { populations: out, tiles, violations };
}

/** One line per population, for the run log: "h: 2,048 neurons on 2 core(s) of tile 'core', ...". */
export function describeCoreMap(map: CoreMap): string[] {
  const lines = map.populations.map((p) =>
    p.tile === null
      ? `${p.name}: ${fmt(p.neurons)} neurons off-core`
      : `${p.name}: ${fmt(p.neurons)} neurons on ${p.cores} core(s) of tile '${p.tile}', ${fmt(p.neuronsPerCore)} per core ` +
        `(utilisation ${(p.utilisation * 100).toFixed(1)}%), fan-in ${fmt(p.fanIn)}, fan-out ${fmt(p.fanOut)}, ` +
        `${fmt(p.synapsesPerCore)} synapses on the fullest core, ${p.weightBits}-bit weights`,
  );
  for (const t of map.tiles) lines.push(`tile '${t.tile}': ${t.used} of ${t.available} cores used`);
  return lines;
}

/**
 * Spike counts of the mapped populations over inference samples: per neuron, then summed per core
 * and per link. A link is an ordered pair of cores (source, target) with target != source; a spike
 * of a neuron on core c travels once to every core of every population it projects to (and of its
 * own population when recurrent), so link traffic = the source core's spikes times those targets.
 */
export class CoreActivity {
  private readonly counts: Float64Array[];
  private samples = 0;

  constructor(
    readonly map: CoreMap,
    /** Index of the population each population projects to (-1: none), as in map.populations. */
    private readonly targets: readonly number[],
    private readonly recurrent: readonly boolean[],
  ) {
    this.counts = map.populations.map((p) => new Float64Array(p.neurons));
  }

  /** Adds spikes of population `pop`: spikes[offset + t*stride + j] for t < steps, j < neurons. */
  add(pop: number, spikes: ArrayLike<number>, steps: number, stride: number, offset = 0): void {
    const c = this.counts[pop]!;
    const n = c.length;
    for (let t = 0; t < steps; t++) {
      const o = offset + t * stride;
      for (let j = 0; j < n; j++) if (spikes[o + j] !== 0) c[j]! += 1;
    }
  }

  /** Counts one more sample (call once per sample, after its populations were added). */
  sample(count = 1): void {
    this.samples += count;
  }

  reset(): void {
    for (const c of this.counts) c.fill(0);
    this.samples = 0;
  }

  /** Spikes per sample of every core of a population. */
  perCore(pop: number): number[] {
    const p = this.map.populations[pop]!;
    const c = this.counts[pop]!;
    const per = p.neuronsPerCore > 0 ? p.neuronsPerCore : p.neurons;
    const cores = p.cores > 0 ? p.cores : 1;
    const out = new Array<number>(cores).fill(0);
    for (let j = 0; j < c.length; j++) out[Math.floor(j / per)]! += c[j]!;
    const s = Math.max(1, this.samples);
    return out.map((x) => x / s);
  }

  /**
   * Run metrics, per inference sample: spikes, synops (a spike times its fan-out), link spikes
   * (core-to-core messages) and, per population and core, `spikes.<layer>.<core>`.
   */
  metrics(): Record<string, number> {
    const out: Record<string, number> = {};
    let spikes = 0;
    let synops = 0;
    let links = 0;
    this.map.populations.forEach((p, i) => {
      const cores = this.perCore(i);
      const total = cores.reduce((a, b) => a + b, 0);
      spikes += total;
      synops += total * p.fanOut;
      out[`spikes_per_sample.${p.name}`] = total;
      if (p.tile !== null)
        for (const [k, x] of cores.entries()) out[`spikes_per_sample.${p.name}.core${k}`] = x;
      const t = this.targets[i]!;
      const targetCores = t >= 0 ? Math.max(1, this.map.populations[t]!.cores) : 0;
      const ownOthers = this.recurrent[i] ? Math.max(0, p.cores - 1) : 0;
      // A spike leaves its core once per target core (ownOthers: the population's other cores).
      for (const x of cores) links += x * (targetCores + ownOthers);
    });
    out.spikes_per_sample = spikes;
    out.synops_per_sample = synops;
    out.link_spikes_per_sample = links;
    out.spikes = spikes * this.samples;
    return out;
  }
}
