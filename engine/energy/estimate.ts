// The estimator: E = synaptic ops x E_syn + neuron updates x E_neuron + conversions x (E_ADC, E_DAC)
// + bits x hops x E_bit-hop + buffer bits x E_SRAM + P_static / throughput, as a list of terms
// count x unit energy, each with the source of its unit energy (SCIENCE.md "Energy", seed 003);
// latency and throughput from the read and ADC times (timing.ts), area from cells, periphery and
// routers (area.ts). Terms the design gives no basis for are listed in `assumptions`, never invented.

import type { Chip, CoreTile, ElaboratedModel, Experiment, Layer, Network, NeuronModel } from '../ir/model';
import type { EnergyReport, EnergyTerm } from '../protocol/schema';
import { DEFAULT_DT, DEFAULT_TIME_STEPS, isSpikingNetwork } from '../snn/plan';
import { type AreaTerm, chipArea } from './area';
import {
  adcEnergy,
  dacEnergy,
  neuronSpikeEnergy,
  neuronUpdateEnergy,
  synapseReadEnergy,
  synopEnergy,
  writeEnergy,
} from './components';
import { conversions, type LayerCounts, layerCounts } from './counts';
import { fmt, si } from './format';
import { type Add, addBuffers, addMovement, findTile, mappingFor } from './movement';
import { crossbarStage, type LatencyTerm, rfChainStage, type StageTime, totalTiming } from './timing';

/** The report with its latency and area worked out term by term (always present in a fresh estimate). */
export interface EnergyEstimate extends EnergyReport {
  latencyTerms: LatencyTerm[];
  areaTerms: AreaTerm[];
}

export class EnergyError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found',
  ) {
    super(message);
  }
}

export interface EstimateOptions {
  /** Network to estimate; default the first experiment's network, else the first network. */
  network?: string;
  /** Experiment whose chip and mapping to use; default the first one on the network. */
  experiment?: string;
  /** A finished run's metrics: spiking layers then take their counts from the recorded spikes. */
  recorded?: Readonly<Record<string, number>>;
}

/** The estimate of one network on its chip. */
export function estimateEnergy(model: ElaboratedModel, opts: EstimateOptions = {}): EnergyEstimate {
  const { net, exp, chip } = resolveDesign(model, opts);
  const terms: EnergyTerm[] = [];
  const assumptions: string[] = [];
  const add: Add = (layer, tile, component, what, count, unit) => {
    if (count <= 0) return;
    terms.push({
      layer,
      tile,
      component,
      what,
      count,
      unitEnergy: unit.value,
      energy: count * unit.value,
      source: unit.source,
    });
  };
  const neuronNamed = (name: string | undefined) =>
    name ? (model.neurons?.find((n) => n.name === name) ?? null) : null;

  const spiking = isSpikingNetwork(net);
  const steps = exp?.train.spiking?.timeSteps ?? DEFAULT_TIME_STEPS;
  const dt = exp?.train.spiking?.dt ?? DEFAULT_DT;
  const recorded = spiking && opts.recorded !== undefined && opts.recorded.spikes_per_sample !== undefined;
  if (spiking) {
    if (exp?.train.spiking?.timeSteps === undefined)
      assumptions.push(`time steps per classification: ${steps} (engine default, engine/snn/plan.ts)`);
    assumptions.push(
      recorded
        ? 'spike counts: recorded by the run (mean per test sample)'
        : `spike counts: worst case (every neuron spikes at each of the ${steps} steps); a finished run gives recorded counts`,
    );
  }

  const stages: LatencyTerm[] = [];
  let timed = true; // false once a layer lacks a time it needs
  const stage = (st: StageTime) => {
    assumptions.push(...st.notes);
    if (st.term) stages.push(st.term);
    else timed = false;
  };
  let prevSpikes: number | null = null; // spikes per classification of the previous population
  const weighted = net.layers.map((l) => ({ layer: l, counts: layerCounts(l) })).filter((x) => x.counts);
  for (const [index, { layer, counts }] of weighted.entries()) {
    const c = counts as LayerCounts;
    const m = mappingFor(exp, layer);
    const tile = m && chip ? findTile(chip, m.tile) : null;
    if (!m || !tile) {
      assumptions.push(
        `layer ${layer.name} is not mapped on a tile: its ${fmt(c.synapses)} synaptic ops and ${fmt(c.neurons)} neurons are not counted`,
      );
      timed = false;
      prevSpikes = null;
      continue;
    }
    const layerNeuron = neuronNamed('neuron' in layer ? (layer.neuron as string | undefined) : undefined);
    if (tile.kind === 'crossbar') {
      const device = model.devices.find((d) => d.name === tile.device);
      if (device) {
        const diff = tile.signedWeights === 'differential';
        add(
          layer.name,
          tile.name,
          'synapse',
          `${device.name} reads: ${fmt(c.synapses)} weight uses${diff ? ' x 2 (differential pair)' : ''}`,
          c.synapses * (diff ? 2 : 1),
          synapseReadEnergy(device),
        );
      }
      if (!spiking) stage(crossbarStage(c, m, tile, device));
      const conv = conversions(c, m);
      if (tile.adcBits > 0)
        add(
          layer.name,
          tile.name,
          'adc',
          `ADC conversions (${tile.adcBits} bit): ${fmt(c.passes)} pass(es) x ${fmt(c.cols)} columns x ${m.rowBlocks} row block(s)`,
          conv.adc,
          adcEnergy(tile.adcBits, chip!.node, tile.adcEnergy),
        );
      else assumptions.push(`tile ${tile.name}: adc_bits = 0 (ideal ADC), conversions not counted`);
      const dac = dacEnergy(tile);
      if (tile.dacBits > 0 && dac)
        add(
          layer.name,
          tile.name,
          'dac',
          `DAC conversions (${tile.dacBits} bit): ${fmt(c.passes)} pass(es) x ${fmt(c.rows)} rows x ${m.colBlocks} col block(s)`,
          conv.dac,
          dac,
        );
      else if (tile.dacBits > 0)
        assumptions.push(
          `tile ${tile.name}: no dac_energy set: ${fmt(conv.dac)} DAC conversions of layer ${layer.name} not counted`,
        );
      addNeurons(layer, c, tile.name, layerNeuron, null);
      prevSpikes = null;
      continue;
    }
    const core = tile as CoreTile;
    if (core.kind === 'spiking_core') {
      const neuron = layerNeuron ?? neuronNamed(core.neuron);
      const units = c.cols;
      const isSpiking = layer.kind === 'spiking';
      const own = layer.kind === 'spiking' && layer.recurrent;
      let synops: number;
      let what: string;
      if (recorded) {
        const mine = opts.recorded![`spikes_per_sample.${layer.name}`] ?? 0;
        if (index === 0 || prevSpikes === null) {
          synops = 0;
          assumptions.push(
            `layer ${layer.name}: input spikes are not recorded by the run, so the synaptic ops they cause (fan-in ${fmt(c.rows)}) are not counted`,
          );
        } else synops = prevSpikes * units;
        if (own) synops += mine * units;
        what = `synaptic ops: recorded spikes in x ${fmt(units)} targets`;
        if (isSpiking && neuron)
          add(layer.name, core.name, 'neuron', `spikes (recorded)`, mine, neuronSpikeEnergy(neuron));
        prevSpikes = mine;
      } else {
        synops = steps * c.synapses;
        what = `synaptic ops (worst case): ${steps} steps x ${fmt(c.rows)} inputs x ${fmt(units)} neurons`;
        if (isSpiking && neuron)
          add(
            layer.name,
            core.name,
            'neuron',
            `spikes (worst case: ${steps} steps x ${fmt(units)})`,
            steps * units,
            neuronSpikeEnergy(neuron),
          );
        prevSpikes = steps * units;
      }
      add(layer.name, core.name, 'synapse', what, synops, synopEnergy(core));
      if (neuron)
        add(
          layer.name,
          core.name,
          'neuron',
          `neuron updates: ${steps} steps x ${fmt(units)}`,
          steps * units,
          neuronUpdateEnergy(neuron),
        );
      else assumptions.push(`layer ${layer.name}: no neuron model on tile ${core.name}: updates not counted`);
      continue;
    }
    // rf_chain and the other cores: one device read (or MAC) per weight use.
    const device = core.device ? model.devices.find((d) => d.name === core.device) : undefined;
    const mac = core.params.mac_energy;
    if (core.kind === 'rf_chain' && device) {
      const oscillator = neuronNamed(core.neuron);
      const input = net.layers.find((l) => l.kind === 'input');
      if (index === 0 && oscillator && input) {
        // A chain reads RF power: the network's inputs must be emitted by oscillators too. Seed 003
        // counts them: its MLP's 1,084 neurons are 784 inputs + 300 hidden.
        add(
          input.name,
          core.name,
          'neuron',
          `${oscillator.name} input oscillators: ${fmt(input.size)} inputs emitted as RF (seed 003 counts inputs as neurons)`,
          input.size,
          neuronUpdateEnergy(oscillator),
        );
      }
      add(
        layer.name,
        core.name,
        'synapse',
        `${device.name} reads (synaptic ops): ${describe(c)}`,
        c.synapses,
        synapseReadEnergy(device),
      );
      if (!spiking) stage(rfChainStage(c, core, device));
    } else if (typeof mac === 'number') {
      add(layer.name, core.name, 'synapse', `MACs: ${describe(c)}`, c.synapses, {
        value: mac,
        source: `dsl (tile ${core.name}.mac_energy)`,
      });
      timed = false;
    } else {
      assumptions.push(
        `tile ${core.name} (${core.kind}) gives no energy per operation: layer ${layer.name}'s ${fmt(c.synapses)} ops not counted`,
      );
      timed = false;
    }
    addNeurons(layer, c, core.name, layerNeuron, neuronNamed(core.neuron));
    prevSpikes = null;
  }

  function addNeurons(
    l: Layer,
    c: LayerCounts,
    tile: string,
    own: NeuronModel | null,
    ofTile: NeuronModel | null,
  ) {
    const n = own ?? ofTile;
    if (n)
      add(
        l.name,
        tile,
        'neuron',
        `${n.name} neurons: ${fmt(c.neurons)} output units`,
        c.neurons,
        neuronUpdateEnergy(n),
      );
    else
      assumptions.push(
        `layer ${l.name}: activation (${'activation' in l ? l.activation : l.kind}) in the periphery has no energy model: ${fmt(c.neurons)} units not counted`,
      );
  }

  if (chip) {
    const moved = addMovement(
      model,
      net,
      exp,
      chip,
      steps,
      recorded ? opts.recorded! : null,
      add,
      assumptions,
    );
    stages.push(...moved);
    if (chip.sramEnergy !== undefined) addBuffers(net, exp, chip, add, assumptions);
    else assumptions.push('SRAM/buffer accesses: the chip gives no sram_energy; not counted');
  } else assumptions.push('SRAM/buffer accesses: no chip; not counted');
  const programming = programmingEnergy(model, net, exp, chip);
  if (programming) assumptions.push(programming);

  let latency: number | null = null;
  let throughput: number | null = null;
  if (spiking) {
    latency = steps * dt;
    throughput = 1 / latency;
    assumptions.push(`latency: ${steps} steps x ${dt * 1e3} ms`);
  } else if (timed && stages.length > 0) {
    const t = totalTiming(stages, chip?.pipeline === true);
    latency = t.latency;
    throughput = t.throughput;
    assumptions.push(
      chip?.pipeline
        ? 'latency: layers in sequence; throughput: layers pipelined (chip pipeline = true), 1 / the slowest layer'
        : 'latency: layers in sequence, one classification at a time (throughput = 1 / latency; set pipeline = true on the chip for a layer pipeline)',
    );
  } else
    assumptions.push('latency: the design lacks read times for its tiles (device latency); not estimated');

  if (chip?.staticPower !== undefined) {
    if (throughput !== null)
      add(
        null,
        null,
        'static',
        `static power x ${si(1 / throughput, 's')} per classification (1 / throughput)`,
        1 / throughput,
        { value: chip.staticPower, source: `dsl (chip ${chip.name}.static_power)` },
      );
    else assumptions.push('static power: set, but the latency is not estimated; not counted');
  } else assumptions.push('static (leakage) power: the chip gives no static_power; not counted');

  let area: number | null = null;
  let areaTerms: AreaTerm[] = [];
  if (chip) {
    const a = chipArea(model, chip);
    area = a.area;
    areaTerms = a.terms;
    assumptions.push(...a.missing);
    if (area !== null)
      assumptions.push(`area: every tile copy chip ${chip.name} declares, not only those this network uses`);
  }
  if (area === null) assumptions.push('area: the design gives no cell or periphery areas; not estimated');

  const total = terms.reduce((a, t) => a + t.energy, 0);
  return {
    network: net.name,
    chip: chip?.name ?? null,
    energyPerClassification: total,
    latency,
    throughput,
    area,
    counts: recorded ? 'recorded' : 'static',
    terms,
    assumptions: [...new Set(assumptions)],
    latencyTerms: spiking ? [] : inLayerOrder(net, stages),
    areaTerms,
  };
}

/** Stage terms grouped by layer, in the network's order (a layer's array time, then its transfers). */
function inLayerOrder(net: Network, stages: LatencyTerm[]): LatencyTerm[] {
  const order = new Map(net.layers.map((l, i) => [l.name, i]));
  return stages
    .map((s, i) => ({ s, i }))
    .sort((a, b) => (order.get(a.s.layer) ?? 0) - (order.get(b.s.layer) ?? 0) || a.i - b.i)
    .map((x) => x.s);
}

const describe = (c: LayerCounts) =>
  c.passes > 1
    ? `${fmt(c.passes)} positions x ${fmt(c.rows)} x ${fmt(c.cols)} = ${fmt(c.synapses)}`
    : `${fmt(c.rows)} x ${fmt(c.cols)} = ${fmt(c.synapses)}`;

function resolveDesign(model: ElaboratedModel, opts: EstimateOptions) {
  let exp: Experiment | undefined;
  if (opts.experiment) {
    exp = model.experiments.find((e) => e.name === opts.experiment);
    if (!exp) throw new EnergyError(`no experiment '${opts.experiment}'`, 'not-found');
  }
  const netName = opts.network ?? exp?.network ?? model.experiments[0]?.network ?? model.networks[0]?.name;
  const net = model.networks.find((n) => n.name === netName);
  if (!net) {
    const names = model.networks.map((n) => n.name).join(', ') || 'none';
    throw new EnergyError(
      netName ? `no network '${netName}' (networks: ${names})` : 'the file defines no network',
      'not-found',
    );
  }
  exp ??= model.experiments.find((e) => e.network === net.name);
  let chip = exp ? model.chips.find((c) => c.name === exp.chip) : undefined;
  if (!chip) {
    const tiles = net.layers.flatMap((l) => ('mapping' in l && l.mapping ? [l.mapping.tile] : []));
    chip = model.chips.find((c) => tiles.some((t) => findTile(c, t)));
  }
  return { net, exp, chip: chip ?? null };
}

/** One-off programming energy of the mapped weights (not per classification), as an assumption line. */
function programmingEnergy(
  model: ElaboratedModel,
  net: Network,
  exp: Experiment | undefined,
  chip: Chip | null,
): string | null {
  if (!chip) return null;
  let total = 0;
  let weights = 0;
  for (const l of net.layers) {
    const c = layerCounts(l);
    const m = mappingFor(exp, l);
    const tile = m ? findTile(chip, m.tile) : null;
    const devName = tile?.kind === 'crossbar' ? tile.device : (tile as CoreTile | null)?.device;
    const device = devName ? model.devices.find((d) => d.name === devName) : undefined;
    if (!c || !device) continue;
    // A crossbar holds each distinct weight once (twice: differential pair); an rf_chain pass is
    // fully parallel, so every weight use is its own resonator (the synapse count).
    const w =
      tile?.kind === 'rf_chain'
        ? c.synapses
        : c.rows * c.cols * (tile?.kind === 'crossbar' && tile.signedWeights === 'differential' ? 2 : 1);
    weights += w;
    total += w * writeEnergy(device).value;
  }
  if (weights === 0) return null;
  return `programming (once per deployment, not per classification): ${fmt(weights)} devices x one write pulse = ${total.toExponential(3)} J; each in-situ training update costs one pulse per device changed`;
}
