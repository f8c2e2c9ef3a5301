// The seven reference platforms of seed 003 (P100, SpiNNaker, TrueNorth twice, Loihi, Intel
// 10 nm, BrainScaleS-2) as data, for accuracy-versus-energy plots. The project's own `platform`
// blocks (examples/platforms.nfab, read through the DSL checker) come first; the built-in
// presets below are the same values and sources (test/unit/energy-platforms.test.ts asserts it)
// and fill in when a project declares none.
import type { ElaboratedModel, PlatformModel } from '../ir/model';

/** A platform point without its place in a source file. */
export type PlatformPoint = Omit<PlatformModel, 'range'>;

const SEED3 = 'seed 003 / Goltz et al. 2021, Table 1';

/**
 * Source: seed 003 (A. Mizrahi, ESM 2024), the platform table reproduced from J. Göltz et al.,
 * Nat. Mach. Intell. 3:823, 2021 (Table 1). Energies in J per classification, throughput in
 * classifications/s, accuracy as a fraction, node in m. Identical to examples/platforms.nfab.
 */
export const PLATFORM_PRESETS: readonly PlatformPoint[] = [
  {
    name: 'p100',
    energyPerClassification: 852e-6,
    throughput: 125000,
    accuracy: 0.992,
    node: 14e-9,
    source: `${SEED3} (Supplementary Section SI.E.2)`,
  },
  {
    name: 'spinnaker',
    energyPerClassification: 3.3e-3,
    throughput: 91,
    accuracy: 0.95,
    node: 130e-9,
    source: `${SEED3}, ref. 82 (2015)`,
  },
  {
    name: 'truenorth_low_energy',
    energyPerClassification: 0.27e-6,
    throughput: 1000,
    accuracy: 0.927,
    node: 28e-9,
    source: `${SEED3}, ref. 61 (2015)`,
  },
  {
    name: 'truenorth_high_accuracy',
    energyPerClassification: 108e-6,
    throughput: 1000,
    accuracy: 0.994,
    node: 28e-9,
    source: `${SEED3}, ref. 51 (2015)`,
  },
  {
    name: 'loihi',
    energyPerClassification: 2.5e-6,
    throughput: 5917,
    accuracy: 0.962,
    node: 14e-9,
    source: `${SEED3}, ref. 83 (2021)`,
  },
  {
    name: 'intel_10nm',
    energyPerClassification: 1.0e-6,
    throughput: 6250,
    accuracy: 0.88,
    node: 10e-9,
    source: `${SEED3}, ref. 84 (2018)`,
  },
  {
    name: 'brainscales2',
    energyPerClassification: 8.4e-6,
    throughput: 20800,
    accuracy: 0.969,
    node: 65e-9,
    source: `${SEED3} (this work; Supplementary Section SI.E.1)`,
  },
];

/** The platform points of checked models (first declaration of a name wins), without ranges. */
export function platformsFromModels(models: readonly Pick<ElaboratedModel, 'platforms'>[]): PlatformPoint[] {
  const byName = new Map<string, PlatformPoint>();
  for (const model of models) {
    for (const { range: _range, ...p } of model.platforms ?? []) {
      if (!byName.has(p.name)) byName.set(p.name, p);
    }
  }
  return [...byName.values()];
}

/**
 * The platforms to plot: the project's declared ones, or the built-in presets when it declares
 * none. `origin` says which, so the view can tell the user.
 */
export function resolvePlatforms(declared: readonly PlatformPoint[]): {
  platforms: PlatformPoint[];
  origin: 'project' | 'builtin';
} {
  if (declared.length > 0) return { platforms: [...declared], origin: 'project' };
  return { platforms: PLATFORM_PRESETS.map((p) => ({ ...p })), origin: 'builtin' };
}

/**
 * The `platform` blocks declared in a project's .nfab files, read through the DSL checker
 * (imports resolved by `readFile`). Files that fail to check still give the platforms that did.
 */
export function declaredPlatforms(
  files: readonly string[],
  readFile: (path: string) => string | null,
  check: (file: string, text: string) => Pick<ElaboratedModel, 'platforms'>,
): PlatformPoint[] {
  const models: Pick<ElaboratedModel, 'platforms'>[] = [];
  for (const file of files) {
    if (!file.endsWith('.nfab')) continue;
    const text = readFile(file);
    if (text === null || !/\bplatform\b/.test(text)) continue;
    models.push(check(file, text));
  }
  return platformsFromModels(models);
}
