// `network NAME { input x : 28x28  dense h : 256 { act = relu } on TILE ... }` -> Network.
// Each dense layer's input count comes from the layer before it; `on TILE` maps it over the
// crossbars of the first chip (in file order) that has a tile of that name. Experiments redo the
// mapping against their own chip (check-experiment.ts).
import type { Activation, CrossbarTile, DenseLayer, Layer, Network } from '../ir/model';
import type { Decl } from './ast';
import { type CheckContext, rejectClauses, requireName, sourceRange } from './context';
import { describeMapping, mapDense } from './mapping';
import { DENSE_FIELDS, LAYER_KINDS, SUPPORTED_LAYER_KINDS } from './schema';
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
  const lastDense = statements.filter((s) => s.kind === 'decl' && s.keyword.name === 'dense').at(-1);

  const layers: Layer[] = [];
  const names = new Map<string, number>();
  let prevSize: number | null = null;
  let broken = false;
  for (const st of statements) {
    if (st.kind === 'field') {
      diags.error(
        st.key,
        `unknown field '${st.key.name}' in ${owner}: a network holds layers (${SUPPORTED_LAYER_KINDS.join(', ')})`,
        'unknown-field',
      );
      continue;
    }
    const kind = st.keyword.name;
    if (!(LAYER_KINDS as readonly string[]).includes(kind)) {
      diags.error(
        st.keyword,
        `unknown layer kind '${kind}'.${didYouMean(kind, LAYER_KINDS)} Layer kinds: ${SUPPORTED_LAYER_KINDS.join(', ')}.`,
        'unknown-kind',
      );
      broken = true;
      continue;
    }
    if (!(SUPPORTED_LAYER_KINDS as readonly string[]).includes(kind)) {
      diags.error(
        st.keyword,
        `layer kind '${kind}' is not supported yet; supported: ${SUPPORTED_LAYER_KINDS.join(', ')}`,
        'unsupported',
      );
      broken = true;
      continue;
    }
    const layerName = requireName(ctx, st, `${kind} NAME : ${kind === 'input' ? '28x28' : '256'}`);
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
      const size = checkInput(ctx, st, layers.length === 0, owner);
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
      prevSize = product(size);
      continue;
    }
    // dense
    if (layers.length === 0 && prevSize === null && !broken) {
      diags.error(
        st.keyword,
        `${owner} needs an input layer before '${layerName ?? kind}': input x : 28x28`,
        'syntax',
      );
    }
    const dense = checkDense(ctx, st, layerName, prevSize, st === lastDense);
    if (!dense) {
      broken = true;
      prevSize = null;
      continue;
    }
    layers.push(dense);
    prevSize = dense.units;
  }
  if (!name || broken || diags.errors > errorsBefore) return null;
  if (!layers.some((l) => l.kind === 'dense')) {
    diags.warning(decl.name ?? decl.keyword, `${owner} has no dense layer: nothing to train`, 'mapping');
  }
  return { name, layers, range: sourceRange(ctx, decl) };
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

function checkDense(
  ctx: CheckContext,
  st: Decl,
  name: string | null,
  inputs: number | null,
  isLast: boolean,
): DenseLayer | null {
  const { diags } = ctx;
  const errorsBefore = diags.errors;
  rejectClauses(ctx, st, ['on']);
  let units: number | undefined;
  if (!st.type) {
    diags.error(st.name ?? st.keyword, `dense needs a size: dense ${name ?? 'h'} : 256`, 'syntax');
  } else {
    const v = readValue(
      st.type,
      { name: 'units', doc: '', type: { kind: 'number', min: 1, max: 1_000_000, integer: true } },
      diags,
    );
    if (typeof v === 'number') units = v;
  }
  const fields = readFields(st.body?.statements ?? [], DENSE_FIELDS, diags, {
    owner: `layer '${name ?? '?'}'`,
    ownerSpan: st.name ?? st.keyword,
  });
  const activation = (fields.string('act') ?? (isLast ? 'identity' : 'relu')) as Activation;
  const bias = fields.boolean('bias') ?? true;

  let tile: CrossbarTile | null | undefined = null;
  const on = st.clauses.filter((c) => c.keyword.name === 'on');
  for (const extra of on.slice(1))
    diags.error(extra.keyword, "a layer is mapped 'on' one tile only", 'duplicate');
  const target = on[0]?.value;
  if (target) {
    if (target.kind !== 'name') diags.error(target, "'on' must name a tile, e.g. on xbar", 'type');
    else tile = findTile(ctx, target.name, target);
  }
  if (
    name === null ||
    units === undefined ||
    inputs === null ||
    tile === undefined ||
    diags.errors > errorsBefore
  ) {
    return null;
  }
  const mapping = tile ? mapDense(inputs, units, bias, tile) : null;
  if (tile && mapping)
    diags.info(st.name ?? st.keyword, describeMapping(name, inputs, units, bias, tile, mapping), 'mapping');
  return { kind: 'dense', name, inputs, units, activation, bias, mapping, range: sourceRange(ctx, st) };
}

/** The first clean tile of that name in any chip; undefined if unknown (reported) or broken (silent). */
export function findTile(
  ctx: CheckContext,
  name: string,
  span: { start: number; end: number },
): CrossbarTile | undefined {
  for (const chip of ctx.model.chips) {
    const t = chip.tiles.find((x) => x.name === name);
    if (t) return t;
  }
  const declared = new Set<string>();
  for (const chipDecl of ctx.declared.chip.values()) {
    for (const st of chipDecl.body?.statements ?? []) {
      if (st.kind === 'decl' && st.keyword.name === 'tile' && st.name) declared.add(st.name.name);
    }
  }
  if (declared.has(name)) return undefined;
  const list =
    declared.size > 0 ? ` Tiles: ${[...declared].join(', ')}.` : ' No chip in this file declares a tile.';
  ctx.diags.error(span, `unknown tile '${name}'.${didYouMean(name, declared)}${list}`, 'unknown-reference');
  return undefined;
}
