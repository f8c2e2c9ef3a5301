// `node scripts/electronegativity.mjs`: runs @doyensec/electronegativity on the Electron shell
// (main/, preload/, the renderer's sources and index.html, package.json) and fails on any finding
// not justified in security/electronegativity-allowlist.json. Stale allowlist entries (matching
// nothing) are printed so the list does not keep excuses for code that is gone.
//
// The sources are copied to a temporary folder first: pointed at the repository root the scanner
// would also read engine/, tests and benchmarks, which never run in Electron.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** What the Electron shell is made of, relative to the repository. */
export const SCANNED = ['main', 'preload', 'renderer/src', 'renderer/index.html', 'package.json'];

export function loadAllowlist(file = path.join(repo, 'security', 'electronegativity-allowlist.json')) {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const entry of [...(raw.findings ?? []), ...(raw.excludedChecks ?? [])]) {
    if (typeof entry.check !== 'string' || typeof entry.reason !== 'string' || entry.reason.length < 20) {
      throw new Error(
        `${file}: every entry needs a "check" and a "reason" of a sentence or more: ${JSON.stringify(entry)}`,
      );
    }
  }
  return { findings: raw.findings ?? [], excludedChecks: raw.excludedChecks ?? [] };
}

/** Splits findings into justified (with the allowlist entry) and unjustified; lists unused entries. */
export function classifyFindings(findings, allowlist) {
  const used = new Set();
  const justified = [];
  const unjustified = [];
  for (const f of findings) {
    const index = allowlist.findings.findIndex(
      (a) => a.check === f.check && a.file === f.file && (!a.message || f.message.includes(a.message)),
    );
    if (index >= 0) {
      used.add(index);
      justified.push({ ...f, reason: allowlist.findings[index].reason });
    } else unjustified.push(f);
  }
  const stale = allowlist.findings.filter((_, i) => !used.has(i));
  return { justified, unjustified, stale };
}

/** Reads the SARIF file electronegativity writes into plain findings. */
export function parseSarif(text) {
  const sarif = JSON.parse(text);
  return (sarif.runs ?? []).flatMap((run) =>
    (run.results ?? []).map((r) => {
      const loc = r.locations?.[0]?.physicalLocation;
      return {
        check: r.ruleId,
        level: r.level,
        file: (loc?.artifactLocation?.uri ?? '').split(path.sep).join('/'),
        line: loc?.region?.startLine ?? 0,
        message: r.message?.text ?? '',
      };
    }),
  );
}

/**
 * Copies `entries` (paths relative to `root`) into a temporary folder, scans it and returns the
 * findings. Throws when the scanner fails or writes no report.
 */
export function scan(entries = SCANNED, { root = repo, excludedChecks = [] } = {}) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'neurofab-eneg-'));
  try {
    const src = path.join(work, 'src');
    for (const entry of entries) {
      const from = path.join(root, entry);
      if (!fs.existsSync(from)) throw new Error(`electronegativity: ${entry} does not exist under ${root}`);
      fs.cpSync(from, path.join(src, entry), { recursive: true });
    }
    const report = path.join(work, 'report.sarif');
    const cli = require.resolve('@doyensec/electronegativity/dist/index.js');
    const args = [cli, '-i', src, '-o', report, '-r', '-v', 'false'];
    // Electron's version from the lock file: the scanner would otherwise look it up online.
    const electron = electronVersion(root);
    if (electron) args.push('-e', electron);
    if (excludedChecks.length) args.push('-x', excludedChecks.join(','));
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: work });
    if (run.status !== 0 || !fs.existsSync(report)) {
      throw new Error(
        `electronegativity failed (exit ${run.status ?? run.signal}) and wrote no report:\n${run.stdout}${run.stderr}`,
      );
    }
    return parseSarif(fs.readFileSync(report, 'utf8'));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function electronVersion(root) {
  try {
    const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
    return lock.packages?.['node_modules/electron']?.version ?? null;
  } catch {
    return null;
  }
}

function main() {
  const allowlist = loadAllowlist();
  const findings = scan(SCANNED, { excludedChecks: allowlist.excludedChecks.map((e) => e.check) });
  const { justified, unjustified, stale } = classifyFindings(findings, allowlist);
  console.log(`electronegativity: scanned ${SCANNED.join(', ')}`);
  for (const e of allowlist.excludedChecks) console.log(`  excluded ${e.check}: ${e.reason}`);
  for (const f of justified) console.log(`  justified ${f.check} ${f.file}:${f.line}`);
  for (const s of stale)
    console.log(`  note: allowlist entry ${s.check} ${s.file} matched no finding; remove it`);
  for (const f of unjustified) {
    console.log(`  UNJUSTIFIED ${f.check} [${f.level}] ${f.file}:${f.line}: ${f.message}`);
  }
  console.log(
    `electronegativity: ${findings.length} findings, ${justified.length} justified, ${unjustified.length} unjustified`,
  );
  if (unjustified.length) {
    console.log(
      'Fix each unjustified finding, or justify it in security/electronegativity-allowlist.json (check, file, reason) for review.',
    );
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
