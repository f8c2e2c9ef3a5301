// Timing of the energy estimator (issue 8: `neurofab energy` on the largest example under 100 ms).
// In-process: check + estimate + JSON + table per example, first call and warm median of 20.
// Whole process: `node bin/neurofab.js energy FILE --json` (median of 5) next to `--version`,
// which measures the CLI bundle's start-up alone. Run: npx tsx scripts/energy-timing.ts
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDocument } from '../engine/dsl';
import { estimateEnergy, formatReport } from '../engine/energy';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'examples');
const readFile = (p: string) => {
  try {
    return fs.readFileSync(path.join(dir, p), 'utf8');
  } catch {
    return null;
  }
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const proc = (args: string[]) => {
  const t = performance.now();
  spawnSync(process.execPath, [path.join(root, 'bin/neurofab.js'), ...args], { cwd: root });
  return performance.now() - t;
};

console.log(
  `load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(
  `neurofab --version (start-up only): ${median([0, 1, 2, 3, 4].map(() => proc(['--version']))).toFixed(0)} ms`,
);
for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.nfab'))) {
  const text = fs.readFileSync(path.join(dir, f), 'utf8');
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const t = performance.now();
    const r = checkDocument(f, text, { readFile });
    try {
      const rep = estimateEnergy(r.model);
      JSON.stringify(rep);
      formatReport(rep);
    } catch {
      // a file without a network (platforms.nfab)
    }
    times.push(performance.now() - t);
  }
  const whole = median([0, 1, 2, 3, 4].map(() => proc(['energy', `examples/${f}`, '--json'])));
  console.log(
    `${f.padEnd(30)} in-process first ${times[0]!.toFixed(1)} ms, warm ${median(times.slice(1)).toFixed(2)} ms; whole process ${whole.toFixed(0)} ms`,
  );
}
