import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDocument } from '../../engine/dsl/index';

const examples = path.resolve(__dirname, '../../examples');
const read = (f: string) => fs.readFileSync(path.join(examples, f), 'utf8');

describe('example files', () => {
  // The runnable examples check with no warnings at all; the other examples (which use kinds the
  // engine does not run yet, and imports) are covered by dsl-all-examples.test.ts.
  it('the runnable examples check clean (no errors, no warnings)', () => {
    const files = fs.readdirSync(examples).filter((f) => f.endsWith('.nfab'));
    expect(files).toEqual(expect.arrayContaining(['mnist-mlp.nfab', 'quickstart.nfab']));
    for (const f of ['mnist-mlp.nfab', 'quickstart.nfab']) {
      const r = checkDocument(f, read(f));
      expect(
        r.diagnostics.filter((d) => d.severity !== 'info'),
        f,
      ).toEqual([]);
    }
  });

  it('mnist-mlp: ideal and rram devices, two chips, a 784-256-10 MLP, two full-MNIST experiments', () => {
    const { model } = checkDocument('mnist-mlp.nfab', read('mnist-mlp.nfab'));
    expect(model.devices.map((d) => [d.name, d.kind])).toEqual([
      ['ideal_dev', 'ideal'],
      ['rram_dev', 'rram'],
    ]);
    expect(model.devices[1]).toMatchObject({ levels: 32, programNoise: 0.05, readNoise: 0.01 });
    expect(model.chips.map((c) => c.tiles[0]!.device)).toEqual(['ideal_dev', 'rram_dev']);
    const mlp = model.networks.find((n) => n.name === 'mlp')!;
    expect(mlp.layers.map((l) => (l.kind === 'input' ? l.size : l.kind === 'dense' ? l.units : 0))).toEqual([
      784, 256, 10,
    ]);
    expect(model.experiments.map((e) => e.name)).toEqual(['mnist_ideal', 'mnist_rram']);
    for (const e of model.experiments) {
      expect(e).toMatchObject({ dataset: 'mnist', seed: 7, trainLimit: null, testLimit: null });
      expect(e.train).toMatchObject({ rule: 'backprop', epochs: 1, batch: 32 });
    }
  });

  it('quickstart: a small experiment named quickstart', () => {
    const { model } = checkDocument('quickstart.nfab', read('quickstart.nfab'));
    expect(model.experiments.map((e) => [e.name, e.trainLimit, e.testLimit])).toEqual([
      ['quickstart', 2000, 500],
    ]);
  });
});

/** A small deterministic PRNG (mulberry32), so a failing fuzz case can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('robustness', () => {
  const base = read('mnist-mlp.nfab');

  it('never throws on random bytes, random tokens or mutilated examples', () => {
    const rand = rng(7);
    const pieces = [
      '{',
      '}',
      '(',
      ')',
      '=',
      ':',
      '..',
      '.',
      ',',
      '[',
      ']',
      'device',
      'chip',
      'tile',
      'dense',
      'on',
      'x',
      '25uS',
      '1MΩ',
      '28x28',
      '"s',
      '/*',
      '//',
      '\n',
      ' ',
      '-',
      '3%',
      'crossbar(',
      'sgd',
      'µ',
      '\u0000',
    ];
    for (let i = 0; i < 300; i++) {
      let text: string;
      if (i % 3 === 0) {
        text = String.fromCharCode(
          ...Array.from({ length: Math.floor(rand() * 400) }, () => Math.floor(rand() * 0xffff)),
        );
      } else if (i % 3 === 1) {
        text = Array.from(
          { length: Math.floor(rand() * 200) },
          () => pieces[Math.floor(rand() * pieces.length)],
        ).join(' ');
      } else {
        // Delete, duplicate or swap a random slice of a real file.
        const a = Math.floor(rand() * base.length);
        const b = Math.min(base.length, a + Math.floor(rand() * 40));
        text =
          rand() < 0.5
            ? base.slice(0, a) + base.slice(b)
            : base.slice(0, a) + base.slice(b) + base.slice(a, b);
      }
      const r = checkDocument('fuzz.nfab', text);
      for (const d of r.diagnostics) {
        expect(d.range.start.offset).toBeGreaterThanOrEqual(0);
        expect(d.range.end.offset).toBeLessThanOrEqual(text.length);
        expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
        expect(d.message.length).toBeGreaterThan(0);
      }
      expect(
        r.diagnostics.filter((d) => d.code === 'internal'),
        text.slice(0, 200),
      ).toEqual([]);
    }
  });

  it('caps the syntax errors of a binary blob', () => {
    const blob = String.fromCharCode(...Array.from({ length: 20000 }, (_, i) => (i * 7919) % 256));
    const r = checkDocument('blob.bin', blob);
    expect(r.hasErrors).toBe(true);
    expect(r.diagnostics.length).toBeLessThanOrEqual(200);
  });

  it('checks a 5,000-line file without errors', () => {
    // Many copies of the example with renamed declarations: ~5k lines, all of it clean.
    const parts: string[] = [];
    let lines = 0;
    for (let i = 0; lines < 5000; i++) {
      const copy = base.replace(
        /\b(ideal_dev|rram_dev|ideal_chip|rram_chip|mlp|mnist_ideal|mnist_rram)\b/g,
        `$1_${i}`,
      );
      parts.push(copy);
      lines += copy.split('\n').length;
    }
    const text = parts.join('\n');
    // Speed is measured by the benchmark, not asserted here (shared machines are noisy).
    const r = checkDocument('big.nfab', text);
    expect(r.hasErrors).toBe(false);
    expect(r.model.experiments.length).toBe(parts.length * 2);
  });
});
