// A 2x2 sweep that trains in well under a second per point: two-moons data and a 2-8-2 network
// on a small crossbar. Shared by the run-administration and CLI tests.
export const TINY_SWEEP_DSL = `device dev : rram {
  levels = 32
  program_noise = 2%
}
chip c { tile xbar : crossbar(rows = 16, cols = 16) { device = dev  dac_bits = 0  adc_bits = 0  count = 4 } }
network n {
  input x : 2
  dense h : 8 { act = relu } on xbar
  dense y : 2 on xbar
}
experiment e {
  chip = c  network = n  dataset = synthetic_moons
  train { rule = hw_aware  optimizer = sgd(lr = 0.1, momentum = 0.9)  batch = 16  epochs = 2 }
  seed = 5  train_limit = 256  test_limit = 64
  sweep dev.program_noise in [0%, 5%]
  sweep dev.levels in [4, 64]
}
`;
