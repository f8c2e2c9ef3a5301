// `npm run fuzz [-- --runs N] [--seed S]`: a long fuzz campaign over the same properties as the
// bounded fuzz tests in `npm test` (test/unit/fuzz-*.test.ts): the .nfab front end and the RPC
// decoder. Runs each property N times (default 200,000; env FUZZ_RUNS also works) with a fresh
// seed unless one is given, then prints the cases tried per property and the failures with their
// counterexamples (fast-check prints the seed and path to replay one). FUZZ_CAMPAIGN=1 tells the
// test files they are in a campaign.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string' }, seed: { type: 'string' }, files: { type: 'string' } },
});
const runs = Number(values.runs ?? process.env.FUZZ_RUNS ?? 200_000);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`fuzz: --runs must be a positive integer (got ${values.runs ?? process.env.FUZZ_RUNS}).`);
  process.exit(2);
}
const seed = Number(values.seed ?? process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const files = (values.files ?? 'test/unit/fuzz-dsl.test.ts,test/unit/fuzz-rpc.test.ts').split(',');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'neurofab-fuzz-'));
const report = path.join(tmp, 'tried.jsonl');
const results = path.join(tmp, 'vitest.json');
console.log(`fuzz: ${runs} runs per property, seed ${seed}, ${files.join(' ')}`);
const started = Date.now();
const run = spawnSync(
  'npx',
  ['vitest', 'run', ...files, '--reporter=default', '--reporter=json', `--outputFile.json=${results}`],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      FUZZ_RUNS: String(runs),
      FUZZ_SEED: String(seed),
      FUZZ_REPORT: report,
      FUZZ_CAMPAIGN: '1',
    },
  },
);
const minutes = ((Date.now() - started) / 60_000).toFixed(1);

let total = 0;
console.log(`\nfuzz: cases tried (seed ${seed}, ${minutes} min)`);
if (fs.existsSync(report)) {
  for (const line of fs.readFileSync(report, 'utf8').split('\n').filter(Boolean)) {
    const { file, tried } = JSON.parse(line);
    for (const [property, n] of Object.entries(tried)) {
      total += n;
      console.log(`  ${file}: ${property}: ${n}`);
    }
  }
}
console.log(`  total: ${total}`);

let failures = 0;
if (fs.existsSync(results)) {
  const json = JSON.parse(fs.readFileSync(results, 'utf8'));
  for (const file of json.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status !== 'failed') continue;
      failures++;
      const message = (t.failureMessages ?? []).join('\n');
      const counterexample =
        /Counterexample: .*/.exec(message)?.[0] ?? message.split('\n').slice(0, 6).join('\n');
      const replay = /\{ seed: .*?\}/.exec(message)?.[0] ?? '';
      console.log(`\nFAILED ${path.basename(file.name)} > ${t.title}\n  ${counterexample}\n  ${replay}`);
    }
  }
}
console.log(
  `\nfuzz: ${total} cases tried, ${failures} failing ${failures === 1 ? 'property' : 'properties'}`,
);
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(run.status === 0 && failures === 0 ? 0 : 1);
