// The checker says which experiments the engine can run, instead of running them wrongly.
import { describe, expect, it } from 'vitest';
import { checkDocument } from '../../engine/dsl';

const doc = (act: string) => `
neuron sgn : sign {}
neuron sto : oscillator {}
neuron r : relu {}
device d : ideal {}
chip c {
  tile xbar : crossbar(rows = 256, cols = 256) { device = d  count = 8 }
}
network n {
  input x : 28x28
  dense h : 64 { act = ${act} } on xbar
  dense y : 10 on xbar
}
experiment e { chip = c  network = n  dataset = mnist }
`;

describe('runnable experiments', () => {
  it('an oscillator neuron on a crossbar is flagged as not runnable, not run as identity', () => {
    const r = checkDocument('t.nfab', doc('sto'));
    expect(r.hasErrors).toBe(false);
    const e = r.model.experiments[0]!;
    expect(e.runnable).toBe(false);
    expect(e.notRunnable).toContain('neurons sto (layer h) are not simulated yet');
    expect(r.diagnostics.some((d) => d.code === 'not-runnable' && d.message.includes('sto'))).toBe(true);
  });

  it('graded neurons, sign neurons and plain activations stay runnable', () => {
    for (const act of ['r', 'relu', 'tanh', 'sgn']) {
      const e = checkDocument('t.nfab', doc(act)).model.experiments[0]!;
      expect(e.runnable, act).toBe(true);
    }
  });
});
