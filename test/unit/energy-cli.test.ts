// `neurofab energy` through the real binary (build it first: node scripts/build-engine.mjs).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnergyReportSchema } from '../../engine/protocol/schema';

const root = path.join(__dirname, '../..');
const bin = path.join(root, 'bin/neurofab.js');
const neurofab = (args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('neurofab energy', () => {
  it('--json prints an EnergyReport; the table shows the terms and the total', () => {
    const json = neurofab(['energy', 'examples/rf-spintronic-mlp.nfab', '--json']);
    expect(json.code).toBe(0);
    const report = EnergyReportSchema.parse(JSON.parse(json.stdout));
    expect(report.network).toBe('rf_mlp');
    expect(report.energyPerClassification).toBeCloseTo(101_632 * 10e-15 + (784 + 138) * 100e-15, 20);
    const table = neurofab(['energy', 'examples/rf-spintronic-mlp.nfab']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('784 x 128 = 100,352');
    expect(table.stdout).toMatch(/Total: +1\.109 nJ per classification/);
  });

  it('exits 1 for an unknown network and 2 without a file', () => {
    const bad = neurofab(['energy', 'examples/rf-spintronic-cnn.nfab', '--network', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("no network 'nope'");
    expect(neurofab(['energy']).code).toBe(2);
  });
});
