// A real project for the report tests: the RF spintronic example (with its imported device library)
// in a temp folder, and a recorded three-point sweep in its real store: the DSL snapshot, params
// as the run manager writes them, seeded metric curves, and the energy estimate the estimator
// really computes for the design.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkDocument } from '../../engine/dsl';
import { estimateEnergy } from '../../engine/energy';
import { storePath } from '../../engine/host/project';
import { ENERGY_ARTIFACT } from '../../engine/host/runs';
import { Rng } from '../../engine/sim/rng';
import { openStore, type Store } from '../../engine/store';

export const EXAMPLE = 'rf-spintronic-mlp.nfab';
export const NOISES = ['0%', '0.5%', '1%'];

export interface ReportProject {
  root: string;
  store: Store;
  runIds: string[];
  snapshot: string;
  readFile: (p: string) => string | null;
  cleanup: () => void;
}

export function makeReportProject(): ReportProject {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nf-report-test-')));
  const examples = path.join(__dirname, '../../examples');
  fs.copyFileSync(path.join(examples, EXAMPLE), path.join(root, EXAMPLE));
  fs.cpSync(path.join(examples, 'lib'), path.join(root, 'lib'), { recursive: true });
  const readFile = (p: string) => {
    const abs = path.join(root, p);
    return fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : null;
  };
  const snapshot = fs.readFileSync(path.join(root, EXAMPLE), 'utf8');
  const checked = checkDocument(EXAMPLE, snapshot, { readFile });
  if (checked.hasErrors) throw new Error(`${EXAMPLE} does not check: ${JSON.stringify(checked.diagnostics)}`);
  const energy = estimateEnergy(checked.model, { network: 'rf_mlp' });

  let t = 1_790_000_000_000;
  const store = openStore(storePath(root), { now: () => (t += 1000) });
  const sweepId = 'mnist_rf-test';
  store.createSweep({
    id: sweepId,
    experiment: 'mnist_rf',
    sourceFile: EXAMPLE,
    dslSnapshot: snapshot,
    overrides: { epochs: 1, trainLimit: 2000 },
    total: NOISES.length,
  });
  const runIds = NOISES.map((noise, index) => {
    const id = store.createRun({
      experiment: 'mnist_rf',
      sourceFile: EXAMPLE,
      seed: 7,
      engineVersion: '0.1.0',
      params: {
        'dataset.kind': 'builtin',
        'dataset.name': 'mnist',
        epochs: '1',
        trainLimit: '2000',
        network: 'rf_mlp',
        chip: 'spin_mlp',
        'sweep.spin_res.program_noise': noise,
      },
      dslSnapshot: snapshot,
      overrides: { epochs: 1, trainLimit: 2000 },
      sweep: { id: sweepId, index },
      tags: { sweep: sweepId, sweep_point: `${index + 1}/${NOISES.length}` },
    });
    store.setRunStatus(id, 'running');
    const rng = new Rng(index + 1);
    const r = () => rng.uniform();
    const points = [];
    for (let step = 32; step <= 2000; step += 32) {
      const progress = step / 2000;
      points.push(
        { key: 'train_loss', value: 2.3 * (1 - 0.7 * progress) + 0.2 * r(), step, timestamp: t },
        {
          key: 'train_accuracy',
          value: 0.1 + 0.7 * progress * (1 - index * 0.3) + 0.05 * r(),
          step,
          timestamp: t,
        },
      );
    }
    points.push(
      { key: 'test_accuracy', value: 0.83 - 0.35 * index, step: 2000, timestamp: t },
      { key: 'test_loss', value: 0.52 + index, step: 2000, timestamp: t },
      { key: 'energy_per_classification', value: energy.energyPerClassification, step: 2000, timestamp: t },
    );
    store.logMetrics(id, points);
    store.putArtifact(id, ENERGY_ARTIFACT, JSON.stringify(energy), 'application/json');
    store.setRunStatus(id, 'finished');
    return id;
  });
  return {
    root,
    store,
    runIds,
    snapshot,
    readFile,
    cleanup: () => {
      store.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
