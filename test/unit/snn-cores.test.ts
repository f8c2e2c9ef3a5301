// Core mapping of spiking populations (engine/snn/cores.ts), numbers worked out by hand.
import { describe, expect, it } from 'vitest';
import { CoreActivity, type CoreLimits, mapOnCores } from '../../engine/snn/cores';

const loihiCore: CoreLimits = {
  tile: 'core',
  neurons: 1024,
  synapses: 131072,
  fanIn: 4096,
  fanOut: 4096,
  weightBits: 8,
  count: 128,
};

describe('spiking core mapping', () => {
  it('maps examples/loihi-three-factor.nfab: h on 2 full cores, y on 1 core at 1%', () => {
    const map = mapOnCores([
      { name: 'h', neurons: 2048, inputs: 100, recurrent: false, fanOut: 10, core: loihiCore },
      { name: 'y', neurons: 10, inputs: 2048, recurrent: false, fanOut: 0, core: loihiCore },
    ]);
    const [h, y] = map.populations;
    // 2,048 / 1,024 = 2 cores, 100%; 1,024 x 100 = 102,400 synapses per core (<= 131,072).
    expect(h).toMatchObject({ cores: 2, neuronsPerCore: 1024, utilisation: 1, fanIn: 100, firstCore: 0 });
    expect(h!.synapsesPerCore).toBe(102400);
    // y: fan-in 2,048 -> at most floor(131,072 / 2,048) = 64 neurons per core; 10 fit in one.
    expect(y).toMatchObject({ cores: 1, neuronsPerCore: 10, fanIn: 2048, firstCore: 2 });
    expect(y!.utilisation).toBeCloseTo(10 / 1024, 12);
    expect(y!.synapsesPerCore).toBe(20480);
    expect(map.tiles).toEqual([{ tile: 'core', used: 3, available: 128 }]);
    expect(map.violations).toEqual([]);
  });

  it('counts the recurrent inputs in the fan-in, and fills cores by synapses when they bind first', () => {
    // 200 recurrent neurons with 100 inputs: fan-in 300. A core of 16,384 synapses holds
    // floor(16,384 / 300) = 54 of them: ceil(200 / 54) = 4 cores, 200 / (4 x 1,024) utilisation.
    const small = { ...loihiCore, synapses: 16384 };
    const map = mapOnCores([
      { name: 'h', neurons: 200, inputs: 100, recurrent: true, fanOut: 210, core: small },
    ]);
    expect(map.populations[0]).toMatchObject({
      fanIn: 300,
      neuronsPerCore: 54,
      cores: 4,
      synapsesPerCore: 16200,
    });
    expect(map.populations[0]!.utilisation).toBeCloseTo(200 / 4096, 12);
  });

  it('reports violations: fan-in, fan-out, a neuron larger than a core, too many cores', () => {
    const tiny = { ...loihiCore, fanIn: 64, fanOut: 8, synapses: 50, count: 1 };
    const map = mapOnCores([
      { name: 'h', neurons: 2048, inputs: 100, recurrent: false, fanOut: 10, core: tiny },
    ]);
    expect(map.violations).toEqual([
      "layer h on core: fan-in 100 per neuron exceeds the core's 64",
      "layer h on core: fan-out 10 per neuron exceeds the core's 8",
      'layer h on core: one neuron needs 100 synapses, more than the 50 a core holds',
    ]);
    const many = mapOnCores([
      { name: 'h', neurons: 3000, inputs: 10, recurrent: false, fanOut: 0, core: { ...loihiCore, count: 2 } },
    ]);
    expect(many.populations[0]!.cores).toBe(3);
    expect(many.violations).toEqual(["the network needs 3 cores of tile 'core'; the chip has 2"]);
  });

  it('counts spikes per core and per link', () => {
    const map = mapOnCores([
      { name: 'h', neurons: 2048, inputs: 100, recurrent: false, fanOut: 10, core: loihiCore },
      { name: 'y', neurons: 10, inputs: 2048, recurrent: false, fanOut: 0, core: loihiCore },
    ]);
    const act = new CoreActivity(map, [1, -1], [false, false]);
    // Two steps: neuron 0 (core 0) spikes twice, neuron 1500 (core 1) once; output 3 once.
    const h = new Uint8Array(2 * 2048);
    h[0] = 1;
    h[2048] = 1;
    h[2048 + 1500] = 1;
    const y = new Uint8Array(2 * 10);
    y[10 + 3] = 1;
    act.add(0, h, 2, 2048);
    act.add(1, y, 2, 10);
    act.sample();
    const m = act.metrics();
    expect(m['spikes_per_sample.h.core0']).toBe(2);
    expect(m['spikes_per_sample.h.core1']).toBe(1);
    expect(m['spikes_per_sample.y']).toBe(1);
    expect(m.spikes_per_sample).toBe(4);
    // Each h spike reaches its 10 targets: 30 synaptic events; y projects nowhere.
    expect(m.synops_per_sample).toBe(30);
    // Each h spike leaves its core once for y's single core; y's spikes go nowhere.
    expect(m.link_spikes_per_sample).toBe(3);
  });
});
