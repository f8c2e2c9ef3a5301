// Malformed and huge .nfab files on real files, through the engine host (RPC, as the UI uses it)
// and through `neurofab check` (a real process): each gives a diagnostic or a clear refusal and
// nothing hangs or crashes. Generous timeouts, no timed assertions (speed belongs in the bench).
//
// Two bugs these tests found are fixed: deep nesting overflowed the parser's stack (now capped at
// MAX_NESTING with a diagnostic), and the CLI checked non-UTF-8 files as mangled text (now refused).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost } from '../../engine/host/engine';
import { decodeProjectText, firstInvalidUtf8, MAX_TEXT_FILE_BYTES } from '../../engine/host/project';
import { memoryTransportPair, RpcClient, type RpcError } from '../../engine/protocol';

const repo = path.resolve(import.meta.dirname, '../..');
const quickstart = fs.readFileSync(path.join(repo, 'examples', 'quickstart.nfab'), 'utf8');
const DEPTH = 100_000;

/** Seeded bytes (xorshift32), so a failure reproduces. */
function garbage(n: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** The bad inputs, as files in a project folder. */
const INPUTS: Record<string, () => Buffer | string> = {
  // ~50 MB of real DSL: the quickstart repeated (duplicate names, so many diagnostics).
  'huge-50mb.nfab': () => quickstart.repeat(Math.ceil((50 * 1024 * 1024) / quickstart.length)),
  'deep-list.nfab': () =>
    quickstart.replace('levels = 32', `levels = ${'['.repeat(DEPTH)}1${']'.repeat(DEPTH)}`),
  'deep-call.nfab': () =>
    quickstart.replace(
      'optimizer = sgd(lr = 0.1, momentum = 0.9)',
      `optimizer = ${'sgd(lr = '.repeat(DEPTH)}0.1${')'.repeat(DEPTH)}`,
    ),
  'deep-block.nfab': () =>
    quickstart.replace('  train {', `  train ${'{ x '.repeat(DEPTH)}${'}'.repeat(DEPTH)}\n  train {`),
  'deep-unclosed.nfab': () => quickstart.replace('levels = 32', `levels = ${'[('.repeat(DEPTH)}`),
  'deep-parens.nfab': () => `${'('.repeat(DEPTH)}${'{'.repeat(DEPTH)}`,
  'garbage.nfab': () => garbage(1 << 20),
  'nul-bytes.nfab': () => Buffer.alloc(100_000),
  'invalid-utf8.nfab': () =>
    Buffer.concat([
      Buffer.from('// caf'),
      Buffer.from([0xe9]),
      Buffer.from(' (latin-1)\n'),
      Buffer.from(quickstart),
    ]),
};

let project: string;
let host: EngineHost;
let client: RpcClient;

beforeAll(() => {
  project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bad-dsl-')));
  for (const [name, make] of Object.entries(INPUTS)) fs.writeFileSync(path.join(project, name), make());
  host = new EngineHost();
  host.openProject(project);
  const [engineSide, uiSide] = memoryTransportPair();
  host.server.attach(engineSide);
  client = new RpcClient(uiSide);
}, 60_000);

afterAll(() => {
  client?.close();
  fs.rmSync(project, { recursive: true, force: true });
});

async function rpcError(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (err) {
    return err as RpcError;
  }
  throw new Error('expected the call to fail');
}

/** Diagnostics must point inside the text. */
function expectValidRanges(text: string, diagnostics: { range: { start: { line: number } } }[]) {
  const lines = text.split('\n').length;
  for (const d of diagnostics) {
    expect(d.range.start.line).toBeGreaterThanOrEqual(0);
    expect(d.range.start.line).toBeLessThanOrEqual(lines);
  }
}

describe('engine host: reading bad files', () => {
  it('refuses a 50 MB file with its size and the limit', async () => {
    const e = await rpcError(client.call('file.read', { path: 'huge-50mb.nfab' }));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toMatch(/huge-50mb\.nfab is 5\d\.\d MB; text files up to 8(\.\d+)? MB can be opened/);
  });

  it('refuses invalid UTF-8 and binary garbage, saying where, instead of mangling them on save', async () => {
    const e = await rpcError(client.call('file.read', { path: 'invalid-utf8.nfab' }));
    expect(e.message).toBe(
      'invalid-utf8.nfab is not UTF-8 text: invalid byte 0xe9 at line 1, column 7 (byte offset 6). Convert the ' +
        'file to UTF-8 (e.g. `iconv -f latin1 -t utf-8`) and try again. It was not opened, so nothing overwrote ' +
        'those bytes.',
    );
    const g = await rpcError(client.call('file.read', { path: 'garbage.nfab' }));
    expect(g.message).toMatch(/^garbage\.nfab is not UTF-8 text: invalid byte 0x[0-9a-f]{2} at line \d+/);
  });

  it('opens NUL bytes (valid UTF-8) and diagnoses them', async () => {
    const { text } = await client.call('file.read', { path: 'nul-bytes.nfab' });
    const { diagnostics } = await client.call('dsl.check', { path: 'nul-bytes.nfab', text });
    expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });
});

describe('engine host: checking bad text', () => {
  it('checks 50 MB of text: diagnostics with valid ranges, no hang', async () => {
    const text = fs.readFileSync(path.join(project, 'huge-50mb.nfab'), 'utf8');
    const { diagnostics } = await client.call('dsl.check', { path: 'huge-50mb.nfab', text });
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.some((d) => /already declared/.test(d.message))).toBe(true);
    expectValidRanges(text, diagnostics);
  }, 300_000);

  it('survives 100,000 levels of nesting and still answers', async () => {
    for (const name of [
      'deep-list.nfab',
      'deep-call.nfab',
      'deep-block.nfab',
      'deep-unclosed.nfab',
      'deep-parens.nfab',
    ]) {
      const text = fs.readFileSync(path.join(project, name), 'utf8');
      await client.call('dsl.check', { path: name, text }).catch((err: RpcError) => err);
    }
    const info = await client.call('engine.info', {});
    expect(info.projectRoot).toBe(project);
  }, 120_000);

  it('gives a diagnostic (not an INTERNAL stack overflow) for 100,000 nested [ ( { and unclosed [(', async () => {
    for (const name of ['deep-list.nfab', 'deep-call.nfab', 'deep-block.nfab']) {
      const text = fs.readFileSync(path.join(project, name), 'utf8');
      const { diagnostics } = await client.call('dsl.check', { path: name, text });
      expect(diagnostics.some((d) => /nested more than \d+ levels/.test(d.message))).toBe(true);
    }
    // `[(` repeated: each '(' is an error of its own; what matters is an answer, not a crash.
    const text = fs.readFileSync(path.join(project, 'deep-unclosed.nfab'), 'utf8');
    const { diagnostics } = await client.call('dsl.check', { path: 'deep-unclosed.nfab', text });
    expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
  }, 120_000);

  it('checks garbage and 100,000 unmatched ( { with diagnostics', async () => {
    for (const name of ['deep-parens.nfab']) {
      const text = fs.readFileSync(path.join(project, name), 'utf8');
      const { diagnostics } = await client.call('dsl.check', { path: name, text });
      expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
      expectValidRanges(text, diagnostics);
    }
    const text = garbage(1 << 20).toString('utf8'); // what a lenient reader would have produced
    const { diagnostics } = await client.call('dsl.check', { path: 'garbage.nfab', text });
    expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
  }, 120_000);
});

function neurofabCheck(file: string) {
  const r = spawnSync(process.execPath, [path.join(repo, 'bin/neurofab.js'), 'check', file], {
    cwd: project,
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

describe('neurofab check on bad files (a real process)', () => {
  it('reports diagnostics for 50 MB, NUL bytes and unmatched ( {, exit code 1', () => {
    for (const name of ['huge-50mb.nfab', 'nul-bytes.nfab', 'deep-parens.nfab']) {
      const r = neurofabCheck(name);
      expect({ name, status: r.status, signal: r.signal }).toEqual({ name, status: 1, signal: null });
      expect(r.stdout).toMatch(new RegExp(`^${name.replace('.', '\\.')}:\\d+:\\d+: error: `, 'm'));
      expect(r.stderr).not.toMatch(/RangeError|TypeError|at .*\.js:\d+/);
    }
  }, 600_000);

  it('reports a diagnostic, not a RangeError, for 100,000 nested [ ( {', () => {
    for (const name of ['deep-list.nfab', 'deep-call.nfab', 'deep-block.nfab', 'deep-unclosed.nfab']) {
      const r = neurofabCheck(name);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(name === 'deep-unclosed.nfab' ? /: error: / : /nested more than \d+ levels/);
    }
  }, 120_000);

  it('says a file is not UTF-8 (invalid bytes, random garbage) instead of checking mangled text', () => {
    const r = neurofabCheck('invalid-utf8.nfab');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/invalid-utf8\.nfab is not UTF-8 text: invalid byte 0xe9 at line 1, column 7/);
    const g = neurofabCheck('garbage.nfab');
    expect({ status: g.status, signal: g.signal }).toEqual({ status: 1, signal: null });
    expect(g.stderr).toMatch(/garbage\.nfab is not UTF-8 text: invalid byte 0x[0-9a-f]{2} at line \d+/);
    expect(g.stderr).not.toMatch(/RangeError|TypeError|at .*\.js:\d+/);
  }, 60_000);

  it('neurofab fmt leaves a file that is not UTF-8 byte for byte as it was', () => {
    // Unformatted on purpose: a lenient decode would format it and save U+FFFD over the 0xe9.
    const file = path.join(project, 'latin1-unformatted.nfab');
    fs.writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('// caf'),
        Buffer.from([0xe9]),
        Buffer.from('\ndevice d : rram {   levels = 4 }\n'),
      ]),
    );
    const before = fs.readFileSync(file);
    const r = spawnSync(
      process.execPath,
      [path.join(repo, 'bin/neurofab.js'), 'fmt', 'latin1-unformatted.nfab'],
      {
        cwd: project,
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/latin1-unformatted\.nfab is not UTF-8 text/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  }, 60_000);
});

describe('UTF-8 validation', () => {
  it('agrees with the strict TextDecoder on seeded random bytes, and points at the first bad byte', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (let seed = 1; seed <= 20_000; seed++) {
      const bytes = garbage(1 + (seed % 24), seed);
      // Mostly ASCII with some high bytes, so valid multi-byte sequences occur too.
      for (let i = 0; i < bytes.length; i++) if (bytes[i]! < 0xb0) bytes[i] = bytes[i]! & 0x7f;
      let valid = true;
      try {
        strict.decode(bytes);
      } catch {
        valid = false;
      }
      const at = firstInvalidUtf8(bytes);
      expect(at === bytes.length).toBe(valid);
      if (!valid) expect(() => strict.decode(bytes.subarray(0, at))).not.toThrow();
    }
  });

  it('decodes valid text unchanged, BOM and all', () => {
    const text = '\uFEFFnetwork n { } // 中文 🙂\n';
    expect(decodeProjectText('a.nfab', Buffer.from(text))).toBe(text);
    expect(MAX_TEXT_FILE_BYTES).toBeGreaterThan(0);
  });
});
