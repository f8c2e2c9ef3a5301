import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDocument } from '../../engine/dsl';
import { BOLTZMANN, landauerFloor, landauerPerBit } from '../../engine/energy/landauer';
import {
  declaredPlatforms,
  PLATFORM_PRESETS,
  platformsFromModels,
  resolvePlatforms,
} from '../../engine/energy/platforms';
import { EngineHost } from '../../engine/host/engine';
import { memoryTransportPair, RpcClient } from '../../engine/protocol';
import { runToEnd } from './run-helpers';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const PLATFORMS_FILE = 'platforms.nfab';

function checkedPlatforms() {
  const text = fs.readFileSync(path.join(EXAMPLES, PLATFORMS_FILE), 'utf8');
  const result = checkDocument(PLATFORMS_FILE, text);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return platformsFromModels([result.model]);
}

const close = (a: number | null, b: number | null) =>
  a === null || b === null ? a === b : Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));

describe('platform presets', () => {
  it('are the seven platforms of examples/platforms.nfab, value for value and source for source', () => {
    const parsed = checkedPlatforms();
    expect(parsed.map((p) => p.name)).toEqual(PLATFORM_PRESETS.map((p) => p.name));
    for (const [i, preset] of PLATFORM_PRESETS.entries()) {
      const p = parsed[i]!;
      expect(p.source).toBe(preset.source);
      for (const key of ['energyPerClassification', 'throughput', 'accuracy', 'node'] as const) {
        expect(close(p[key], preset[key]), `${preset.name}.${key}: ${p[key]} vs ${preset[key]}`).toBe(true);
      }
    }
  });

  it('spot values match the seed-003 table (P100 852 µJ at 99.2%, TrueNorth low-energy 0.27 µJ)', () => {
    const p100 = PLATFORM_PRESETS.find((p) => p.name === 'p100')!;
    expect(p100.energyPerClassification).toBeCloseTo(852e-6, 12);
    expect(p100.accuracy).toBeCloseTo(0.992, 12);
    const tn = PLATFORM_PRESETS.find((p) => p.name === 'truenorth_low_energy')!;
    expect(tn.energyPerClassification).toBeCloseTo(0.27e-6, 15);
  });

  it('declaredPlatforms reads only .nfab files that declare platforms; resolve falls back to the presets', () => {
    const files: Record<string, string> = {
      'a.nfab': fs.readFileSync(path.join(EXAMPLES, PLATFORMS_FILE), 'utf8'),
      'b.nfab': 'device d : rf_resonator {}',
      'notes.md': 'platform x',
    };
    const checked: string[] = [];
    const declared = declaredPlatforms(
      Object.keys(files),
      (p) => files[p] ?? null,
      (f, t) => {
        checked.push(f);
        return checkDocument(f, t).model;
      },
    );
    expect(checked).toEqual(['a.nfab']);
    expect(declared).toHaveLength(7);
    expect(resolvePlatforms(declared).origin).toBe('project');
    const fallback = resolvePlatforms([]);
    expect(fallback.origin).toBe('builtin');
    expect(fallback.platforms).toHaveLength(7);
  });
});

describe('Landauer floor', () => {
  it('is kT ln2 per bit at 300 K (2.87e-21 J) times log2(10) bits for a 10-class decision', () => {
    // Hand value: 1.380649e-23 × 300 × 0.693147 = 2.8710e-21 J; × 3.321928 = 9.5373e-21 J.
    expect(landauerPerBit()).toBeCloseTo(2.871e-21, 24);
    const floor = landauerFloor(10);
    expect(floor.bits).toBeCloseTo(3.321928, 6);
    expect(floor.energyPerClassification).toBeCloseTo(9.5373e-21, 24);
    expect(floor.assumption).toMatch(/300 K/);
    expect(BOLTZMANN * 300 * Math.LN2 * Math.log2(2)).toBe(landauerFloor(2).energyPerClassification);
  });
});

describe('energy.pareto through the engine host', () => {
  const hosts: { host: EngineHost; client: RpcClient }[] = [];
  const open = async (root: string) => {
    const host = new EngineHost();
    const [a, b] = memoryTransportPair();
    host.server.attach(b);
    const client = new RpcClient(a);
    hosts.push({ host, client });
    await client.call('project.open', { root });
    return client;
  };
  let withExamples: string;
  let empty: string;

  beforeAll(() => {
    withExamples = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-pareto-')));
    fs.cpSync(EXAMPLES, withExamples, { recursive: true, filter: (s) => !s.includes('.neurofab') });
    empty = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-pareto-empty-')));
  });

  afterAll(() => {
    for (const { host, client } of hosts) {
      client.close();
      host.close();
    }
    for (const dir of [withExamples, empty]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a project without platform blocks gets the presets and no runs', async () => {
    const client = await open(empty);
    const r = await client.call('energy.pareto', {});
    expect(r.platformOrigin).toBe('builtin');
    expect(r.platforms.map((p) => p.name)).toEqual(PLATFORM_PRESETS.map((p) => p.name));
    expect(r.runs).toEqual([]);
    expect(r.landauer.energyPerClassification).toBeCloseTo(9.5373e-21, 24);
  });

  it("the examples' platform blocks, and a finished run with its accuracy and energy", async () => {
    const client = await open(withExamples);
    const { runId, outcome } = await runToEnd(client, {
      path: 'rf-spintronic-mlp.nfab',
      overrides: { trainLimit: 64, testLimit: 32, epochs: 1 },
      sweep: 'base',
    });
    expect(outcome).toBe('finished');
    const r = await client.call('energy.pareto', {});
    expect(r.platformOrigin).toBe('project');
    expect(r.platforms).toHaveLength(7);
    const summary = await client.call('runs.get', { runId });
    expect(r.runs).toEqual([
      {
        runId,
        experiment: 'mnist_rf',
        network: 'rf_mlp',
        chip: 'spin_mlp',
        sweepPoint: null,
        accuracy: summary.metrics.test_accuracy,
        energyPerClassification: summary.metrics.energy_per_classification,
      },
    ]);
    // The estimate of 784-128-10 at 10 fJ per synapse and 100 fJ per neuron: about 1 nJ.
    expect(r.runs[0]!.energyPerClassification).toBeGreaterThan(0.5e-9);
    expect(r.runs[0]!.energyPerClassification).toBeLessThan(2e-9);
  }, 120_000);
});
