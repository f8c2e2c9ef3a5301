// The checker: a parsed file -> the elaborated model (engine/ir/model.ts) plus diagnostics.
// Declarations are collected by kind first (so references may point forward and duplicates are
// caught), then elaborated in dependency order: devices, chips, networks, experiments. Each
// entity enters the model only if it elaborated without errors; anything referring to a broken
// entity is left out silently, as the broken one already has its error.
import type { ElaboratedModel } from '../ir/model';
import type { Decl } from './ast';
import { checkChip } from './check-chip';
import { checkDevice } from './check-device';
import { checkExperiment } from './check-experiment';
import { checkNetwork } from './check-network';
import { checkNeuron } from './check-neuron';
import { checkPlatform } from './check-platform';
import type { CheckContext, DeclKind } from './context';
import type { FileUnit } from './imports';
import { closest, didYouMean } from './suggest';

const DECL_KINDS: readonly DeclKind[] = ['device', 'neuron', 'chip', 'network', 'experiment', 'platform'];

/**
 * Checks a document together with the files it imports (`units` in dependency order, the root
 * last): one name space, one merged model; each declaration's diagnostics go to its own file.
 */
export function check(units: readonly FileUnit[], root: FileUnit): ElaboratedModel {
  const shared: CheckContext = {
    diags: root.diags,
    lines: root.lines,
    declared: {
      device: new Map(),
      neuron: new Map(),
      chip: new Map(),
      network: new Map(),
      experiment: new Map(),
      platform: new Map(),
    },
    model: { devices: [], neurons: [], chips: [], networks: [], experiments: [], platforms: [] },
    nameless: new Set(),
    openImports: units.some((u) => u.imports.some((e) => e.unit === null)),
    fileOf: new Map(),
  };
  const ctxOf = new Map<string, CheckContext>();
  for (const u of units) ctxOf.set(u.file, { ...shared, diags: u.diags, lines: u.lines });
  const todo: Record<DeclKind, { ctx: CheckContext; decl: Decl }[]> = {
    device: [],
    neuron: [],
    chip: [],
    network: [],
    experiment: [],
    platform: [],
  };

  for (const unit of units) {
    const ctx = ctxOf.get(unit.file)!;
    const { diags, lines } = ctx;
    for (const st of unit.ast.statements) {
      if (st.kind === 'field') {
        if (st.key.name === 'import') continue; // loaded (or reported) by imports.ts
        diags.error(
          st.key,
          `expected a declaration (${DECL_KINDS.join(', ')}) or an import at the top level, got the field '${st.key.name}'`,
          'syntax',
        );
        continue;
      }
      const kw = st.keyword.name;
      if (!(DECL_KINDS as readonly string[]).includes(kw)) {
        // `devce d : rram`: register `d` as a device anyway, so its uses do not also report
        // "unknown device" (one typo, one error). It is not elaborated.
        const meant = closest(kw, DECL_KINDS) as DeclKind | null;
        if (meant && st.name && !shared.declared[meant].has(st.name.name))
          shared.declared[meant].set(st.name.name, st);
        diags.error(
          st.keyword,
          `unknown declaration '${kw}'.${didYouMean(kw, [...DECL_KINDS, 'import'])} ` +
            `Top-level declarations: ${DECL_KINDS.join(', ')}, import.`,
          'unknown-kind',
        );
        continue;
      }
      const kind = kw as DeclKind;
      const name = st.name?.name;
      const first = name === undefined ? undefined : shared.declared[kind].get(name);
      if (first && st.name) {
        const firstFile = shared.fileOf.get(first) ?? unit.file;
        const firstCtx = ctxOf.get(firstFile) ?? ctx;
        const p = firstCtx.lines.pos(first.name?.start ?? first.start);
        const here = lines.pos(st.name.start);
        diags.error(
          st.name,
          firstFile === unit.file
            ? `${kind} '${name}' is already declared (line ${p.line}); names must be unique`
            : `${kind} '${name}' is already declared in ${firstFile}:${p.line}:${p.col} (again at ` +
                `${unit.file}:${here.line}:${here.col}); names must be unique across imported files`,
          'duplicate',
        );
        continue;
      }
      if (name !== undefined) shared.declared[kind].set(name, st);
      else shared.nameless.add(kind);
      shared.fileOf.set(st, unit.file);
      todo[kind].push({ ctx, decl: st });
    }
  }

  const model = shared.model;
  for (const { ctx, decl } of todo.device) {
    const m = checkDevice(ctx, decl);
    if (m) model.devices.push(m);
  }
  for (const { ctx, decl } of todo.neuron) {
    const m = checkNeuron(ctx, decl);
    if (m) model.neurons!.push(m);
  }
  for (const { ctx, decl } of todo.chip) {
    const m = checkChip(ctx, decl);
    if (m) model.chips.push(m);
  }
  for (const { ctx, decl } of todo.network) {
    const m = checkNetwork(ctx, decl);
    if (m) model.networks.push(m);
  }
  for (const { ctx, decl } of todo.experiment) {
    const m = checkExperiment(ctx, decl);
    if (m) model.experiments.push(m);
  }
  for (const { ctx, decl } of todo.platform) {
    const m = checkPlatform(ctx, decl);
    if (m) model.platforms!.push(m);
  }
  checkUnusedNetworksFit(shared, (d) => ctxOf.get(shared.fileOf.get(d) ?? root.file) ?? shared);
  return model;
}

/**
 * A network no experiment uses is still checked against the chip its tiles resolved to, so a
 * library file learns early that its network does not fit. (Used networks are checked per
 * experiment, against the experiment's chip.)
 */
function checkUnusedNetworksFit(ctx: CheckContext, ctxFor: (d: Decl) => CheckContext): void {
  const used = new Set(ctx.model.experiments.map((e) => e.network));
  for (const d of ctx.declared.experiment.values()) {
    for (const st of d.body?.statements ?? []) {
      if (st.kind === 'field' && st.key.name === 'network' && st.value?.kind === 'name')
        used.add(st.value.name);
    }
  }
  for (const net of ctx.model.networks) {
    if (used.has(net.name)) continue;
    const need = new Map<string, number>();
    for (const l of net.layers) {
      if (l.kind === 'dense' && l.mapping)
        need.set(l.mapping.tile, (need.get(l.mapping.tile) ?? 0) + l.mapping.tilesUsed);
    }
    for (const [tileName, n] of need) {
      const chip = ctx.model.chips.find((c) => c.tiles.some((t) => t.name === tileName));
      const tile = chip?.tiles.find((t) => t.name === tileName);
      if (!chip || !tile || n <= tile.count) continue;
      const decl = ctx.declared.network.get(net.name);
      (decl ? ctxFor(decl) : ctx).diags.error(
        decl?.name ?? decl?.keyword ?? { start: 0, end: 0 },
        `network '${net.name}' needs ${n} '${tileName}' tiles but chip '${chip.name}' has ${tile.count} (count = ${tile.count})`,
        'mapping',
      );
    }
  }
}
