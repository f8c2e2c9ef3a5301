// `network NAME { input x : 28x28  dense h : 256 { act = relu } on TILE ... }` -> Network.
// Each dense layer's input count comes from the layer before it; `on TILE` maps it over the
// crossbars of the first chip (in file order) that has a tile of that name. Experiments redo the
// mapping against their own chip (check-experiment.ts).
import type { Activation, Layer, LayerMapping, Network } from '../ir/model';
import type { Decl } from './ast';
import { type CheckContext, rejectClauses, requireName, resolve, sourceRange } from './context';
import { type AnyTile, describeMapping, mapDense, mapMatrix } from './mapping';
import { LAYER_FIELDS, LAYER_KINDS } from './schema';
import { didYouMean } from './suggest';
import { readFields, readValue } from './values';

export function checkNetwork(ctx: CheckContext, decl: Decl): Network | null {
  const { diags } = ctx;
  const errorsBefore = diags.errors;
  const name = requireName(ctx, decl, 'network NAME { input x : 28x28  dense y : 10 on TILE }');
  rejectClauses(ctx, decl);
  if (decl.type) diags.error(decl.type, 'a network has no kind: write network NAME { ... }', 'syntax');
  if (!decl.body) {
    diags.error(decl.name ?? decl.keyword, `network '${name ?? '?'}' needs a body with layers`, 'syntax');
    return null;
  }
  const owner = `network '${name ?? '?'}'`;
  const statements = decl.body.statements;
  const weighted = ['dense', 'conv2d', 'recurrent', 'spiking'];
  const lastWeighted = statements
    .filter((s) => s.kind === 'decl' && weighted.includes(s.keyword.name))
    .at(-1);

  const layers: Layer[] = [];
  const names = new Map<string, number>();
  /** Current activation shape: [c, h, w] for images, [n] once flat. */
  let shape: number[] | null = null;
  let broken = false;
  for (const st of statements) {
    if (st.kind === 'field') {
      diags.error(
        st.key,
        `unknown field '${st.key.name}' in ${owner}: a network holds layers (${LAYER_KINDS.join(', ')})`,
        'unknown-field',
      );
      continue;
    }
    const kind = st.keyword.name;
    if (!(LAYER_KINDS as readonly string[]).includes(kind)) {
      diags.error(
        st.keyword,
        `unknown layer kind '${kind}'.${didYouMean(kind, LAYER_KINDS)} Layer kinds: ${LAYER_KINDS.join(', ')}.`,
        'unknown-kind',
      );
      broken = true;
      continue;
    }
    const layerName = requireName(
      ctx,
      st,
      `${kind} NAME${kind === 'input' ? ' : 28x28' : kind === 'pool' || kind === 'flatten' ? '' : ' : 256'}`,
    );
    if (layerName !== null) {
      const first = names.get(layerName);
      if (first !== undefined) {
        diags.error(
          st.name!,
          `layer '${layerName}' is already declared in ${owner} (line ${first})`,
          'duplicate',
        );
        broken = true;
        continue;
      }
      names.set(layerName, ctx.lines.pos(st.start).line);
    }
    if (kind === 'input') {
      const size = checkInput(ctx, st, layers.length === 0 && shape === null, owner);
      if (size === null || layerName === null) {
        broken = true;
        continue;
      }
      layers.push({
        kind: 'input',
        name: layerName,
        shape: size,
        size: product(size),
        range: sourceRange(ctx, st),
      });
      shape = size.length === 2 ? [1, size[0]!, size[1]!] : size.length === 3 ? size : [product(size)];
      continue;
    }
    if (shape === null && !broken && layers.length === 0) {
      diags.error(
        st.keyword,
        `${owner} needs an input layer before '${layerName ?? kind}': input x : 28x28`,
        'syntax',
      );
    }
    const layer = checkLayer(ctx, st, kind, layerName, shape, st === lastWeighted);
    if (!layer) {
      broken = true;
      shape = null;
      continue;
    }
    layers.push(layer);
    shape = outShape(layer);
  }
  if (!name || broken || diags.errors > errorsBefore) return null;
  if (!layers.some((l) => weighted.includes(l.kind))) {
    diags.warning(
      decl.name ?? decl.keyword,
      `${owner} has no layer with weights: nothing to train`,
      'mapping',
    );
  }
  return { name, layers, range: sourceRange(ctx, decl) };
}

function outShape(l: Layer): number[] {
  switch (l.kind) {
    case 'input':
      return l.shape;
    case 'conv2d':
    case 'pool':
      return l.outShape;
    case 'flatten':
      return [l.size];
    default:
      return [l.units];
  }
}

function product(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function checkInput(ctx: CheckContext, st: Decl, first: boolean, owner: string): number[] | null {
  const { diags } = ctx;
  rejectClauses(ctx, st);
  if (st.body) diags.error(st.body.open, 'an input layer has no fields', 'syntax');
  if (!first) {
    diags.error(
      st.keyword,
      `the input layer must be the first layer of ${owner}, and there is only one`,
      'syntax',
    );
    return null;
  }
  if (!st.type) {
    diags.error(
      st.name ?? st.keyword,
      `input needs a shape: input ${st.name?.name ?? 'x'} : 28x28`,
      'syntax',
    );
    return null;
  }
  const v = readValue(st.type, { name: 'input', doc: '', type: { kind: 'shape' } }, diags);
  return Array.isArray(v) ? v : null;
}

function checkLayer(
  ctx: CheckContext,
  st: Decl,
  kind: string,
  name: string | null,
  shape: number[] | null,
  isLast: boolean,
): Layer | null {
  const { diags } = ctx;
  const errorsBefore = diags.errors;
  const hasWeights = kind !== 'pool' && kind !== 'flatten';
  rejectClauses(ctx, st, hasWeights ? ['on'] : []);
  const range = sourceRange(ctx, st);
  // Size after the colon: units (dense, recurrent, spiking) or output channels (conv2d).
  let units: number | undefined;
  if (hasWeights) {
    if (!st.type) {
      diags.error(
        st.name ?? st.keyword,
        `${kind} needs a size: ${kind} ${name ?? 'h'} : ${kind === 'conv2d' ? '32' : '256'}`,
        'syntax',
      );
    } else {
      const v = readValue(
        st.type,
        {
          name: kind === 'conv2d' ? 'channels' : 'units',
          doc: '',
          type: { kind: 'number', min: 1, max: 1_000_000, integer: true },
        },
        diags,
      );
      if (typeof v === 'number') units = v;
    }
  } else if (st.type) diags.error(st.type, `a ${kind} layer takes no size`, 'syntax');
  // `act = NEURON` names a neuron declaration: take it out before the generic reader.
  let neuron: string | undefined;
  const statements = (st.body?.statements ?? []).filter((f) => {
    if (f.kind !== 'field' || f.key.name !== 'act' || f.value?.kind !== 'name') return true;
    if (!ctx.declared.neuron.has(f.value.name)) return true;
    neuron = f.value.name;
    return false;
  });
  const fields = readFields(statements, LAYER_FIELDS[kind] ?? [], diags, {
    owner: `layer '${name ?? '?'}'`,
    ownerSpan: st.name ?? st.keyword,
  });
  let neuronModel = neuron ? resolve(ctx, 'neuron', { kind: 'ref', name: neuron, span: st }) : undefined;
  const nref = fields.ref('neuron');
  if (nref) {
    neuronModel = resolve(ctx, 'neuron', nref);
    if (neuronModel && !neuronModel.spiking)
      diags.error(
        nref.span,
        `a spiking layer needs a spiking neuron (lif, cuba_lif, adex, loihi_cuba); '${nref.name}' is ${neuronModel.kind}`,
        'type',
      );
  }
  const graded = ['relu', 'sigmoid', 'tanh'];
  const activation = (fields.string('act') ??
    (neuronModel && graded.includes(neuronModel.kind)
      ? neuronModel.kind
      : neuronModel
        ? 'identity'
        : isLast
          ? 'identity'
          : 'relu')) as Activation;
  const bias = fields.boolean('bias') ?? kind !== 'spiking';

  let tile: AnyTile | null | undefined = null;
  const on = st.clauses.filter((c) => c.keyword.name === 'on');
  for (const extra of on.slice(1))
    diags.error(extra.keyword, "a layer is mapped 'on' one tile only", 'duplicate');
  const target = on[0]?.value;
  if (target) {
    if (target.kind !== 'name') diags.error(target, "'on' must name a tile, e.g. on xbar", 'type');
    else tile = findTile(ctx, target.name, target);
  }
  if (name === null || shape === null || tile === undefined || diags.errors > errorsBefore) return null;
  const flat = product(shape);
  const where = st.name ?? st.keyword;

  const mapped = (rows: number, cols: number, inputs: number): LayerMapping | null => {
    if (!tile) return null;
    const m = mapMatrix(rows, cols, tile);
    if (tile.kind === 'spiking_core') {
      const fanIn = typeof tile.params.fan_in === 'number' ? tile.params.fan_in : 4096;
      if (inputs > fanIn) {
        diags.error(
          where,
          `layer '${name}': each neuron has ${inputs} inputs but '${tile.name}' allows a fan-in of ${fanIn}`,
          'mapping',
        );
        return null;
      }
    }
    diags.info(where, describeMatrix(name, rows, cols, tile, m), 'mapping');
    return m;
  };

  switch (kind) {
    case 'dense': {
      if (units === undefined) return null;
      const mapping = tile
        ? tile.kind === 'crossbar'
          ? mapDense(flat, units, bias, tile)
          : mapped(flat + (bias ? 1 : 0), units, flat)
        : null;
      if (tile?.kind === 'crossbar' && mapping)
        diags.info(where, describeMapping(name, flat, units, bias, tile, mapping), 'mapping');
      if (tile && !mapping) return null;
      return {
        kind: 'dense',
        name,
        inputs: flat,
        units,
        activation,
        ...(neuron ? { neuron } : {}),
        bias,
        mapping,
        range,
      };
    }
    case 'conv2d': {
      if (units === undefined) return null;
      if (shape.length !== 3) {
        diags.error(
          st.keyword,
          `conv2d needs an image input (C x H x W, e.g. input x : 28x28), not a flat vector of ${flat}`,
          'shape',
        );
        return null;
      }
      const [c, h, w] = shape as [number, number, number];
      const k = fields.number('kernel');
      const stride = fields.number('stride') ?? 1;
      const padding = fields.number('padding') ?? 0;
      if (k === undefined) return null;
      const oh = Math.floor((h + 2 * padding - k) / stride) + 1;
      const ow = Math.floor((w + 2 * padding - k) / stride) + 1;
      if (oh < 1 || ow < 1) {
        diags.error(
          fields.span('kernel') ?? where,
          `kernel ${k} is larger than the ${h}x${w} input (padding ${padding})`,
          'shape',
        );
        return null;
      }
      const rows = k * k * c + (bias ? 1 : 0);
      const mapping = mapped(rows, units, k * k * c);
      if (tile && !mapping) return null;
      return {
        kind: 'conv2d',
        name,
        inShape: [c, h, w],
        outShape: [units, oh, ow],
        channels: units,
        kernel: k,
        stride,
        padding,
        activation,
        ...(neuron ? { neuron } : {}),
        bias,
        mapping,
        range,
      };
    }
    case 'pool': {
      if (shape.length !== 3) {
        diags.error(st.keyword, 'pool needs an image input (after input or conv2d)', 'shape');
        return null;
      }
      const [c, h, w] = shape as [number, number, number];
      const size = fields.number('size');
      if (size === undefined) return null;
      const stride = fields.number('stride') ?? size;
      const oh = Math.floor((h - size) / stride) + 1;
      const ow = Math.floor((w - size) / stride) + 1;
      if (oh < 1 || ow < 1) {
        diags.error(
          fields.span('size') ?? where,
          `pool size ${size} is larger than the ${h}x${w} input`,
          'shape',
        );
        return null;
      }
      const op = (fields.string('op') ?? 'max') as 'max' | 'avg' | 'sum';
      return { kind: 'pool', name, op, inShape: [c, h, w], outShape: [c, oh, ow], size, stride, range };
    }
    case 'flatten':
      return { kind: 'flatten', name, size: flat, range };
    default: {
      // recurrent, spiking
      if (units === undefined) return null;
      const recurrent = kind === 'recurrent' || fields.boolean('recurrent') === true;
      const inputs = flat + (recurrent ? units : 0);
      const mapping = mapped(inputs + (bias ? 1 : 0), units, inputs);
      if (tile && !mapping) return null;
      return {
        kind: kind as 'recurrent' | 'spiking',
        name,
        inputs: flat,
        units,
        neuron: neuronModel?.name ?? activation,
        recurrent,
        bias,
        mapping,
        range,
      };
    }
  }
}

function describeMatrix(layer: string, rows: number, cols: number, tile: AnyTile, m: LayerMapping): string {
  return (
    `layer '${layer}': ${rows}x${cols} weights on '${tile.name}' (${tile.kind}): ${m.tilesUsed} ` +
    `tile${m.tilesUsed === 1 ? '' : 's'} (${m.rowBlocks} x ${m.colBlocks}), utilisation ${(m.utilisation * 100).toFixed(1)}%`
  );
}

/** The first clean tile of that name in any chip; undefined if unknown (reported) or broken (silent). */
export function findTile(
  ctx: CheckContext,
  name: string,
  span: { start: number; end: number },
): AnyTile | undefined {
  for (const chip of ctx.model.chips) {
    const t = chip.tiles.find((x) => x.name === name) ?? chip.cores?.find((x) => x.name === name);
    if (t) return t;
  }
  const declared = new Set<string>();
  for (const chipDecl of ctx.declared.chip.values()) {
    for (const st of chipDecl.body?.statements ?? []) {
      if (st.kind === 'decl' && st.keyword.name === 'tile' && st.name) declared.add(st.name.name);
    }
  }
  if (declared.has(name) || ctx.openImports) return undefined;
  const list =
    declared.size > 0 ? ` Tiles: ${[...declared].join(', ')}.` : ' No chip in this file declares a tile.';
  ctx.diags.error(span, `unknown tile '${name}'.${didYouMean(name, declared)}${list}`, 'unknown-reference');
  return undefined;
}
