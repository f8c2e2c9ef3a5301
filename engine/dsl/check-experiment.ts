// `experiment NAME { chip = C  network = N  dataset = mnist  train { ... }  seed = 7 }` -> Experiment.
// Here the network meets the chip: every mapped layer's tile must exist on this chip, the layers
// together may not need more crossbars than the chip has, and the network's input and output
// sizes must fit the data set.
import type {
  Chip,
  Experiment,
  LayerMapping,
  LrSchedule,
  Network,
  OptimizerConfig,
  TrainConfig,
} from '../ir/model';
import type { Decl, Span } from './ast';
import { type CheckContext, rejectClauses, requireName, resolve, sourceRange } from './context';
import { mapDense } from './mapping';
import { DATASET_SHAPES, EXPERIMENT_FIELDS, OPTIMIZER_DEFAULTS, PLANNED_EXPERIMENT_DECLS } from './schema';
import { type FieldValues, readFields } from './values';

export function checkExperiment(ctx: CheckContext, decl: Decl): Experiment | null {
  const { diags } = ctx;
  const errorsBefore = diags.errors;
  const name = requireName(ctx, decl, 'experiment NAME { chip = C  network = N  dataset = mnist }');
  rejectClauses(ctx, decl);
  if (decl.type) diags.error(decl.type, 'an experiment has no kind: write experiment NAME { ... }', 'syntax');
  const owner = `experiment '${name ?? '?'}'`;
  const fields = readFields(decl.body?.statements ?? [], EXPERIMENT_FIELDS, diags, {
    owner,
    ownerSpan: decl.name ?? decl.keyword,
    plannedDecls: PLANNED_EXPERIMENT_DECLS,
  });
  const chipRef = fields.ref('chip');
  const netRef = fields.ref('network');
  const chip = chipRef ? resolve(ctx, 'chip', chipRef) : undefined;
  const network = netRef ? resolve(ctx, 'network', netRef) : undefined;
  const dataset = fields.string('dataset') as Experiment['dataset'] | undefined;

  if (network && dataset) checkDatasetFit(ctx, network, dataset, fields.span('network')!);
  const mappings = chip && network ? mapOnChip(ctx, network, chip, fields.span('chip')!) : undefined;
  const train = readTrain(fields.block('train'));

  if (!name || !chip || !network || !dataset || !train || !mappings || diags.errors > errorsBefore)
    return null;
  return {
    name,
    chip: chip.name,
    network: network.name,
    dataset,
    train,
    seed: fields.number('seed') ?? 0,
    trainLimit: fields.number('train_limit') ?? null,
    testLimit: fields.number('test_limit') ?? null,
    mappings,
    range: sourceRange(ctx, decl),
  };
}

function readTrain(block: FieldValues | undefined): TrainConfig | null {
  const rule = block?.string('rule') ?? 'backprop';
  if (rule !== 'backprop') return null;
  const opt = block?.call('optimizer');
  const kind = (opt?.callee ?? 'sgd') as OptimizerConfig['kind'];
  const d = OPTIMIZER_DEFAULTS[kind] ?? { lr: 0.1, momentum: 0 };
  const optimizer: OptimizerConfig = {
    kind,
    lr: opt?.args.number('lr') ?? d.lr,
    momentum: (kind === 'adam' ? opt?.args.number('beta1') : opt?.args.number('momentum')) ?? d.momentum,
    schedule: (block?.string('schedule') ?? 'constant') as LrSchedule,
  };
  return { rule, optimizer, epochs: block?.number('epochs') ?? 1, batch: block?.number('batch') ?? 32 };
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
    if (layer.kind !== 'dense' || !layer.mapping) continue;
    const tile = chip.tiles.find((t) => t.name === layer.mapping!.tile);
    if (!tile) {
      const have = chip.tiles.map((t) => t.name).join(', ') || 'none';
      ctx.diags.error(
        span,
        `chip '${chip.name}' has no tile '${layer.mapping.tile}' (network '${network.name}' maps layer ` +
          `'${layer.name}' on it); its tiles: ${have}`,
        'mapping',
      );
      ok = false;
      continue;
    }
    const mapping = mapDense(layer.inputs, layer.units, layer.bias, tile);
    out.push({ layer: layer.name, mapping });
    used.set(tile.name, (used.get(tile.name) ?? 0) + mapping.tilesUsed);
  }
  for (const [tileName, n] of used) {
    const tile = chip.tiles.find((t) => t.name === tileName)!;
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
