// `chip NAME { node 20nm  tile NAME : crossbar(rows = .., cols = ..) { ... } }` -> Chip.
import type { Chip, CoreKind, CoreTile, CrossbarTile } from '../ir/model';
import { parseLearningRule, RULE_TARGETS } from '../snn/learning-rule';
import type { Decl } from './ast';
import { type CheckContext, rejectClauses, requireName, resolve, sourceRange } from './context';
import { CHIP_FIELDS, CROSSBAR_ARGS, CROSSBAR_FIELDS, TILE_KINDS, TILE_SPECS } from './schema';
import { didYouMean } from './suggest';
import { type FieldValues, readFields } from './values';

export function checkChip(ctx: CheckContext, decl: Decl): Chip | null {
  const { diags } = ctx;
  const errorsBefore = diags.errors;
  const name = requireName(ctx, decl, 'chip NAME { ... }');
  rejectClauses(ctx, decl);
  if (decl.type) diags.error(decl.type, 'a chip has no kind: write chip NAME { ... }', 'syntax');
  if (!decl.body) {
    diags.error(
      decl.name ?? decl.keyword,
      `chip '${name ?? '?'}' needs a body: chip ${name ?? 'NAME'} { tile ... }`,
      'syntax',
    );
    return null;
  }
  const owner = `chip '${name ?? '?'}'`;
  const fields = readFields(decl.body.statements, CHIP_FIELDS, diags, {
    owner,
    ownerSpan: decl.name ?? decl.keyword,
    decls: ['tile'],
  });

  const tiles: CrossbarTile[] = [];
  const cores: CoreTile[] = [];
  const tileNames = new Map<string, Decl>();
  let tileDecls = 0;
  // A tile that did not elaborate (e.g. its device is broken) makes the chip incomplete.
  let broken = false;
  for (const st of decl.body.statements) {
    if (st.kind !== 'decl' || st.keyword.name !== 'tile') continue;
    tileDecls++;
    const tileName = st.name?.name;
    if (tileName !== undefined && tileNames.has(tileName)) {
      const first = ctx.lines.pos(tileNames.get(tileName)!.start).line;
      diags.error(
        st.name!,
        `tile '${tileName}' is already declared in ${owner} (line ${first})`,
        'duplicate',
      );
      continue;
    }
    if (tileName !== undefined) tileNames.set(tileName, st);
    const tile = checkTile(ctx, st, owner);
    if (tile?.kind === 'crossbar') tiles.push(tile);
    else if (tile) cores.push(tile);
    else broken = true;
  }
  if (tileDecls === 0) {
    diags.warning(
      decl.name ?? decl.keyword,
      `${owner} has no tiles: a network cannot be mapped onto it`,
      'mapping',
    );
  }
  if (!name || broken || diags.errors > errorsBefore) return null;
  const router = fields.block('router');
  const clock = fields.number('clock');
  const memory = fields.number('memory');
  return {
    name,
    node: fields.number('node') ?? null,
    tiles,
    ...(cores.length > 0 ? { cores } : {}),
    ...(router
      ? {
          router: {
            energyPerBit: router.number('energy_per_bit') ?? 0,
            latencyPerHop: router.number('latency_per_hop') ?? 0,
            topology: router.string('topology') ?? 'mesh',
            ...opt('area', um2(router.number('area'))),
          },
        }
      : {}),
    ...(clock !== undefined ? { clock } : {}),
    ...(memory !== undefined ? { memory: memory * 1024 } : {}),
    ...opt('staticPower', fields.number('static_power')),
    ...opt('sramEnergy', fields.number('sram_energy')),
    ...(fields.boolean('pipeline') === true ? { pipeline: true } : {}),
    range: sourceRange(ctx, decl),
  };
}

/**
 * A spiking_core's on-chip rule strings (dw, dd, dt) parsed as Lava's learning engine would
 * accept them; an error points at the offending characters inside the quotes and lists what is
 * allowed there. A rule without `learning = programmable` is refused: the fixed engines ignore it.
 */
function checkLearningRules(ctx: CheckContext, fields: FieldValues): void {
  for (const target of RULE_TARGETS) {
    const text = fields.string(target);
    const span = fields.span(target);
    if (text === undefined || !span) continue;
    if (fields.string('learning') !== 'programmable') {
      ctx.diags.error(
        span,
        `${target} is a rule for the programmable learning engine; set learning = programmable on this core`,
        'range',
      );
      continue;
    }
    const parsed = parseLearningRule(text, target);
    if (parsed.ok) continue;
    for (const e of parsed.errors) {
      // The string's span includes its opening quote.
      const start = span.start + 1 + e.offset;
      ctx.diags.error(
        { start, end: start + Math.max(1, e.length) },
        `${target}: ${e.message}${e.allowed.length > 0 ? ` (allowed here: ${e.allowed.join(', ')})` : ''}`,
        'syntax',
      );
    }
  }
}

function checkCore(
  ctx: CheckContext,
  decl: Decl,
  kind: CoreKind,
  name: string | null,
  owner: string,
): CoreTile | null {
  const { diags } = ctx;
  const errorsBefore = diags.errors;
  const spec = TILE_SPECS[kind]!;
  const t = decl.type!;
  const callee = t.kind === 'call' ? t.callee : t;
  const args = readFields(t.kind === 'call' ? t.args : [], spec.args, diags, {
    owner: `${kind}(...)`,
    ownerSpan: callee,
  });
  const fields = readFields(decl.body?.statements ?? [], spec.fields, diags, {
    owner,
    ownerSpan: decl.name ?? decl.keyword,
  });
  const params: CoreTile['params'] = {};
  let device: string | undefined;
  let neuron: string | undefined;
  for (const vals of [args, fields]) {
    for (const [k, e] of vals.entries) {
      const v = e.value;
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') params[k] = v;
    }
  }
  for (const key of ['device', 'synapse']) {
    const ref = fields.ref(key);
    if (ref) device = resolve(ctx, 'device', ref)?.name;
  }
  const nref = fields.ref('neuron');
  if (nref) neuron = resolve(ctx, 'neuron', nref)?.name;
  if (kind === 'spiking_core') checkLearningRules(ctx, fields);
  if (!name || diags.errors > errorsBefore) return null;
  if ((fields.ref('device') || fields.ref('synapse')) && !device) return null;
  if (nref && !neuron) return null;
  const count = fields.number('count') ?? 1;
  delete params.count;
  return {
    name,
    kind,
    count,
    ...(device ? { device } : {}),
    ...(neuron ? { neuron } : {}),
    params,
    range: sourceRange(ctx, decl),
  };
}

function checkTile(ctx: CheckContext, decl: Decl, chipOwner: string): CrossbarTile | CoreTile | null {
  const { diags } = ctx;
  const errorsBefore = diags.errors;
  const name = requireName(ctx, decl, 'tile NAME : crossbar(rows = 256, cols = 256) { device = D }');
  rejectClauses(ctx, decl);
  const owner = `tile '${name ?? '?'}' of ${chipOwner}`;
  const kinds = TILE_KINDS as readonly string[];
  const t = decl.type;
  const callee = t?.kind === 'call' ? t.callee : t?.kind === 'name' ? t : null;
  const kindName = t?.kind === 'call' ? t.callee.name : t?.kind === 'name' ? t.name : null;
  if (!t || !callee || kindName === null) {
    diags.error(
      t ?? decl.name ?? decl.keyword,
      `${owner} needs a kind: tile ${name ?? 'NAME'} : crossbar(rows = 256, cols = 256) { ... }`,
      'unknown-kind',
    );
    return null;
  }
  if (!kinds.includes(kindName)) {
    diags.error(
      callee,
      `unknown tile kind '${kindName}'.${didYouMean(kindName, kinds)} Kinds: ${kinds.join(', ')}.`,
      'unknown-kind',
    );
    return null;
  }
  if (kindName !== 'crossbar') return checkCore(ctx, decl, kindName as CoreKind, name, owner);
  const args = readFields(t.kind === 'call' ? t.args : [], CROSSBAR_ARGS, diags, {
    owner: `crossbar(...)`,
    ownerSpan: callee,
  });
  const fields = readFields(decl.body?.statements ?? [], CROSSBAR_FIELDS, diags, {
    owner,
    ownerSpan: decl.name ?? decl.keyword,
  });
  const deviceRef = fields.ref('device');
  const device = deviceRef ? resolve(ctx, 'device', deviceRef) : undefined;
  const rows = args.number('rows');
  const cols = args.number('cols');
  const signed = (fields.string('signed') ?? 'differential') as CrossbarTile['signedWeights'];
  if (signed === 'reference_column' && cols === 1) {
    diags.error(
      args.span('cols')!,
      'a reference_column crossbar needs at least 2 columns (one is the reference)',
      'range',
    );
  }
  if (!name || !device || rows === undefined || cols === undefined || diags.errors > errorsBefore)
    return null;
  return {
    name,
    kind: 'crossbar',
    rows,
    cols,
    device: device.name,
    signedWeights: signed,
    dacBits: fields.number('dac_bits') ?? 8,
    adcBits: fields.number('adc_bits') ?? 8,
    readVoltage: fields.number('read_voltage') ?? 0.2,
    count: fields.number('count') ?? 1,
    ...opt('adcEnergy', fields.number('adc_energy')),
    ...opt('dacEnergy', fields.number('dac_energy')),
    ...opt('lineResistance', fields.number('line_resistance')),
    ...opt('outputNoise', fields.number('output_noise')),
    ...(fields.string('bound_management') === 'iterative' ? { boundManagement: 'iterative' as const } : {}),
    ...opt('adcTime', fields.number('adc_time')),
    ...opt('adcShare', fields.number('adc_share')),
    ...opt('adcArea', um2(fields.number('adc_area'))),
    ...opt('dacArea', um2(fields.number('dac_area'))),
    ...opt('peripheryArea', um2(fields.number('periphery_area'))),
    range: sourceRange(ctx, decl),
  };
}

function opt<K extends string>(key: K, v: number | undefined): { [P in K]?: number } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: number };
}

/** Areas are written in um^2 as plain numbers (the unit system has no area); the IR holds m^2. */
function um2(v: number | undefined): number | undefined {
  return v === undefined ? undefined : v * 1e-12;
}
