// The checker: a parsed file -> the elaborated model (engine/ir/model.ts) plus diagnostics.
// Declarations are collected by kind first (so references may point forward and duplicates are
// caught), then elaborated in dependency order: devices, chips, networks, experiments. Each
// entity enters the model only if it elaborated without errors; anything referring to a broken
// entity is left out silently, as the broken one already has its error.
import type { ElaboratedModel } from '../ir/model';
import type { Decl, SourceFile } from './ast';
import { checkChip } from './check-chip';
import { checkDevice } from './check-device';
import { checkExperiment } from './check-experiment';
import { checkNetwork } from './check-network';
import type { CheckContext, DeclKind } from './context';
import type { DiagnosticBag } from './diagnostics';
import type { LineMap } from './lines';
import { closest, didYouMean } from './suggest';

const DECL_KINDS: readonly DeclKind[] = ['device', 'chip', 'network', 'experiment'];
const PLANNED_TOP_LEVEL: Readonly<Record<string, string>> = {
  neuron:
    'neuron declarations are not supported yet; use act = relu | sigmoid | tanh | identity on dense layers',
};

export function check(file: SourceFile, diags: DiagnosticBag, lines: LineMap): ElaboratedModel {
  const ctx: CheckContext = {
    diags,
    lines,
    declared: { device: new Map(), chip: new Map(), network: new Map(), experiment: new Map() },
    model: { devices: [], chips: [], networks: [], experiments: [] },
    nameless: new Set(),
  };
  const todo: Record<DeclKind, Decl[]> = { device: [], chip: [], network: [], experiment: [] };

  for (const st of file.statements) {
    if (st.kind === 'field') {
      if (st.key.name === 'import') {
        diags.warning(
          st,
          'import is not supported yet: declarations must be in this file for now (it is ignored)',
          'unsupported',
        );
      } else {
        diags.error(
          st.key,
          `expected a declaration (${DECL_KINDS.join(', ')}) at the top level, got the field '${st.key.name}'`,
          'syntax',
        );
      }
      continue;
    }
    const kw = st.keyword.name;
    const planned = PLANNED_TOP_LEVEL[kw];
    if (planned) {
      diags.error(st.keyword, planned, 'unsupported');
      continue;
    }
    if (!(DECL_KINDS as readonly string[]).includes(kw)) {
      // `devce d : rram`: register `d` as a device anyway, so its uses do not also report
      // "unknown device" (one typo, one error). It is not elaborated.
      const meant = closest(kw, DECL_KINDS) as DeclKind | null;
      if (meant && st.name && !ctx.declared[meant].has(st.name.name))
        ctx.declared[meant].set(st.name.name, st);
      diags.error(
        st.keyword,
        `unknown declaration '${kw}'.${didYouMean(kw, [...DECL_KINDS, 'import'])} ` +
          `Top-level declarations: ${DECL_KINDS.join(', ')}.`,
        'unknown-kind',
      );
      continue;
    }
    const kind = kw as DeclKind;
    const name = st.name?.name;
    const first = name === undefined ? undefined : ctx.declared[kind].get(name);
    if (first && st.name) {
      diags.error(
        st.name,
        `${kind} '${name}' is already declared (line ${lines.pos(first.start).line}); names must be unique`,
        'duplicate',
      );
      continue;
    }
    if (name !== undefined) ctx.declared[kind].set(name, st);
    else ctx.nameless.add(kind);
    todo[kind].push(st);
  }

  for (const d of todo.device) {
    const m = checkDevice(ctx, d);
    if (m) ctx.model.devices.push(m);
  }
  for (const d of todo.chip) {
    const m = checkChip(ctx, d);
    if (m) ctx.model.chips.push(m);
  }
  for (const d of todo.network) {
    const m = checkNetwork(ctx, d);
    if (m) ctx.model.networks.push(m);
  }
  for (const d of todo.experiment) {
    const m = checkExperiment(ctx, d);
    if (m) ctx.model.experiments.push(m);
  }
  checkUnusedNetworksFit(ctx);
  return ctx.model;
}

/**
 * A network no experiment uses is still checked against the chip its tiles resolved to, so a
 * library file learns early that its network does not fit. (Used networks are checked per
 * experiment, against the experiment's chip.)
 */
function checkUnusedNetworksFit(ctx: CheckContext): void {
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
      ctx.diags.error(
        decl?.name ?? decl?.keyword ?? { start: 0, end: 0 },
        `network '${net.name}' needs ${n} '${tileName}' tiles but chip '${chip.name}' has ${tile.count} (count = ${tile.count})`,
        'mapping',
      );
    }
  }
}
