// Parse + check speed of the DSL on a generated 5,000-line file (the size of a large device
// library plus several chips). Reports the median of repeated runs after a warm-up.
import { checkDocument } from '../engine/dsl';

export interface DslBenchResults {
  lines: number;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  goalMs: number;
}

// One block of a realistic file: devices with comments and units, a chip, a network, an
// experiment. Inline, so the bundled CLI needs no source tree.
const BLOCK = `// Block {i}: an RRAM crossbar design point.
device rram_{i} : rram {
  g_min = 1uS             // lowest programmable conductance
  g_max = 100uS           // highest programmable conductance
  levels = 32
  program_noise = 5%
  read_noise = 1%
  energy { read = 20fJ  write = 1pJ }
}

device ideal_{i} : ideal {
  g_min = 0.1uS
  g_max = 10uS
}

chip chip_{i} {
  node 22nm
  tile xbar : crossbar(rows = 256, cols = 256) {
    device = rram_{i}
    dac_bits = 8
    adc_bits = 8
    count = 16
  }
}

network mlp_{i} {
  input x : 28x28
  dense h : 256 { act = relu } on xbar
  dense y : 10 on xbar
}

experiment run_{i} {
  chip = chip_{i}
  network = mlp_{i}
  dataset = mnist
  train {
    rule = backprop
    optimizer = sgd(lr = 0.1, momentum = 0.9)
    epochs = 1
    batch = 32
  }
  seed = {i}
}
`;

/** Copies of BLOCK with distinct names, until the text has `targetLines` lines. */
export function generateLargeDocument(targetLines: number): string {
  const parts: string[] = [];
  let lines = 0;
  for (let i = 0; lines < targetLines; i++) {
    const copy = BLOCK.replaceAll('{i}', String(i));
    parts.push(copy);
    lines += copy.split('\n').length;
  }
  return parts.join('\n');
}

export function runDslBench({ quick }: { quick: boolean }): DslBenchResults {
  const text = generateLargeDocument(5000);
  const runs = quick ? 5 : 25;
  for (let i = 0; i < 3; i++) checkDocument('bench.nfab', text);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const result = checkDocument('bench.nfab', text);
    times.push(performance.now() - t0);
    if (result.hasErrors) throw new Error('benchmark document has errors; the generator is out of date');
  }
  times.sort((a, b) => a - b);
  return {
    lines: text.split('\n').length,
    runs,
    medianMs: times[Math.floor(times.length / 2)]!,
    minMs: times[0]!,
    maxMs: times[times.length - 1]!,
    goalMs: 50,
  };
}

export function formatDslBench(r: DslBenchResults): string {
  return [
    `DSL parse + check, ${r.lines.toLocaleString('en-US')} lines, ${r.runs} runs`,
    `median ${r.medianMs.toFixed(1)} ms (min ${r.minMs.toFixed(1)}, max ${r.maxMs.toFixed(1)}); goal < ${r.goalMs} ms: ${
      r.medianMs < r.goalMs ? 'met' : 'NOT met'
    }`,
  ].join('\n');
}
