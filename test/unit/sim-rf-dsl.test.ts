// The RF chain's modelling choices written in the DSL reach the plan and change the simulation.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../engine/data';
import { checkDocument } from '../../engine/dsl/index';
import { buildTrainingPlan, isWeightLayer } from '../../engine/sim/plan';
import { train } from '../../engine/sim/train';

const root = path.resolve(__dirname, '../../examples');
const readFile = (p: string) => {
  const f = path.join(root, p);
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : null;
};
const base = readFile('rf-spintronic-mlp.nfab')!;

function planOf(text: string) {
  const r = checkDocument('rf-spintronic-mlp.nfab', text, { readFile });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return buildTrainingPlan(r.model, 'mnist_rf', { epochs: 1, trainLimit: 256, testLimit: 128 });
}

describe('RF chain fields', () => {
  it('channels, crosstalk, gain and line_symmetry reach the plan', () => {
    const text = base
      .replace(
        'tile rf1 : rf_chain(inputs = 784, outputs = 128) {',
        'tile rf1 : rf_chain(inputs = 784, outputs = 128) {\n    channels = 25  crosstalk = true  gain = 3',
      )
      .replace('device spin_res', 'device spin_res');
    const plan = planOf(text);
    const [h] = plan.layers.filter(isWeightLayer);
    expect(h!.tile.rf).toEqual({ channels: 25, crosstalk: true, gainFactor: 3 });
    const plain = planOf(base).layers.filter(isWeightLayer)[0]!;
    expect(plain.tile.rf?.crosstalk ?? false).toBe(false);
    const dev = checkDocument('d.nfab', 'device r : spin_resonator { line_symmetry = 30% }').model
      .devices[0]!;
    expect(dev.resonator?.symmetry).toBe(0.3);
    expect(dev.provenance['resonator.symmetry']).toBe('dsl');
  });

  it('crosstalk changes what the network computes', async () => {
    const run = async (text: string) => {
      const plan = planOf(text);
      plan.batch = 32;
      const data = {
        train: loadDataset(plan.dataset, 'train', plan.trainLimit, plan.seed),
        test: loadDataset(plan.dataset, 'test', plan.testLimit, plan.seed),
      };
      return (await train(plan, data)).metrics.test_loss;
    };
    const withCrosstalk = base.replace(
      'tile rf1 : rf_chain(inputs = 784, outputs = 128) {',
      'tile rf1 : rf_chain(inputs = 784, outputs = 128) {\n    crosstalk = true',
    );
    expect(await run(withCrosstalk)).not.toBe(await run(base));
  }, 120_000);
});
