// Operation counts per classification, from the elaborated model: how many synaptic ops, neuron
// updates and conversions each layer costs. Counting convention (docs/energy.md):
// - a synapse is one weight use: dense inputs x units (+ units with a bias row); conv2d every output
//   position uses its own k*k*c_in x c_out weights (a fully parallel analog pass has no
//   time-multiplexing, so weight sharing saves parameters, not device reads);
// - a neuron is one output unit of a conv2d, dense, recurrent or spiking layer (inputs and pooling
//   are not neurons);
// - conversions follow the crossbar mapping: every crossbar a layer uses drives its rows with DACs
//   and digitises its columns with ADCs once per pass (one pass per output position for conv2d).
import type { Layer, LayerMapping } from '../ir/model';

export interface LayerCounts {
  layer: string;
  kind: Layer['kind'];
  /** Weight uses per classification (one pass of the network). */
  synapses: number;
  /** Output units (neurons) per classification. */
  neurons: number;
  /** Passes through the layer's tiles per classification: output positions for conv2d, else 1. */
  passes: number;
  /** Matrix the layer lays on its tiles: rows (inputs, + 1 with a bias) x cols (outputs). */
  rows: number;
  cols: number;
}

/** Counts of one layer; null for layers with no weights (input, pool, flatten). */
export function layerCounts(layer: Layer): LayerCounts | null {
  switch (layer.kind) {
    case 'dense': {
      const rows = layer.inputs + (layer.bias ? 1 : 0);
      return base(layer, rows, layer.units, 1, layer.units);
    }
    case 'conv2d': {
      const [cIn] = layer.inShape;
      const [cOut, h, w] = layer.outShape;
      const rows = layer.kernel * layer.kernel * cIn + (layer.bias ? 1 : 0);
      return base(layer, rows, cOut, h * w, cOut * h * w);
    }
    case 'recurrent':
    case 'spiking': {
      const rows = layer.inputs + (layer.recurrent ? layer.units : 0) + (layer.bias ? 1 : 0);
      return base(layer, rows, layer.units, 1, layer.units);
    }
    default:
      return null;
  }
}

function base(layer: Layer, rows: number, cols: number, passes: number, neurons: number): LayerCounts {
  return { layer: layer.name, kind: layer.kind, synapses: passes * rows * cols, neurons, passes, rows, cols };
}

/**
 * Conversions of a layer on crossbars: each of the rowBlocks x colBlocks crossbars converts its
 * rows in (DACs) and its columns out (ADCs) once per pass. Rows and columns are the used ones: a
 * layer of 785 rows on 256-row crossbars drives 785 DACs per column block, not 4 x 256.
 */
export function conversions(c: LayerCounts, m: LayerMapping): { dac: number; adc: number } {
  return { dac: c.passes * c.rows * m.colBlocks, adc: c.passes * c.cols * m.rowBlocks };
}
