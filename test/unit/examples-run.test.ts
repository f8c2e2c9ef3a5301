// Every example experiment the checker calls runnable really trains: built from the DSL, on a
// small slice of its data, through the same loop the studio uses, to finite metrics. This is the
// end-to-end check that the language and the engine agree on what runs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../engine/data';
import { checkDocument } from '../../engine/dsl/index';
import { buildTrainingPlan } from '../../engine/sim/plan';
import { train } from '../../engine/sim/train';
import { buildSnnPlan, isSpikingNetwork } from '../../engine/snn/plan';

const root = path.resolve(__dirname, '../../examples');
const readFile = (p: string): string | null => {
  const full = path.join(root, ...p.split('/'));
  return fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : null;
};

const cases: [string, string][] = [];
for (const f of fs
  .readdirSync(root)
  .filter((n) => n.endsWith('.nfab'))
  .sort()) {
  const r = checkDocument(f, readFile(f)!, { readFile });
  for (const e of r.model.experiments) if (e.runnable) cases.push([f, e.name]);
}

/** Experiments the checker reports as not runnable (spiking cores, photonic meshes: other issues). */
const notRunnable = fs
  .readdirSync(root)
  .filter((n) => n.endsWith('.nfab'))
  .flatMap((f) =>
    checkDocument(f, readFile(f)!, { readFile })
      .model.experiments.filter((e) => !e.runnable)
      .map((e) => `${f}:${e.name}`),
  );

describe('example experiments', () => {
  it('only photonic experiments are left unrunnable', () => {
    expect(notRunnable.sort()).toEqual(['photonic-core.nfab:mnist_photonic']);
  });

  it.each(cases)(
    '%s: %s trains on a slice to finite metrics',
    async (file, name) => {
      const model = checkDocument(file, readFile(file)!, { readFile }).model;
      // Spiking networks build their plan as the run manager does (engine/host/runs.ts).
      const net = model.networks.find(
        (n) => n.name === model.experiments.find((e) => e.name === name)?.network,
      );
      const build = net && isSpikingNetwork(net) ? buildSnnPlan : buildTrainingPlan;
      const plan = build(model, name, { epochs: 1, trainLimit: 96, testLimit: 64 });
      // Batch at most 32, so even batch-1 rules stay quick on the slice.
      plan.batch = Math.min(plan.batch, 32);
      const data = {
        train: loadDataset(plan.dataset, 'train', plan.trainLimit, plan.seed),
        test: loadDataset(plan.dataset, 'test', plan.testLimit, plan.seed),
      };
      const result = await train(plan, data);
      expect(result.status).toBe('finished');
      expect(result.samplesSeen).toBe(96);
      expect(Number.isFinite(result.metrics.test_loss)).toBe(true);
      expect(result.metrics.test_accuracy).toBeGreaterThanOrEqual(0);
      expect(result.metrics.test_accuracy).toBeLessThanOrEqual(1);
    },
    120_000,
  );
});
