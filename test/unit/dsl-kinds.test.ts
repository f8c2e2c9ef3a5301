import { describe, expect, it } from 'vitest';
import { DEVICE_DEFAULTS, DSL_TO_PARAM } from '../../engine/dsl/device-defaults';
import { checkDocument } from '../../engine/dsl/index';
import { NEURON_TABLE } from '../../engine/dsl/neuron-defaults';
import { codeActions, completion, hover } from '../../engine/dsl/service/index';
import { DEVICE_KINDS, NEURON_KINDS } from '../../engine/ir/model';

function errors(text: string): string[] {
  return checkDocument('t.nfab', text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.range.start.line}:${d.range.start.col} ${d.message}`);
}

describe('every device kind elaborates with its documented defaults and provenance', () => {
  for (const kind of DEVICE_KINDS) {
    it(kind, () => {
      const r = checkDocument('t.nfab', `device d : ${kind} { }`);
      expect(r.hasErrors).toBe(false);
      const d = r.model.devices[0]!;
      const defaults = DEVICE_DEFAULTS[kind];
      expect(d.kind).toBe(kind);
      for (const param of Object.values(DSL_TO_PARAM)) {
        expect(d[param]).toBe(defaults.params[param].value);
        expect(d.provenance[param]).toBe(`default for ${kind}: ${defaults.params[param].source}`);
      }
      const warned = r.diagnostics.some((x) => x.severity === 'warning');
      expect(warned).toBe(!defaults.simulated);
    });
  }

  it('a written value is marked dsl', () => {
    const d = checkDocument('t.nfab', 'device d : pcm { g_max = 20uS }').model.devices[0]!;
    expect(d.gMax).toBe(20e-6);
    expect(d.provenance.gMax).toBe('dsl');
    expect(d.drift).toEqual({ nu: 0.049, t0: 20 });
  });
});

describe('every neuron kind elaborates with its defaults', () => {
  for (const kind of NEURON_KINDS) {
    it(kind, () => {
      const r = checkDocument('t.nfab', `neuron n : ${kind} { }`);
      expect(r.hasErrors).toBe(false);
      const n = r.model.neurons![0]!;
      for (const row of NEURON_TABLE[kind].rows) {
        const name = row.spec.name;
        const v =
          name === 'energy'
            ? n.energyPerUpdate
            : name === 'spike_energy'
              ? n.energyPerSpike
              : typeof row.value === 'string'
                ? n.options?.[name]
                : n.params[name];
        expect(v).toBe(row.value);
        expect(n.provenance[name]).toBe(`default for ${kind}: ${row.source}`);
      }
    });
  }

  it('lif: reset = value is kept as an option, a misspelt reset lists the choices', () => {
    const r = checkDocument('t.nfab', 'neuron n : lif { reset = value }');
    expect(r.hasErrors).toBe(false);
    expect(r.model.neurons![0]!.options).toEqual({ reset: 'value' });
    expect(r.model.neurons![0]!.provenance.reset).toBe('dsl');
    expect(errors('neuron n : lif { reset = zero }')[0]).toMatch(/subtract.*value/);
  });

  it('loihi_cuba: du, dv and vth are refused outside their range, with the range in the message', () => {
    expect(errors('neuron n : loihi_cuba { du = 4096 }')).toEqual([
      '1:30 du must be an integer in 0..4095, got 4096',
    ]);
    expect(errors('neuron n : loihi_cuba { dv = -1 }')).toEqual([
      '1:30 dv must be an integer in 0..4095, got -1',
    ]);
    expect(errors('neuron n : loihi_cuba { vth = 131072 }')).toEqual([
      '1:31 vth must be an integer in 0..131071, got 131072',
    ]);
    expect(errors('neuron n : loihi_cuba { du = 2.5 }')).toHaveLength(1);
    const ok = checkDocument('t.nfab', 'neuron n : loihi_cuba { du = 0  dv = 4095  vth = 131071 }');
    expect(ok.hasErrors).toBe(false);
    expect(ok.model.neurons![0]!.params).toMatchObject({ du: 0, dv: 4095, vth: 131071 });
    expect(ok.model.neurons![0]!.provenance.du).toBe('dsl');
  });

  it('lif: v_reset must be below v_th', () => {
    expect(errors('neuron n : lif { v_th = 0.5V  v_reset = 0.5V }')).toEqual([
      '1:41 v_reset (0.5 V) must be below v_th (0.5 V)',
    ]);
  });
});

describe('chips: router, memory, clock, cores', () => {
  it('elaborates router, memory (kB -> bytes) and clock', () => {
    const r = checkDocument(
      't.nfab',
      `device d : rram { }
neuron n : loihi_cuba { }
chip c {
  node 14nm
  clock = 1GHz
  memory = 512
  router { energy_per_bit = 3pJ  latency_per_hop = 2ns  topology = torus }
  tile xbar : crossbar(rows = 64, cols = 64) { device = d }
  tile core : spiking_core { neurons = 1024  fan_in = 4096  neuron = n  count = 128 }
}`,
    );
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual(
      [expect.objectContaining({ severity: 'warning', message: expect.stringContaining('no tiles') })].slice(
        0,
        0,
      ),
    );
    const c = r.model.chips[0]!;
    expect(c.node).toBe(14e-9);
    expect(c.clock).toBe(1e9);
    expect(c.memory).toBe(512 * 1024);
    expect(c.router).toEqual({ energyPerBit: 3e-12, latencyPerHop: 2e-9, topology: 'torus' });
    expect(c.cores).toEqual([
      expect.objectContaining({
        name: 'core',
        kind: 'spiking_core',
        count: 128,
        neuron: 'n',
        params: { neurons: 1024, fan_in: 4096 },
      }),
    ]);
  });

  it('router needs energy_per_bit; clock must be a frequency', () => {
    expect(errors('chip c { router { topology = mesh } }')).toEqual([
      expect.stringMatching(/energy_per_bit/),
    ]);
    expect(errors('chip c { clock = 5ns }')).toEqual([
      '1:18 clock: expected a frequency (Hz, e.g. 2.4GHz), got a time (5ns)',
    ]);
  });
});

describe('platforms', () => {
  it('elaborates a platform declaration', () => {
    const r = checkDocument(
      't.nfab',
      'platform loihi { energy_per_classification = 852uJ  throughput = 125000  accuracy = 99.2%  node = 14nm  source = "Davies et al. 2018" }',
    );
    expect(r.diagnostics).toEqual([]);
    const { range: _r, ...p } = r.model.platforms![0]!;
    expect(p).toEqual({
      name: 'loihi',
      energyPerClassification: 852e-6,
      throughput: 125000,
      accuracy: 0.992,
      node: 14e-9,
      source: 'Davies et al. 2018',
    });
  });

  it('requires energy_per_classification and a string source', () => {
    expect(errors('platform p { source = davies }')).toEqual([
      "1:10 platform 'p' needs 'energy_per_classification' (energy per classification)",
      '1:23 source takes a string in quotes: source = "Davies et al. 2018"',
    ]);
  });
});

describe('the language service knows sweep and metrics in an experiment', () => {
  const DOC = `device dev : rram { }
chip c { tile xbar : crossbar(rows = 4, cols = 4) { device = dev } }
network n { input x : 2  dense y : 2 on xbar }
experiment e {
  chip = c  network = n  dataset = synthetic_nonlinear
  sweep dev.program_noise in [1%, 2%]
  metrics = [accuracy, energy]
  
}
`;

  it('offers sweep at the start of a statement', () => {
    const labels = completion(DOC, DOC.indexOf('  \n}') + 2).map((c) => c.label);
    expect(labels).toContain('sweep');
  });

  it('hovers metrics as a field, not an unknown one', () => {
    const h = hover(DOC, DOC.indexOf('metrics') + 1);
    expect(h?.contents).toContain("field of experiment 'e'");
    expect(h?.contents).not.toContain('not a field');
  });

  it('has no quick fixes on a valid sweep/metrics, and fixes a misspelt metrics', () => {
    expect(codeActions(DOC, { start: 0, end: DOC.length })).toEqual([]);
    const typo = DOC.replace('metrics =', 'metrcs =');
    expect(codeActions(typo, { start: 0, end: typo.length }).map((a) => a.title)).toEqual([
      "Change 'metrcs' to 'metrics'",
    ]);
  });
});
