// Data movement and buffers of a design: spikes between spiking cores and activations between
// analog tiles on the chip's 2D mesh (with the partial sums of layers spread over row blocks), and
// the SRAM/buffer traffic of crossbar layers. Each adds count x unit energy terms through `add`;
// the analog path also returns the router's share of the latency.
import { usableCols } from '../dsl/mapping';
import type {
  Chip,
  CoreTile,
  CrossbarTile,
  ElaboratedModel,
  Experiment,
  Layer,
  LayerMapping,
  Network,
} from '../ir/model';
import type { EnergyTerm } from '../protocol/schema';
import { isSpikingNetwork, snnCoreMap, snnLayers } from '../snn/plan';
import { bitHopEnergy, meshHops, meshWidth, type Sourced } from './components';
import { type LayerCounts, layerCounts } from './counts';
import { fmt, si } from './format';
import type { LatencyTerm } from './timing';

export /** A layer's mapping on the experiment's chip, else the one the checker gave the layer. */
function mappingFor(exp: Experiment | undefined, l: Layer): LayerMapping | null {
  return exp?.mappings?.find((x) => x.layer === l.name)?.mapping ?? ('mapping' in l ? l.mapping : null);
}

export function findTile(chip: Chip, name: string): CrossbarTile | CoreTile | null {
  return chip.tiles.find((t) => t.name === name) ?? chip.cores?.find((t) => t.name === name) ?? null;
}

export type Add = (
  layer: string | null,
  tile: string | null,
  component: EnergyTerm['component'],
  what: string,
  count: number,
  unit: Sourced,
) => void;

/**
 * Spikes between spiking cores on the chip's 2D mesh: every spike of core k of a population goes
 * once to every core of the next population (and to its own population's other cores when
 * recurrent), over Manhattan-distance hops; a spike message counts as 1 bit, so the router's
 * energy_per_bit reads as Davies et al.'s energy per spike per hop.
 */
export function addMovement(
  model: ElaboratedModel,
  net: Network,
  exp: Experiment | undefined,
  chip: Chip,
  steps: number,
  recorded: Readonly<Record<string, number>> | null,
  add: Add,
  assumptions: string[],
): LatencyTerm[] {
  const hop = bitHopEnergy(chip);
  const hasCores = isSpikingNetwork(net);
  if (!hop) {
    assumptions.push(`chip ${chip.name} declares no router: data movement between tiles not counted`);
    return [];
  }
  if (!hasCores) return addAnalogMovement(net, exp, chip, hop, add, assumptions);
  const mappings =
    exp?.mappings ??
    net.layers.flatMap((l) =>
      'mapping' in l && l.mapping ? [{ layer: l.name, mapping: l.mapping as LayerMapping }] : [],
    );
  const { layers } = snnLayers(model, chip, { mappings }, net);
  const map = snnCoreMap(layers);
  const total = map.tiles.reduce((a, t) => a + Math.max(t.available, t.used), 0);
  const width = meshWidth(total);
  assumptions.push(
    `cores on a ${width} x ${width} mesh in row-major order, XY routing; a spike message is 1 bit`,
  );
  map.populations.forEach((p, i) => {
    if (p.tile === null) return;
    const targets: number[] = [];
    const next = map.populations[i + 1];
    if (next && next.tile !== null) for (let t = 0; t < next.cores; t++) targets.push(next.firstCore + t);
    const recurrent = layers[i]?.recurrent ?? false;
    let hops = 0;
    for (let k = 0; k < p.cores; k++) {
      const spikes = recorded
        ? (recorded[`spikes_per_sample.${p.name}.core${k}`] ?? 0)
        : steps * Math.min(p.neuronsPerCore, p.neurons - k * p.neuronsPerCore);
      const src = p.firstCore + k;
      let h = 0;
      for (const t of targets) h += meshHops(src, t, width);
      if (recurrent)
        for (let o = 0; o < p.cores; o++) if (o !== k) h += meshHops(src, p.firstCore + o, width);
      hops += spikes * h;
    }
    add(
      p.name,
      p.tile,
      'movement',
      `spike hops on the mesh (${recorded ? 'recorded' : 'worst-case'} spikes x hops)`,
      hops,
      hop,
    );
  });
  return [];
}

/**
 * Activations between analog layers on the router: layer L's outputs (cols x passes values of
 * adc_bits each, 8 bits when the ADC is ideal) go from L's first tile to layer L+1's first tile.
 * Tiles are numbered in layer order (each layer takes its tilesUsed, column block by column block,
 * row blocks within) on a square 2D mesh; hops are the Manhattan distance. A crossbar layer spread
 * over several row blocks digitises a partial sum in every block (the ADC count says so): each
 * block but the first sends its partial sums (its columns x adc_bits, per pass) to the first block
 * of its column, where they are added. The router's latency_per_hop times the hops of each
 * transfer is added to the sending layer's time.
 */
function addAnalogMovement(
  net: Network,
  exp: Experiment | undefined,
  chip: Chip,
  hop: Sourced,
  add: Add,
  assumptions: string[],
): LatencyTerm[] {
  const placed: {
    layer: string;
    tile: CrossbarTile | CoreTile;
    c: LayerCounts;
    m: LayerMapping;
    first: number;
    width: number;
  }[] = [];
  let next = 0;
  for (const l of net.layers) {
    const c = layerCounts(l);
    const m = mappingFor(exp, l);
    const tile = m ? findTile(chip, m.tile) : null;
    if (!c || !m || !tile) continue;
    const width = tile.kind === 'crossbar' && tile.adcBits > 0 ? tile.adcBits : 8;
    placed.push({ layer: l.name, tile, c, m, first: next, width });
    next += m.tilesUsed;
  }
  const side = meshWidth(next);
  const perHop = chip.router?.latencyPerHop ?? 0;
  const latency: LatencyTerm[] = [];
  assumptions.push(
    `analog tiles on a ${side} x ${side} mesh in layer order, XY routing; each layer's outputs move from its first tile to the next layer's first tile`,
  );
  for (const [i, a] of placed.entries()) {
    if (a.tile.kind === 'crossbar' && a.m.rowBlocks > 1) {
      // Partial sums: block (row r, column block k) sits at first + k * rowBlocks + r.
      const { rowBlocks, colBlocks } = a.m;
      const usable = usableCols(a.tile);
      let bitHops = 0;
      let bits = 0;
      let maxHops = 0;
      for (let k = 0; k < colBlocks; k++) {
        const cols = Math.min(usable, a.c.cols - k * usable);
        const head = a.first + k * rowBlocks;
        for (let r = 1; r < rowBlocks; r++) {
          const h = meshHops(head + r, head, side);
          bits += a.c.passes * cols * a.width;
          bitHops += a.c.passes * cols * a.width * h;
          maxHops = Math.max(maxHops, h);
        }
      }
      add(
        a.layer,
        a.tile.name,
        'movement',
        `partial sums between ${rowBlocks} row blocks: ${fmt(bits)} bits (${fmt(a.c.passes)} pass(es) x ${rowBlocks - 1} block(s) x columns x ${a.width} bit) over their hops to the first block`,
        bitHops,
        hop,
      );
      if (perHop > 0 && maxHops > 0)
        latency.push({
          layer: a.layer,
          tile: a.tile.name,
          what: `partial sums: ${fmt(a.c.passes)} pass(es) x ${maxHops} hop(s) x ${si(perHop, 's')}`,
          time: a.c.passes * maxHops * perHop,
        });
    }
    const b = placed[i + 1];
    if (!b) continue;
    const bits = a.c.passes * a.c.cols * a.width;
    const hops = meshHops(a.first, b.first, side);
    add(
      a.layer,
      a.tile.name,
      'movement',
      `output bits to layer ${b.layer}: ${fmt(bits)} bits x ${hops} hop(s)`,
      bits * hops,
      hop,
    );
    if (perHop > 0 && hops > 0)
      latency.push({
        layer: a.layer,
        tile: a.tile.name,
        what: `outputs to layer ${b.layer}: ${hops} hop(s) x ${si(perHop, 's')}`,
        time: hops * perHop,
      });
  }
  return latency;
}

/**
 * SRAM/buffer traffic of the crossbar layers: every pass reads the layer's inputs (rows without
 * the bias row, dac_bits each, 8 when the DAC is ideal) from the buffer and writes its outputs
 * (cols, adc_bits each, 8 when ideal) back. conv2d passes re-read overlapping inputs (im2col, no
 * line buffer). Other tile kinds move their data in the analog domain or on the mesh.
 */
export function addBuffers(
  net: Network,
  exp: Experiment | undefined,
  chip: Chip,
  add: Add,
  assumptions: string[],
) {
  const unit: Sourced = { value: chip.sramEnergy!, source: `dsl (chip ${chip.name}.sram_energy)` };
  for (const l of net.layers) {
    const c = layerCounts(l);
    const m = mappingFor(exp, l);
    const tile = m ? findTile(chip, m.tile) : null;
    if (!c || !tile) continue;
    if (tile.kind !== 'crossbar') {
      assumptions.push(
        `SRAM/buffer: layer ${l.name} on ${tile.kind} tile ${tile.name} does not use the buffer; not counted`,
      );
      continue;
    }
    const bias = 'bias' in l && l.bias ? 1 : 0;
    const inBits = tile.dacBits > 0 ? tile.dacBits : 8;
    const outBits = tile.adcBits > 0 ? tile.adcBits : 8;
    const read = c.passes * (c.rows - bias) * inBits;
    const written = c.passes * c.cols * outBits;
    add(
      l.name,
      tile.name,
      'buffer',
      `buffer: ${fmt(read)} input bits read (${fmt(c.passes)} pass(es) x ${fmt(c.rows - bias)} x ${inBits} bit) + ${fmt(written)} output bits written (x ${fmt(c.cols)} x ${outBits} bit)`,
      read + written,
      unit,
    );
  }
}
