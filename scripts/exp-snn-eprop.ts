// e-prop on the pattern-generation task (issue 7 Done-when: "e-prop learns a temporal task with a
// falling loss curve"). Bellec et al. 2020 Fig. 2 setup, smaller network (docs/engine-snn-local-rules.md).
//
//   npx tsx scripts/exp-snn-eprop.ts [--iterations 300] [--recurrent 100] [--inputs 100]
//     [--steps 1000] [--lr 0.003] [--feedback random|symmetric|both] [--seed 1] [--out docs/data/snn-eprop.json]
//   npx tsx scripts/exp-snn-eprop.ts --task recall [--iterations 600] [--recurrent 100] [--delay 600]
//     [--seed 1] [--out docs/data/snn-eprop-recall.json]
//
//   npx tsx scripts/exp-snn-eprop.ts --task classify [--iterations 1000] [--recurrent 200]
//     [--lr 0.001] [--test 500] [--seed 1] [--out docs/data/snn-eprop-classify.json]
//
// --task classify: 10 classes of Poisson spike patterns, 100 channels, 100 steps (the sizes and
// the Adam rate of examples/eprop-recurrent-snn.nfab); test accuracy every 100 samples.
// --task recall: delayed recall (a bit cued for 50 ms, a delay, a 50 ms recall window), random
// e-prop, half of the neurons adaptive (ALIF) against all LIF; writes the fraction correct and the
// masked MSE per block of 50 trials.
//
// Writes the loss curve (MSE per iteration, one trial of 1 s per iteration) of each feedback kind,
// the silent network's MSE (the reference), the firing rates, the final output against the target
// (every 10th step), and the run's settings, load and time.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import {
  DEFAULT_EPROP,
  type EpropOptions,
  trainDelayedRecall,
  trainPatternGeneration,
  trainSpikeClassification,
} from '../engine/snn/eprop';
import { DEFAULT_DELAYED_RECALL, DEFAULT_SPIKE_PATTERNS } from '../engine/snn/tasks';
import { fractionIn } from '../engine/snn/three-factor';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const num = (k: string, d: number) => (args.has(k) ? Number(args.get(k)) : d);
const str = (k: string, d: string) => args.get(k) ?? d;

const task = str('task', 'pattern');
if (task === 'recall') {
  runRecall();
  process.exit(0);
}
if (task === 'classify') {
  runClassify();
  process.exit(0);
}
const iterations = num('iterations', 300);
const recurrent = num('recurrent', 100);
const inputs = num('inputs', 100);
const steps = num('steps', 1000);
const lr = num('lr', 0.003);
const seed = num('seed', 1);
const fb = str('feedback', 'both');
const out = str('out', 'docs/data/snn-eprop.json');
const kinds: EpropOptions['feedback'][] =
  fb === 'both' ? ['random', 'symmetric'] : [fb as EpropOptions['feedback']];

const round = (x: number, d = 5) => Number(x.toFixed(d));
const runs = [];
for (const feedback of kinds) {
  const t0 = Date.now();
  const load0 = loadavg()[0]!;
  const r = trainPatternGeneration({
    iterations,
    seed,
    task: { inputs, steps },
    network: { recurrent, lr, feedback },
    onIteration: (it, x) => {
      if (it % 25 === 0 || it === iterations - 1) {
        console.log(`${feedback} it ${it}: mse ${x.mse.toFixed(4)} rate ${x.rate.toFixed(1)} Hz`);
      }
    },
  });
  const seconds = (Date.now() - t0) / 1000;
  const tail = r.losses.slice(-10);
  const final = tail.reduce((s, x) => s + x, 0) / tail.length;
  const o = r.task.options;
  const outputEvery10: number[][] = [];
  for (let t = 0; t < o.steps; t += 10)
    outputEvery10.push([t, round(r.task.target[t]!, 4), round(r.network.output[t]!, 4)]);
  const summary = {
    feedback,
    firstMse: round(r.losses[0]!),
    finalMse10: round(final),
    ratio: round(r.losses[0]! / final, 2),
    silentMse: round(r.silentMse),
    seconds: round(seconds, 1),
    loadAvg1: round(load0, 2),
  };
  console.log(JSON.stringify(summary));
  runs.push({
    ...summary,
    losses: r.losses.map((x) => round(x)),
    rates: r.rates.map((x) => round(x, 1)),
    outputEvery10,
  });
}
const doc = {
  command: `npx tsx scripts/exp-snn-eprop.ts ${process.argv.slice(2).join(' ')}`.trim(),
  task: {
    kind: 'pattern_generation',
    inputs,
    steps,
    dt: 1e-3,
    inputRate: 20,
    frequencies: [1, 2, 3, 5],
    outputs: 1,
  },
  network: {
    recurrent,
    tauMem: 20e-3,
    tauOut: 20e-3,
    threshold: 1,
    refractorySteps: 2,
    surrogate: 'triangle',
    gamma: 0.3,
    lr,
    optimizer: 'adam',
  },
  seed,
  iterations,
  runs,
};
writeFileSync(out, `${JSON.stringify(doc)}\n`);
console.log(`wrote ${out}`);

function runRecall(): void {
  const iterations = num('iterations', 600);
  const recurrent = num('recurrent', 100);
  const delay = num('delay', 600);
  const seed = num('seed', 1);
  const out = str('out', 'docs/data/snn-eprop-recall.json');
  const round = (x: number, d = 4) => Number(x.toFixed(d));
  const runs = [];
  for (const adaptiveFraction of [0.5, 0]) {
    const t0 = Date.now();
    const load0 = loadavg()[0]!;
    const r = trainDelayedRecall({
      iterations,
      seed,
      task: { delaySteps: delay },
      network: { recurrent, adaptiveFraction },
    });
    const blocks = [];
    for (let b = 0; b < iterations; b += 50) {
      const e = Math.min(iterations, b + 50);
      let l = 0;
      for (let q = b; q < e; q++) l += r.losses[q]!;
      blocks.push({
        trials: `${b}-${e - 1}`,
        correct: round(fractionIn(r.correct, b, e)),
        mse: round(l / (e - b)),
      });
    }
    const summary = {
      adaptiveFraction,
      seconds: round((Date.now() - t0) / 1000, 1),
      loadAvg1: round(load0, 2),
    };
    console.log(JSON.stringify(summary));
    for (const b of blocks) console.log(`  ${b.trials}\tcorrect ${b.correct}\tmse ${b.mse}`);
    runs.push({ ...summary, blocks });
  }
  const doc = {
    command: `npx tsx scripts/exp-snn-eprop.ts ${process.argv.slice(2).join(' ')}`.trim(),
    task: { kind: 'delayed_recall', ...DEFAULT_DELAYED_RECALL, delaySteps: delay },
    network: {
      recurrent,
      feedback: 'random',
      tauAdapt: DEFAULT_EPROP.tauAdapt,
      betaAdapt: DEFAULT_EPROP.betaAdapt,
    },
    seed,
    iterations,
    runs,
  };
  writeFileSync(out, `${JSON.stringify(doc)}\n`);
  console.log(`wrote ${out}`);
}

function runClassify(): void {
  const iterations = num('iterations', 1000);
  const recurrent = num('recurrent', 200);
  const lr = num('lr', 0.001);
  const testSamples = num('test', 500);
  const seed = num('seed', 1);
  const out = str('out', 'docs/data/snn-eprop-classify.json');
  const t0 = Date.now();
  const load0 = loadavg()[0]!;
  const r = trainSpikeClassification({
    iterations,
    testSamples,
    evalEvery: 100,
    seed,
    network: { recurrent, lr },
  });
  for (const [it, acc] of r.accuracy) console.log(`after ${it} samples: test accuracy ${acc}`);
  const doc = {
    command: `npx tsx scripts/exp-snn-eprop.ts ${process.argv.slice(2).join(' ')}`.trim(),
    task: { kind: 'spike_patterns', ...DEFAULT_SPIKE_PATTERNS },
    network: { recurrent, lr, feedback: 'random', readout: 'softmax cross-entropy at every step' },
    seed,
    iterations,
    testSamples,
    accuracy: r.accuracy,
    crossEntropyPer50: Array.from({ length: Math.ceil(iterations / 50) }, (_, q) => {
      const part = r.losses.slice(q * 50, q * 50 + 50);
      return Number((part.reduce((a: number, b: number) => a + b, 0) / part.length).toFixed(4));
    }),
    seconds: Number(((Date.now() - t0) / 1000).toFixed(1)),
    loadAvg1: Number(load0.toFixed(2)),
  };
  writeFileSync(out, `${JSON.stringify(doc)}\n`);
  console.log(`wrote ${out} in ${doc.seconds} s (load ${doc.loadAvg1})`);
}
