// Timing of the energy estimator (issue 8: `neurofab energy` on the largest example under 100 ms).
// In-process: check + estimate + JSON + table per example, first call and warm median of 20.
// Whole process: `node bin/neurofab.js energy FILE --json` (median of 9) next to `--version`,
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
// Node reads every certificate in NODE_EXTRA_CA_CERTS before it runs any JavaScript. Sandboxes
// and corporate machines often point it at the whole system bundle, which costs ~40 ms per start
// on this VM; each whole-process figure is given with the variable as set and without it.
const withoutExtraCerts = { ...process.env };
delete withoutExtraCerts.NODE_EXTRA_CA_CERTS;
const proc = (args: string[], env: NodeJS.ProcessEnv = process.env, script = 'bin/neurofab.js') => {
  const t = performance.now();
  spawnSync(process.execPath, script ? [path.join(root, script), ...args] : args, { cwd: root, env });
  return performance.now() - t;
};
const runs = [...Array(9).keys()];

console.log(
  `load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(`NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS ?? '(unset)'}`);
console.log(
  `node -e 0: ${median(runs.map(() => proc(['-e', '0'], process.env, ''))).toFixed(0)} ms, without extra certs ${median(runs.map(() => proc(['-e', '0'], withoutExtraCerts, ''))).toFixed(0)} ms`,
);
console.log(
  `neurofab --version (start-up only): ${median(runs.map(() => proc(['--version']))).toFixed(0)} ms, without extra certs ${median(runs.map(() => proc(['--version'], withoutExtraCerts))).toFixed(0)} ms`,
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
  const args = ['energy', `examples/${f}`, '--json'];
  const whole = runs.map(() => proc(args));
  const bare = runs.map(() => proc(args, withoutExtraCerts));
  console.log(
    `${f.padEnd(30)} in-process first ${times[0]!.toFixed(1)} ms, warm ${median(times.slice(1)).toFixed(2)} ms; whole process median ${median(whole).toFixed(0)} ms (max ${Math.max(...whole).toFixed(0)}), without extra certs median ${median(bare).toFixed(0)} ms (max ${Math.max(...bare).toFixed(0)})`,
  );
}
