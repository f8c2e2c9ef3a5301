// `neurofab store check|recover` on a real damaged database: check says why and changes nothing;
// recover refuses without --yes, then keeps a byte-for-byte copy and starts an empty store.
// Needs the bundled CLI (out/engine, built by npm test's build step).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = path.join(__dirname, '../../bin/neurofab.js');
const cli = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('neurofab store', () => {
  it('checks a damaged database without touching it, and recovers only when asked', () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-cli-store-'));
    const db = path.join(project, '.neurofab', 'project.db');
    fs.mkdirSync(path.dirname(db));
    const junk = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4000, 0x5a)]);
    fs.writeFileSync(db, junk);

    const checked = cli(['store', 'check', '--project', project]);
    expect(checked.status).toBe(1);
    expect(checked.stderr).toMatch(/^(CORRUPT|NOT_A_PROJECT_DB): .*store recover --yes/);
    expect(fs.readFileSync(db).equals(junk)).toBe(true);

    const refused = cli(['store', 'recover', '--project', project]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('add --yes');
    expect(fs.readFileSync(db).equals(junk)).toBe(true);

    const recovered = cli(['store', 'recover', '--yes', '--project', project]);
    expect(recovered.status, recovered.stderr).toBe(0);
    const backup = /Copied the old database to (\S+);/.exec(recovered.stdout)![1]!;
    expect(fs.readFileSync(backup).equals(junk)).toBe(true);
    const after = cli(['store', 'check', '--project', project]);
    expect(after.stdout).toContain('opens, 0 run(s)');
    fs.rmSync(project, { recursive: true, force: true });
  });
});
