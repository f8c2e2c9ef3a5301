// The cluster job directory without a cluster: what submit writes (snapshot, manifest, script),
// how indices and arguments are written for sbatch and the shell, and the errors for bad input.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from '../../engine/cluster/commands';
import { jobDirOf, prepareJobDir } from '../../engine/cluster/jobdir';
import { ClusterError, readManifest } from '../../engine/cluster/manifest';
import { compressIndices, sbatchCommand, sweepStatus } from '../../engine/cluster/slurm';

const lib = `device dev : rram {
  levels = 32
  program_noise = 5%
}
`;
const main = `import "lib.nfab"
chip c { tile xbar : crossbar(rows = 256, cols = 256) { device = dev  count = 8 } }
network mlp {
  input x : 4
  dense y : 2 on xbar
}
experiment e {
  chip = c  network = mlp  dataset = csv(train = "data/train.csv", test = "data/test.csv", label = last)
  train { rule = hw_aware  optimizer = sgd(lr = 0.1)  batch = 4 }
  sweep dev.program_noise in [0%, 10%]
  sweep dev.levels in [4, 16, 64]
}
`;

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-cluster-unit-'));
  fs.writeFileSync(path.join(dir, 'main.nfab'), main);
  fs.writeFileSync(path.join(dir, 'lib.nfab'), lib);
  fs.mkdirSync(path.join(dir, 'data'));
  const rows = 'a,b,c,d,label\n0,0,1,1,0\n1,1,0,0,1\n';
  fs.writeFileSync(path.join(dir, 'data', 'train.csv'), rows);
  fs.writeFileSync(path.join(dir, 'data', 'test.csv'), rows);
  fs.writeFileSync(path.join(dir, 'unrelated.nfab'), 'chip other {}\n');
  return dir;
}

const slurm = { partition: 'gpu nodes', time: '00:30:00', cpus: 2 };

describe('cluster job directory', () => {
  it('snapshots exactly the files the experiment reads and lists every point', () => {
    const dir = project();
    const { jobDir, manifest } = prepareJobDir({
      projectDir: dir,
      file: path.join(dir, 'main.nfab'),
      overrides: { epochs: 2, seed: 5 },
      slurm,
      target: { kind: 'local' },
      neurofab: 'neurofab',
    });
    expect(manifest.files).toEqual(['data/test.csv', 'data/train.csv', 'lib.nfab', 'main.nfab']);
    expect(fs.readFileSync(path.join(jobDir, 'project', 'lib.nfab'), 'utf8')).toBe(lib);
    expect(fs.existsSync(path.join(jobDir, 'project', 'unrelated.nfab'))).toBe(false);
    expect(manifest.points).toHaveLength(6);
    expect(manifest.points[5]!.assignments.map((a) => a.text)).toEqual(['10%', '64']);
    expect(readManifest(jobDir)).toEqual(manifest);
    expect(jobDirOf(dir, manifest.sweepId)).toBe(jobDir);

    const script = fs.readFileSync(path.join(jobDir, 'sweep.sbatch'), 'utf8');
    expect(script).toContain('#SBATCH --array=0-5');
    expect(script).toContain("#SBATCH --partition='gpu nodes'");
    expect(script).toContain('#SBATCH --cpus-per-task=2');
    expect(script).toContain('#SBATCH --time=00:30:00');
    expect(script).toContain('--epochs 2 --seed 5');
    // The script is valid bash.
    expect(spawnSync('bash', ['-n', path.join(jobDir, 'sweep.sbatch')]).status).toBe(0);
    expect(sbatchCommand(manifest, jobDir, [1, 2, 3, 5])).toEqual([
      'sbatch',
      '--parsable',
      '--array=1-3,5',
      path.join(jobDir, 'sweep.sbatch'),
    ]);
  });

  it('reports points never submitted, and failures from status files', () => {
    const dir = project();
    const { jobDir, manifest } = prepareJobDir({
      projectDir: dir,
      file: path.join(dir, 'main.nfab'),
      overrides: {},
      slurm,
      target: { kind: 'local' },
      neurofab: 'neurofab',
    });
    expect(sweepStatus(manifest, jobDir).every((p) => p.state === 'unsubmitted')).toBe(true);
  });

  it('refuses a file without a sweep, an unknown experiment and an unknown sweep id, saying why', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'plain.nfab'), main.replace(/ {2}sweep .*\n/g, ''));
    const base = { projectDir: dir, overrides: {}, slurm, target: { kind: 'local' as const }, neurofab: 'n' };
    expect(() => prepareJobDir({ ...base, file: path.join(dir, 'plain.nfab') })).toThrow(/has no sweep/);
    expect(() => prepareJobDir({ ...base, file: path.join(dir, 'main.nfab'), experiment: 'nope' })).toThrow(
      /No experiment "nope" in main.nfab. It defines: e/,
    );
    expect(() => jobDirOf(dir, 'e-00000000')).toThrow(ClusterError);
    expect(() => jobDirOf(dir, '../etc')).toThrow(/not a sweep id/);
    expect(() =>
      prepareJobDir({ ...base, projectDir: path.join(dir, 'data'), file: path.join(dir, 'main.nfab') }),
    ).toThrow(/outside the project folder/);
  });

  it('rejects a damaged manifest with the field that is wrong', () => {
    const dir = project();
    const { jobDir } = prepareJobDir({
      projectDir: dir,
      file: path.join(dir, 'main.nfab'),
      overrides: {},
      slurm,
      target: { kind: 'local' },
      neurofab: 'neurofab',
    });
    const file = path.join(jobDir, 'manifest.json');
    fs.writeFileSync(file, '{"format": 1, "sweepId": 3}');
    expect(() => readManifest(jobDir)).toThrow(/not a sweep manifest .*sweepId/);
    fs.writeFileSync(file, '{not json');
    expect(() => readManifest(jobDir)).toThrow(/not valid JSON/);
  });
});

describe('sbatch and shell arguments', () => {
  it('compresses indices into sbatch array ranges', () => {
    expect(compressIndices([5, 0, 1, 2, 7, 8, 2])).toBe('0-2,5,7-8');
    expect(compressIndices([3])).toBe('3');
  });

  it('quotes for a POSIX shell so any argument survives as one word', () => {
    const args = ['plain', 'with space', "it's", '$HOME', 'a;b', ''];
    const r = spawnSync('sh', ['-c', `printf '%s\\n' ${shellJoin(args)}`], { encoding: 'utf8' });
    expect(r.stdout.split('\n').slice(0, -1)).toEqual(args);
    expect(shellQuote('ok/path-1.nfab')).toBe('ok/path-1.nfab');
  });
});
