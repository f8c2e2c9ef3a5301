// `experiment NAME { chip = C  network = N  dataset = mnist  train { ... }  seed = 7 }` -> Experiment.
// Here the network meets the chip: every mapped layer's tile must exist on this chip, the layers
// together may not need more crossbars than the chip has, and the network's input and output
// sizes must fit the data set.
import type {
  Chip,
  Conv2dLayer,
  DatasetFiles,
  DenseLayer,
  Experiment,
  Layer,
  LayerMapping,
  LrSchedule,
  Network,
  OptimizerConfig,
  TrainConfig,
} from '../ir/model';
import { RUNNABLE_DATASETS, SPIKING_NEURON_KINDS, type SweepSpec } from '../ir/model';
import { isSpikingNetwork, snnCoreMap, snnLayers, snnNotRunnable } from '../snn/plan';
import type { Decl, Span } from './ast';
import { type CheckContext, rejectClauses, requireName, resolve, sourceRange } from './context';
import { type AnyTile, mapDense, mapMatrix } from './mapping';
import { NEURON_FIELDS } from './neuron-defaults';
import type { FieldSpec } from './schema';
import {
  DATASET_SHAPES,
  DEVICE_FIELDS,
  EXPERIMENT_FIELDS,
  METRICS,
  OPTIMIZER_DEFAULTS,
  RUNNABLE_RULES,
} from './schema';
import { didYouMean } from './suggest';
import { type CallValue, type FieldValues, readFields, readValue } from './values';

export function checkExperiment(ctx: CheckContext, decl: Decl): Experiment | null {
  const { diags } = ctx;
  const errorsBefore = diags.errors;
  const name = requireName(ctx, decl, 'experiment NAME { chip = C  network = N  dataset = mnist }');
  rejectClauses(ctx, decl);
  if (decl.type) diags.error(decl.type, 'an experiment has no kind: write experiment NAME { ... }', 'syntax');
  const owner = `experiment '${name ?? '?'}'`;
  const all = decl.body?.statements ?? [];
  // `sweep PATH in [...]` and `metrics = [...]` take lists, which the generic reader has no type for.
  const sweepDecls = all.filter((st): st is Decl => st.kind === 'decl' && st.keyword.name === 'sweep');
  const metricFields = all.filter((st) => st.kind === 'field' && st.key.name === 'metrics');
  const fields = readFields(
    all.filter((st) => !sweepDecls.includes(st as Decl) && !metricFields.includes(st)),
    EXPERIMENT_FIELDS,
    diags,
    // sweep and metrics are named in the unknown-field message (and its did-you-mean) too.
    { owner, ownerSpan: decl.name ?? decl.keyword, decls: ['sweep', 'metrics'] },
  );
  const sweeps = sweepDecls.map((d) => readSweep(ctx, d)).filter((x): x is SweepSpec => x !== null);
  const metrics: string[] = [];
  for (const m of metricFields) {
    if (m.kind !== 'field' || !m.value) continue;
    if (m.value.kind !== 'list') {
      diags.error(m.value, `metrics takes a list: metrics = [accuracy, energy]`, 'type');
      continue;
    }
    for (const item of m.value.items) {
      if (item.kind === 'name' && (METRICS as readonly string[]).includes(item.name)) metrics.push(item.name);
      else {
        const n = item.kind === 'name' ? item.name : '';
        diags.error(
          item,
          `unknown metric '${n}'.${didYouMean(n, METRICS)} Metrics: ${METRICS.join(', ')}.`,
          'unknown-reference',
        );
      }
    }
  }
  const chipRef = fields.ref('chip');
  const netRef = fields.ref('network');
  const chip = chipRef ? resolve(ctx, 'chip', chipRef) : undefined;
  const network = netRef ? resolve(ctx, 'network', netRef) : undefined;
  const datasetCall = fields.call('dataset');
  const datasetFiles = datasetCall ? readDatasetFiles(ctx, decl, datasetCall) : undefined;
  // A file data set is measured when it is loaded; `dataset` then only names the format.
  const dataset = (datasetCall && !datasetFiles ? datasetCall.callee : datasetCall ? 'files' : undefined) as
    | Experiment['dataset']
    | 'files'
    | undefined;

  if (network && dataset && dataset !== 'files')
    checkDatasetFit(ctx, network, dataset, fields.span('network')!);
  const mappings = chip && network ? mapOnChip(ctx, network, chip, fields.span('chip')!) : undefined;
  const train = readTrain(fields.block('train'));
  const ruleSpan = fields.block('train')?.span('rule') ?? fields.span('train') ?? decl.name ?? decl.keyword;
  if (train && network) checkRuleFit(ctx, train.rule, network, ruleSpan);

  if (!name || !chip || !network || !dataset || !train || !mappings || diags.errors > errorsBefore)
    return null;
  // What the engine cannot run yet is a warning here (the file is valid) and an error at `run`.
  const why: string[] = [];
  // Spiking networks run through engine/snn/plan.ts, which says what it cannot run; their cores'
  // limits (neurons, synapses, fan-in/out, core count) are checked by its mapper.
  const spikingNet = isSpikingNetwork(network);
  if (spikingNet) {
    why.push(
      ...snnNotRunnable(
        ctx.model,
        chip,
        {
          mappings,
          dataset: dataset === 'files' ? 'mnist' : dataset,
          ...(datasetFiles ? { datasetFiles } : {}),
          rule: train.rule,
        },
        network,
      ),
    );
    const cores = snnCoreMap(snnLayers(ctx.model, chip, { mappings }, network).layers);
    for (const v of cores.violations)
      diags.warning(fields.span('chip') ?? decl.name ?? decl.keyword, `core limits: ${v}`, 'mapping');
  }
  if (!spikingNet && !(RUNNABLE_RULES as readonly string[]).includes(train.rule))
    why.push(
      `rule '${train.rule}' is not yet runnable by the engine (runnable: ${RUNNABLE_RULES.join(', ')})`,
    );
  if (!spikingNet && dataset !== 'files' && !RUNNABLE_DATASETS.includes(dataset))
    why.push(`data set '${dataset}' is not yet available to the engine`);
  const unsimulated = network.layers
    .filter((l) => l.kind === 'recurrent' || (l.kind === 'spiking' && !spikingNet))
    .map((l) => `${l.name} (${l.kind})`);
  if (unsimulated.length > 0) why.push(`layers ${unsimulated.join(', ')} are not simulated yet`);
  // A dense or conv2d layer driven by a neuron declaration runs only when that neuron is a graded
  // activation the engine has; anything else (sign, oscillator, ...) would silently run as identity.
  const neuronLayers = network.layers.filter(
    (l): l is DenseLayer | Conv2dLayer =>
      (l.kind === 'dense' || l.kind === 'conv2d') && l.neuron !== undefined && l.activation !== l.neuron,
  );
  const unsimulatedNeurons = neuronLayers.filter((l) => {
    const kind = ctx.model.neurons?.find((n) => n.name === l.neuron)?.kind;
    if (kind === 'oscillator') return l.mapping?.tileKind !== 'rf_chain'; // an STO reads an RF chain
    return kind !== undefined && !SIMULATED_NEURONS.includes(kind);
  });
  if (unsimulatedNeurons.length > 0)
    why.push(
      `neurons ${unsimulatedNeurons.map((l) => `${l.neuron} (layer ${l.name})`).join(', ')} are not simulated yet`,
    );
  const onCores = mappings.filter(
    (m) => m.mapping.tileKind && !['crossbar', 'rf_chain', 'bayesian_array'].includes(m.mapping.tileKind),
  );
  if (onCores.length > 0 && !spikingNet)
    why.push(
      `layers on ${[...new Set(onCores.map((m) => m.mapping.tileKind))].join(', ')} tiles are not simulated yet`,
    );
  if (why.length > 0) {
    diags.warning(
      decl.name ?? decl.keyword,
      `experiment '${name}' checks but cannot run yet: ${why.join('; ')}`,
      'not-runnable',
    );
  }
  const infer = fields.block('infer');
  return {
    ...(infer
      ? {
          infer: {
            time: infer.number('time') ?? 0,
            temperature: infer.number('temperature') ?? 300,
            ...(infer.string('drift_compensation') === 'global'
              ? { driftCompensation: 'global' as const }
              : {}),
          },
        }
      : {}),
    ...(sweeps.length > 0 ? { sweeps } : {}),
    ...(metrics.length > 0 ? { metrics } : {}),
    runnable: why.length === 0,
    ...(why.length > 0 ? { notRunnable: why.join('; ') } : {}),
    name,
    chip: chip.name,
    network: network.name,
    dataset: dataset === 'files' ? 'mnist' : dataset,
    ...(datasetFiles ? { datasetFiles } : {}),
    train,
    seed: fields.number('seed') ?? 0,
    trainLimit: fields.number('train_limit') ?? null,
    testLimit: fields.number('test_limit') ?? null,
    mappings,
    range: sourceRange(ctx, decl),
  };
}

function readTrain(block: FieldValues | undefined): TrainConfig | null {
  const rule = (block?.string('rule') ?? 'backprop') as TrainConfig['rule'];
  const opt = block?.call('optimizer');
  const kind = (opt?.callee ?? 'sgd') as OptimizerConfig['kind'];
  const d = OPTIMIZER_DEFAULTS[kind] ?? { lr: 0.1, momentum: 0 };
  const optimizer: OptimizerConfig = {
    kind,
    lr: opt?.args.number('lr') ?? d.lr,
    momentum: (kind === 'adam' ? opt?.args.number('beta1') : opt?.args.number('momentum')) ?? d.momentum,
    schedule: (block?.string('schedule') ?? 'constant') as LrSchedule,
  };
  const trainable = block?.string('trainable');
  return {
    rule,
    ...(trainable ? { trainable: [trainable] } : {}),
    optimizer,
    epochs: block?.number('epochs') ?? 1,
    batch: block?.number('batch') ?? 32,
    ...(block?.number('beta') !== undefined ? { beta: block.number('beta')! } : {}),
    ...(block?.number('pulse_length') !== undefined ? { pulseLength: block.number('pulse_length')! } : {}),
    ...(block?.number('clip_sigma') !== undefined ? { clipSigma: block.number('clip_sigma')! } : {}),
    ...eqpropSettings(block),
    ...mcmcSettings(block),
    ...spikingSettings(block),
  };
}

function spikingSettings(block: FieldValues | undefined): Pick<TrainConfig, 'spiking'> {
  const s = defined({
    timeSteps: block?.number('time_steps'),
    dt: block?.number('dt'),
    surrogate: block?.string('surrogate'),
    tauE: block?.number('tau_e'),
  });
  return Object.keys(s).length > 0 ? { spiking: s } : {};
}

/** Only the settings the text writes: the learner's defaults fill the rest. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function eqpropSettings(block: FieldValues | undefined): Pick<TrainConfig, 'eqprop'> {
  const s = defined({
    freeSteps: block?.number('free_steps'),
    nudgeSteps: block?.number('nudge_steps'),
    nudging: block?.string('nudging') as NonNullable<TrainConfig['eqprop']>['nudging'] | undefined,
  });
  return Object.keys(s).length > 0 ? { eqprop: s } : {};
}

function mcmcSettings(block: FieldValues | undefined): Pick<TrainConfig, 'mcmc'> {
  const s = defined({
    stepsPerBatch: block?.number('mcmc_steps'),
    proposalSize: block?.number('proposal_size'),
    burnIn: block?.number('burn_in'),
    ensembleSize: block?.number('ensemble'),
  });
  return Object.keys(s).length > 0 ? { mcmc: s } : {};
}

/** Neuron kinds a dense layer on a crossbar can use as its activation in the analog engine. */
const SIMULATED_NEURONS = ['relu', 'sigmoid', 'tanh', 'sign'];

/**
 * `csv(train = "a.csv", test = "b.csv")`, `idx(...)`, `npy(...)`: the files, with paths resolved
 * against the directory of the .nfab file that declares the experiment (project-relative, '/'-separated).
 * Undefined for a built-in data set.
 */
function readDatasetFiles(ctx: CheckContext, decl: Decl, call: CallValue): DatasetFiles | undefined {
  const dir = (ctx.fileOf.get(decl) ?? ctx.lines.file).split('/').slice(0, -1);
  const p = (name: string) => joinPath(dir, call.args.string(name) ?? '');
  if (call.callee === 'csv') {
    return {
      format: 'csv',
      train: p('train'),
      test: p('test'),
      labelColumn: (call.args.string('label') ?? 'last') as 'first' | 'last',
    };
  }
  if (call.callee === 'idx' || call.callee === 'npy') {
    return {
      format: call.callee,
      trainX: p('train_x'),
      trainY: p('train_y'),
      testX: p('test_x'),
      testY: p('test_y'),
    };
  }
  return undefined;
}

/** Joins a relative path onto a directory (segments), resolving `.` and `..`; absolute paths stay. */
function joinPath(dir: string[], rel: string): string {
  if (rel.startsWith('/') || /^[A-Za-z]:[\\/]/.test(rel)) return rel;
  const out = [...dir];
  for (const seg of rel.split(/[\\/]/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out.at(-1) !== '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

const SPIKING_RULES = ['surrogate_bptt', 'eprop', 'stdp', 'three_factor'];

/** Spiking rules need spiking neurons; gradient rules for graded neurons do not train spiking layers. */
function checkRuleFit(ctx: CheckContext, rule: string, network: Network, span: Span): void {
  const spikingKinds = SPIKING_NEURON_KINDS as readonly string[];
  const spiking = network.layers.some((l) => {
    if (l.kind === 'spiking') return true;
    if (l.kind === 'dense' && l.neuron) {
      const n = ctx.model.neurons?.find((x) => x.name === l.neuron);
      return n ? spikingKinds.includes(n.kind) : false;
    }
    return false;
  });
  if (SPIKING_RULES.includes(rule) && !spiking) {
    ctx.diags.error(
      span,
      `rule '${rule}' trains spiking networks, but network '${network.name}' has no spiking neurons; ` +
        'add a spiking layer (spiking h : 100 { neuron = n } with neuron n : lif) or use backprop',
      'rule',
    );
  } else if (!SPIKING_RULES.includes(rule) && spiking) {
    ctx.diags.error(
      span,
      `rule '${rule}' needs differentiable neurons, but network '${network.name}' has spiking neurons; ` +
        'use surrogate_bptt or eprop (gradients through a surrogate), or stdp / three_factor (local rules)',
      'rule',
    );
  }
}

/** `sweep dev.program_noise in [0%, 1%, 2%]`: the path must name a declared field; values are checked by its type. */
function readSweep(ctx: CheckContext, d: Decl): SweepSpec | null {
  const { diags } = ctx;
  if (!d.name || d.subpath.length === 0) {
    diags.error(
      d.name ?? d.keyword,
      'sweep takes a field path and values: sweep dev.program_noise in [1%, 2%]',
      'syntax',
    );
    return null;
  }
  const path = [d.name.name, ...d.subpath.map((p) => p.name)];
  const clause = d.clauses.find((c) => c.keyword.name === 'in');
  if (clause?.value?.kind !== 'list') {
    diags.error(clause?.value ?? d.name, `sweep ${path.join('.')} needs values: in [a, b, c]`, 'syntax');
    return null;
  }
  const target = path[0]!;
  const field = path[1]!;
  const devDecl = ctx.declared.device.get(target);
  const neuronDecl = ctx.declared.neuron.get(target);
  let spec = devDecl ? DEVICE_FIELDS.find((f) => f.name === field) : undefined;
  if (neuronDecl && neuronDecl.type?.kind === 'name') {
    spec = (NEURON_FIELDS as Record<string, readonly FieldSpec[]>)[neuronDecl.type.name]?.find(
      (f) => f.name === field,
    );
  }
  if (!devDecl && !neuronDecl) {
    if (!ctx.openImports)
      diags.error(d.name, `sweep: '${target}' is not a declared device or neuron`, 'unknown-reference');
    return null;
  }
  if (!spec || spec.type.kind === 'block') {
    const last = d.subpath[0]!;
    diags.error(last, `sweep: '${field}' is not a sweepable field of '${target}'`, 'unknown-field');
    return null;
  }
  const values: (number | string)[] = [];
  const texts: string[] = [];
  for (const item of clause.value.items) {
    const v = readValue(item, spec, diags);
    if (typeof v === 'number' || typeof v === 'string') {
      values.push(v);
      texts.push(ctx.lines.slice(item));
    }
  }
  if (clause.value.items.length === 0) diags.error(clause.value, 'sweep needs at least one value', 'range');
  return { path, values, texts };
}

function checkDatasetFit(ctx: CheckContext, network: Network, dataset: string, span: Span): void {
  const shape = DATASET_SHAPES[dataset];
  if (!shape) return;
  const input = network.layers[0];
  if (input?.kind === 'input' && input.size !== shape.inputs) {
    ctx.diags.error(
      span,
      `network '${network.name}' takes ${input.size} inputs (input ${input.name} : ${input.shape.join('x')}) ` +
        `but ${dataset} has ${shape.inputs} (${shape.shape})`,
      'dataset',
    );
  }
  const last = network.layers.at(-1);
  if (last?.kind === 'dense' && last.units !== shape.classes) {
    ctx.diags.error(
      span,
      `network '${network.name}' ends with ${last.units} outputs (layer ${last.name}) but ${dataset} has ` +
        `${shape.classes} classes`,
      'dataset',
    );
  }
}

/** Maps every layer that has a tile onto this chip's tiles; null after reporting when it does not fit. */
function mapOnChip(
  ctx: CheckContext,
  network: Network,
  chip: Chip,
  span: Span,
): { layer: string; mapping: LayerMapping }[] | undefined {
  const out: { layer: string; mapping: LayerMapping }[] = [];
  const used = new Map<string, number>();
  let ok = true;
  for (const layer of network.layers) {
    if (!('mapping' in layer) || !layer.mapping) continue;
    const all: AnyTile[] = [...chip.tiles, ...(chip.cores ?? [])];
    const tile = all.find((t) => t.name === layer.mapping!.tile);
    if (!tile) {
      const have = all.map((t) => t.name).join(', ') || 'none';
      ctx.diags.error(
        span,
        `chip '${chip.name}' has no tile '${layer.mapping.tile}' (network '${network.name}' maps layer ` +
          `'${layer.name}' on it); its tiles: ${have}`,
        'mapping',
      );
      ok = false;
      continue;
    }
    const mapping =
      layer.kind === 'dense' && tile.kind === 'crossbar'
        ? mapDense(layer.inputs, layer.units, layer.bias, tile)
        : mapMatrix(matrixRows(layer), matrixCols(layer), tile);
    out.push({ layer: layer.name, mapping });
    used.set(tile.name, (used.get(tile.name) ?? 0) + mapping.tilesUsed);
  }
  for (const [tileName, n] of used) {
    const tile = [...chip.tiles, ...(chip.cores ?? [])].find((t) => t.name === tileName)!;
    if (n > tile.count) {
      const perLayer = out
        .filter((m) => m.mapping.tile === tileName)
        .map((m) => `${m.layer}: ${m.mapping.tilesUsed}`)
        .join(', ');
      ctx.diags.error(
        span,
        `network '${network.name}' needs ${n} '${tileName}' tiles (${perLayer}) but chip '${chip.name}' has ` +
          `${tile.count} (count = ${tile.count})`,
        'mapping',
      );
      ok = false;
    }
  }
  return ok ? out : undefined;
}

/** Rows of a layer's weight matrix (im2col for conv2d; recurrent layers add their outputs). */
function matrixRows(l: Layer): number {
  const b = 'bias' in l && l.bias ? 1 : 0;
  if (l.kind === 'conv2d') return l.kernel * l.kernel * l.inShape[0] + b;
  if (l.kind === 'recurrent' || l.kind === 'spiking') return l.inputs + (l.recurrent ? l.units : 0) + b;
  if (l.kind === 'dense') return l.inputs + b;
  return 0;
}

function matrixCols(l: Layer): number {
  return l.kind === 'conv2d' ? l.channels : 'units' in l ? l.units : 0;
}
