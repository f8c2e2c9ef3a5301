import { describe, expect, it } from 'vitest';
import { checkDocument } from '../../engine/dsl/index';

// A file with deliberate mistakes: a unit mistake, a misspelt field, a layer whose fan-in is over
// its spiking core's limit, and a network that needs more crossbars than the chip has. The
// checker must report exactly these, at exactly these places, and nothing else.
const FILE = `device bad : rram {
  g_max = 5ns
  levles = 32
}

device good : rram { }

neuron n : lif { }

chip c {
  tile xbar : crossbar(rows = 256, cols = 256) { device = good  count = 4 }
  tile core : spiking_core { neurons = 128  fan_in = 100  neuron = n }
}

network snn {
  input x : 28x28
  spiking s : 64 { neuron = n } on core
}

network mlp {
  input x : 28x28
  dense h : 256 on xbar
  dense y : 10 on xbar
}

experiment e {
  chip = c
  network = mlp
  dataset = mnist
}
`;

const ALLOWED_DEVICE_FIELDS =
  'g_min, g_max, levels, program_noise, read_noise, stuck_at_gmin, stuck_at_gmax, energy, dw_min, ' +
  'up_down, dtod, ctoc, soft_bounds, nonlinearity, w_min, w_max, drift, endurance, temp_coeff, ' +
  'latency, line_symmetry, switch_prob, read_noise_model, area, f_res, linewidth';

function all(text: string): string[] {
  return checkDocument('deliberate.nfab', text).diagnostics.map(
    (d) =>
      `${d.severity} ${d.range.start.line}:${d.range.start.col}-${d.range.end.line}:${d.range.end.col} ${d.message}`,
  );
}

describe('deliberate errors', () => {
  it('gives exactly the expected diagnostics and nothing else', () => {
    expect(all(FILE)).toEqual([
      'error 2:11-2:14 g_max: expected a conductance (S, e.g. 25uS), got a time (5ns)',
      `error 3:3-3:9 unknown field 'levles' in device 'bad'. Did you mean 'levels'? Allowed: ${ALLOWED_DEVICE_FIELDS}.`,
      "error 17:11-17:12 layer 's': each neuron has 784 inputs but 'core' allows a fan-in of 100",
      "info 22:9-22:10 layer 'h': 785x256 weights (incl. bias row) on 'xbar' (256x256): 4 row blocks x 1 col block = 4 tiles, utilisation 76.7%",
      "info 23:9-23:10 layer 'y': 257x10 weights (incl. bias row) on 'xbar' (256x256): 2 row blocks x 1 col block = 2 tiles, utilisation 2.0%",
      "error 27:10-27:11 network 'mlp' needs 6 'xbar' tiles (h: 4, y: 2) but chip 'c' has 4 (count = 4)",
    ]);
  });

  it('uses the documented codes', () => {
    const codes = checkDocument('deliberate.nfab', FILE).diagnostics.map((d) => d.code);
    expect(codes).toEqual(['unit-mismatch', 'unknown-field', 'mapping', 'mapping', 'mapping', 'mapping']);
  });

  it('is clean once the mistakes are fixed', () => {
    const fixed = FILE.replace('g_max = 5ns', 'g_max = 5uS')
      .replace('levles', 'levels')
      .replace('fan_in = 100', 'fan_in = 1024')
      .replace('count = 4', 'count = 6');
    expect(all(fixed).filter((d) => !d.startsWith('info'))).toEqual([]);
  });

  it('a conv2d fan-in over a spiking core limit is reported at the layer name', () => {
    const text = `neuron n : lif { }
chip c { tile core : spiking_core { fan_in = 16 } }
network cnn {
  input x : 28x28
  conv2d k : 8 { kernel = 5 } on core
}
`;
    expect(all(text)).toEqual([
      "error 5:10-5:11 layer 'k': each neuron has 25 inputs but 'core' allows a fan-in of 16",
    ]);
  });
});
