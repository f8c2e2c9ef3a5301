// Three-factor (reward-modulated STDP) learning of a two-armed bandit by a spiking agent (issue 7
// Done-when: "a three-factor rule learns a reward task, with the learning curve").
//
//   npx tsx scripts/exp-snn-three-factor.ts [--trials 400] [--seeds 20] [--block 20]
//     [--p 0.8,0.2] [--out docs/data/snn-three-factor.json]
//
// Runs seeds 1..N of the agent of engine/snn/three-factor.ts (defaults as there), and a control
// with the depression-dominated STDP window of stdp.ts (A- = 1.05 A+). Writes, per block of trials,
// the fraction of choices of the better arm and the reward rate, averaged over the seeds, and the
// full seed-1 run (choices, rewards, mean weight onto each action population).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import {
  type BanditRunResult,
  DEFAULT_BANDIT_AGENT,
  fractionIn,
  runBanditAgent,
} from '../engine/snn/three-factor';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const num = (k: string, d: number) => (args.has(k) ? Number(args.get(k)) : d);
const trials = num('trials', 400);
const seeds = num('seeds', 20);
const block = num('block', 20);
const p = (args.get('p') ?? '0.8,0.2').split(',').map(Number) as [number, number];
const out = args.get('out') ?? 'docs/data/snn-three-factor.json';
const round = (x: number, d = 4) => Number(x.toFixed(d));

function curve(runs: BanditRunResult[]) {
  const rows = [];
  for (let b = 0; b < trials; b += block) {
    let better = 0;
    let reward = 0;
    for (const r of runs) {
      better += fractionIn(r.choseBetter, b, b + block);
      reward += fractionIn(r.rewards, b, b + block);
    }
    rows.push({
      trials: `${b}-${b + block - 1}`,
      pBetter: round(better / runs.length),
      rewardRate: round(reward / runs.length),
    });
  }
  return rows;
}

const t0 = Date.now();
const load0 = loadavg()[0]!;
const main: BanditRunResult[] = [];
const control: BanditRunResult[] = [];
const depressionDominated = {
  ...DEFAULT_BANDIT_AGENT.rule,
  stdp: { ...DEFAULT_BANDIT_AGENT.rule.stdp, aMinus: 0.00525 },
};
for (let s = 1; s <= seeds; s++) {
  main.push(runBanditAgent({ trials, seed: s, rewardProbability: p }));
  control.push(runBanditAgent({ trials, seed: s, rewardProbability: p, rule: depressionDominated }));
}
const mainCurve = curve(main);
const controlCurve = curve(control);
for (let q = 0; q < mainCurve.length; q++) {
  console.log(
    `${mainCurve[q]!.trials}\tp(better) ${mainCurve[q]!.pBetter}\treward ${mainCurve[q]!.rewardRate}\tcontrol p(better) ${controlCurve[q]!.pBetter}`,
  );
}
const s1 = main[0]!;
const doc = {
  command: `npx tsx scripts/exp-snn-three-factor.ts ${process.argv.slice(2).join(' ')}`.trim(),
  task: { kind: 'two_armed_bandit', rewardProbability: p, betterArm: s1.betterArm },
  agent: { ...DEFAULT_BANDIT_AGENT, trials, seed: undefined },
  seeds,
  block,
  curve: mainCurve,
  controlDepressionDominated: { aMinus: 0.00525, curve: controlCurve },
  seed1: {
    pBetterFirst30: round(fractionIn(s1.choseBetter, 0, 30)),
    pBetterLast100: round(fractionIn(s1.choseBetter, trials - 100, trials)),
    actions: Array.from(s1.actions).join(''),
    rewards: Array.from(s1.rewards).join(''),
    meanWeightEvery10: Array.from({ length: Math.ceil(trials / 10) }, (_, q) => [
      q * 10,
      round(s1.meanWeight[2 * q * 10]!, 5),
      round(s1.meanWeight[2 * q * 10 + 1]!, 5),
    ]),
  },
  seconds: round((Date.now() - t0) / 1000, 1),
  loadAvg1: round(load0, 2),
};
writeFileSync(out, `${JSON.stringify(doc)}\n`);
console.log(`wrote ${out} in ${doc.seconds} s (load ${doc.loadAvg1})`);
