// The report as one self-contained HTML document: inline CSS, inline SVG charts and schematics,
// no script, no external URL (it must open offline and print the same anywhere).
import type { Chip, CoreTile, DeviceModel, ElaboratedModel, Layer, Network, NeuronModel } from '../ir/model';
import type { EnergyReport } from '../protocol/schema';
import { ENGINE_VERSION } from '../version';
import { energyChart, SWEEP_METRICS, sweepChart, trainingChart } from './charts';
import type { Architecture, ReportData, ReportRun, SweepGroup } from './collect';
import { date, duration, esc, keyValues, metricValue, si, table } from './format';
import { schematicSvg } from './schematic';

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 12px; color: #1d2129; margin: 0 auto;
  padding: 24px 32px; max-width: 860px; line-height: 1.4; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 8px; padding-bottom: 4px; border-bottom: 2px solid #4c6ef5; }
h3 { font-size: 13px; margin: 18px 0 6px; color: #364fc7; }
p.sub { color: #5c6370; margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; font-size: 11px; }
th, td { border: 1px solid #d5d9e0; padding: 3px 6px; text-align: left; vertical-align: top; }
thead th { background: #eef1f6; }
table.kv th { width: 24%; background: #f6f7f9; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td code { white-space: nowrap; }
tr.total td { font-weight: 700; background: #f6f7f9; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 10.5px; word-break: break-all; }
.chart svg { display: block; width: 100%; height: auto; }
/* Schematics at their drawn size, shrunk to the page when wider: never blown up past it. */
.schematic svg { display: block; width: auto; max-width: 100%; height: auto; }
.sweep { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 12px; }
.chart, .schematic { margin: 6px 0 12px; break-inside: avoid; }
.schematic svg { max-height: 560px; }
.note { color: #5c6370; font-style: italic; }
.error { color: #c92a2a; }
ul { margin: 4px 0 10px; padding-left: 18px; }
section.run { margin-top: 28px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { padding: 0; max-width: none; }
  section.run { break-before: page; margin-top: 0; }
  p.sub + section.run { break-before: auto; }
  h2, h3 { break-after: avoid; }
  /* Rows, not whole tables: a long energy table would otherwise leave half a page blank. */
  tr, .chart, .schematic { break-inside: avoid; }
  thead { display: table-header-group; }
}
`;

const short = (id: string) => id.slice(0, 8);
const chart = (svg: string | null, caption = '') =>
  svg ? `<div class="chart" role="img" aria-label="${esc(caption)}">${svg}</div>` : '';

/** The plan's training settings as recorded in the run's params (what the overrides produced). */
function training(params: Record<string, string>): string {
  const keys = ['rule', 'epochs', 'batch', 'trainLimit', 'testLimit', 'optimizer.kind', 'optimizer.lr'];
  return keys
    .filter((k) => params[k] !== undefined && params[k] !== 'null')
    .map((k) => `${k} = ${params[k]}`)
    .join(', ');
}

function provenance(r: ReportRun): string {
  const run = r.run;
  const dataset = Object.entries(run.params)
    .filter(([k]) => k.startsWith('dataset.'))
    .map(([k, v]) => `${k.slice(8)} = ${v}`);
  const overrides = Object.entries(run.overrides).map(([k, v]) => `${k} = ${v}`);
  const sweep = Object.entries(r.sweepPoint).map(([k, v]) => `${k} = ${v}`);
  const tags = Object.entries(run.tags).map(([k, v]) => `${k} = ${v}`);
  const rows: [string, string][] = [
    ['Run id', `<code>${esc(run.id)}</code>`],
    ['Experiment', esc(run.experiment)],
    ['Status', esc(run.status) + (run.error ? ` — <span class="error">${esc(run.error)}</span>` : '')],
    ['Engine version', `${esc(run.engineVersion)} (trained the run); this report: ${esc(ENGINE_VERSION)}`],
    ['Source file', esc(run.sourceFile ?? '— (unsaved text)')],
    ['DSL hash', r.dslHash ? `sha256 <code>${r.dslHash}</code>` : '— (no DSL snapshot recorded)'],
    ['Seed', String(run.seed)],
    ['Dataset', esc(dataset.join(', ') || '—')],
    ['Overrides', esc(overrides.join(', ') || 'none')],
    ['Training', esc(training(run.params) || '—')],
  ];
  if (sweep.length)
    rows.push(['Sweep point', esc(`${sweep.join(', ')} (sweep ${run.sweepId ?? run.tags.sweep ?? ''})`)]);
  rows.push(['Started', date(run.startedAt)], ['Ended', date(run.endedAt)]);
  if (run.endedAt !== null) rows.push(['Duration', duration(run.endedAt - run.startedAt)]);
  if (tags.length) rows.push(['Tags', esc(tags.join(', '))]);
  if (run.note) rows.push(['Note', esc(run.note).replace(/\n/g, '<br>')]);
  return keyValues(rows);
}

// ---------------------------------------------------------------- architecture

/** The experiment's chip and network (the whole snapshot when the experiment is not in it). */
function relevant(a: Architecture): { chips: Chip[]; networks: Network[] } {
  const e = a.experiment;
  if (!e) return { chips: a.model.chips, networks: a.model.networks };
  return {
    chips: a.model.chips.filter((c) => c.name === e.chip),
    networks: a.model.networks.filter((n) => n.name === e.network),
  };
}

function usedBy(chips: Chip[], model: ElaboratedModel): { devices: DeviceModel[]; neurons: NeuronModel[] } {
  const names = new Set<string>();
  for (const c of chips) {
    for (const t of c.tiles) names.add(t.device);
    for (const k of c.cores ?? []) {
      if (k.device) names.add(k.device);
      if (k.neuron) names.add(k.neuron);
    }
  }
  return {
    devices: model.devices.filter((d) => names.has(d.name)),
    neurons: (model.neurons ?? []).filter((n) => names.has(n.name)),
  };
}

const coreParams = (k: CoreTile) =>
  Object.entries(k.params)
    .map(([p, v]) => `${p} ${typeof v === 'number' ? si(v, '') : String(v)}`)
    .join(', ');

function chipTables(chips: Chip[]): string {
  const chipRows = chips.map((c) => [
    esc(c.name),
    c.node === null ? '—' : si(c.node, 'm'),
    String(c.tiles.length),
    String((c.cores ?? []).length),
    c.router ? esc(`${c.router.topology}, ${si(c.router.energyPerBit, 'J')}/bit/hop`) : '—',
    c.memory ? `${si(c.memory, '')} B` : '—',
    c.clock ? si(c.clock, 'Hz') : '—',
  ]);
  const tileRows: string[][] = [];
  for (const c of chips) {
    for (const t of c.tiles) {
      tileRows.push([
        esc(c.name),
        esc(t.name),
        'crossbar',
        `${t.rows}×${t.cols}`,
        esc(t.device),
        String(t.count),
        esc(
          [
            `${t.signedWeights} weights`,
            `DAC ${t.dacBits ? `${t.dacBits} b` : 'ideal'}`,
            `ADC ${t.adcBits ? `${t.adcBits} b` : 'ideal'}`,
            `read ${si(t.readVoltage, 'V')}`,
            ...(t.adcEnergy ? [`ADC ${si(t.adcEnergy, 'J')}/conv`] : []),
            ...(t.dacEnergy ? [`DAC ${si(t.dacEnergy, 'J')}/conv`] : []),
            ...(t.lineResistance ? [`wire ${si(t.lineResistance, 'Ω')}/cell`] : []),
          ].join(', '),
        ),
      ]);
    }
    for (const k of c.cores ?? []) {
      tileRows.push([
        esc(c.name),
        esc(k.name),
        esc(k.kind),
        '—',
        esc([k.device, k.neuron].filter(Boolean).join(' / ') || '—'),
        String(k.count),
        esc(coreParams(k)),
      ]);
    }
  }
  return [
    '<h3>Chips</h3>',
    table(['chip', 'node', 'crossbars', 'cores', 'router', 'memory', 'clock'], chipRows, [2, 3]),
    tileRows.length
      ? `<h3>Tiles</h3>${table(['chip', 'tile', 'kind', 'size', 'device / neuron', 'count', 'parameters'], tileRows, [5])}`
      : '',
  ].join('\n');
}

function deviceTable(devices: DeviceModel[]): string {
  if (!devices.length) return '';
  const rows = devices.map((d) => [
    esc(d.name),
    esc(d.kind),
    si(d.gMin, 'S'),
    si(d.gMax, 'S'),
    d.levels === null ? 'continuous' : String(d.levels),
    si(d.programNoise, '%'),
    si(d.readNoise, '%'),
    si(d.readEnergy, 'J'),
    si(d.writeEnergy, 'J'),
    esc(
      [
        ...(d.resonator
          ? [
              `f_res ${si(d.resonator.fResMin, 'Hz')}–${si(d.resonator.fResMax, 'Hz')}`,
              `linewidth ${si(d.resonator.linewidth, 'Hz')}`,
            ]
          : []),
        ...(d.drift?.nu ? [`drift ν ${d.drift.nu}`] : []),
        ...(d.stuckAtGMin || d.stuckAtGMax
          ? [`stuck ${si(d.stuckAtGMin, '%')} / ${si(d.stuckAtGMax, '%')}`]
          : []),
        ...(d.latency ? [`latency ${si(d.latency, 's')}`] : []),
        ...(d.area ? [`area ${si(d.area, 'm²')}`] : []),
      ].join(', ') || '—',
    ),
  ]);
  return `<h3>Devices</h3>${table(
    [
      'device',
      'kind',
      'G min',
      'G max',
      'levels',
      'program noise',
      'read noise',
      'read energy',
      'write energy',
      'other',
    ],
    rows,
    [2, 3, 4, 5, 6, 7, 8],
  )}`;
}

function neuronTable(neurons: NeuronModel[]): string {
  if (!neurons.length) return '';
  const rows = neurons.map((n) => [
    esc(n.name),
    esc(n.kind),
    n.spiking ? 'spiking' : 'graded',
    esc(
      Object.entries(n.params)
        .map(([k, v]) => `${k} ${si(v, '')}`)
        .join(', ') || '—',
    ),
    si(n.energyPerUpdate, 'J'),
    si(n.energyPerSpike, 'J'),
  ]);
  return `<h3>Neurons</h3>${table(['neuron', 'kind', 'output', 'parameters (SI)', 'energy / update', 'energy / spike'], rows, [4, 5])}`;
}

function layerShape(l: Layer): string {
  switch (l.kind) {
    case 'input':
      return l.shape.join('×');
    case 'dense':
      return `${l.inputs} → ${l.units}`;
    case 'conv2d':
    case 'pool':
      return `${l.inShape.join('×')} → ${l.outShape.join('×')}`;
    case 'flatten':
      return String(l.size);
    default:
      return `${l.inputs} → ${l.units}${l.recurrent ? ' (recurrent)' : ''}`;
  }
}

function layerTable(net: Network): string {
  const rows = net.layers.map((l) => {
    const act = 'neuron' in l && l.neuron ? l.neuron : 'activation' in l ? l.activation : '—';
    const m = 'mapping' in l ? l.mapping : null;
    return [
      esc(l.name),
      esc(l.kind),
      esc(layerShape(l)),
      esc(String(act)),
      m ? esc(m.tile) : '—',
      m ? String(m.tilesUsed) : '—',
      m ? si(m.utilisation, '%') : '—',
    ];
  });
  return `<h3>Network ${esc(net.name)}: ${net.layers.length} layers</h3>${table(
    ['layer', 'kind', 'shape', 'activation / neuron', 'tile', 'tiles used', 'utilisation'],
    rows,
    [5, 6],
  )}`;
}

async function architecture(r: ReportRun): Promise<string> {
  const a = r.architecture;
  if (!a) {
    return r.sameDslAs
      ? `<p class="note">Same DSL snapshot as run ${esc(short(r.sameDslAs))} (hash above): its architecture applies.</p>`
      : '<p class="note">The run recorded no DSL snapshot.</p>';
  }
  const out: string[] = [];
  if (a.errors.length) {
    out.push(
      `<p class="error">The snapshot does not elaborate cleanly now (${a.errors.length} error(s)); what did is shown.</p>`,
      `<ul>${a.errors
        .slice(0, 10)
        .map((e) => `<li><code>${esc(e)}</code></li>`)
        .join('')}</ul>`,
    );
  }
  const { chips, networks } = relevant(a);
  const { devices, neurons } = usedBy(chips, a.model);
  if (r.sameDslAs) {
    // A later point of a sweep: only the swept values differ from the run the page showed first.
    out.push(
      `<p class="note">Same DSL snapshot as run ${esc(short(r.sameDslAs))}; chips, network and schematic as there. Devices and neurons at this sweep point:</p>`,
      deviceTable(devices),
      neuronTable(neurons),
    );
    return out.join('\n');
  }
  if (chips.length) out.push(chipTables(chips));
  out.push(deviceTable(devices), neuronTable(neurons));
  for (const n of networks) out.push(layerTable(n));
  const file = r.run.sourceFile ?? 'snapshot.nfab';
  for (const view of ['network', 'chip'] as const) {
    const svg = await schematicSvg(a.model, view, file);
    if (svg) out.push(`<h3>Schematic: ${view} view</h3><div class="schematic">${svg}</div>`);
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- metrics and energy

function finalMetrics(r: ReportRun): string {
  const keys = Object.keys(r.run.metrics).sort();
  if (!keys.length) return '<p class="note">No metrics were logged.</p>';
  const logged = new Map(r.curves.map((c) => [c.key, c.total]));
  return table(
    ['metric', 'final value', 'points logged'],
    keys.map((k) => [esc(k), metricValue(k, r.run.metrics[k]!), String(logged.get(k) ?? 0)]),
    [1, 2],
  );
}

function energySection(report: EnergyReport): string {
  const rows = report.terms.map((t) => [
    esc(t.layer ?? 'chip'),
    esc(t.tile ?? '—'),
    esc(t.component),
    esc(t.what),
    si(t.count, ''),
    si(t.unitEnergy, 'J'),
    si(t.energy, 'J'),
    esc(t.source),
  ]);
  const totalRow = `<tr class="total"><td colspan="6">total per classification (${esc(report.counts)} counts)</td><td class="num">${si(report.energyPerClassification, 'J')}</td><td></td></tr>`;
  const figures = [
    `Network ${esc(report.network)} on chip ${esc(report.chip ?? '—')}`,
    `latency ${report.latency === null ? 'not estimated' : si(report.latency, 's')}`,
    `throughput ${report.throughput === null ? 'not estimated' : si(report.throughput, ' classifications/s')}`,
    `area ${report.area === null ? 'not estimated' : si(report.area, 'm²')}`,
  ].join(' · ');
  return [
    `<p>${figures}</p>`,
    chart(energyChart(report), 'energy per classification by layer'),
    table(
      ['layer', 'tile', 'component', 'what', 'count', 'unit energy', 'energy', 'source'],
      rows,
      [4, 5, 6],
    ).replace('</tbody>', `${totalRow}</tbody>`),
    report.assumptions.length
      ? `<h3>Assumptions</h3><ul>${report.assumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>`
      : '',
  ].join('\n');
}

async function runSection(r: ReportRun): Promise<string> {
  const run = r.run;
  const point = Object.entries(r.sweepPoint)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const out = [
    `<section class="run" id="run-${esc(run.id)}">`,
    `<h2>Run ${esc(short(run.id))}: ${esc(run.experiment)}${point ? ` [${esc(point)}]` : ''} — ${esc(run.status)}</h2>`,
    '<h3>Provenance</h3>',
    provenance(r),
    '<h3>Architecture</h3>',
    await architecture(r),
    '<h3>Training curves</h3>',
    chart(trainingChart(r.curves), 'training curves') ||
      '<p class="note">No loss or accuracy was logged.</p>',
    '<h3>Final metrics</h3>',
    finalMetrics(r),
    '<h3>Energy</h3>',
    r.energy
      ? energySection(r.energy)
      : `<p class="note">${esc(r.energyError ?? 'The run recorded no energy estimate.')}</p>`,
    '</section>',
  ];
  return out.join('\n');
}

// ---------------------------------------------------------------- overview

const OVERVIEW_METRICS = ['test_accuracy', 'test_loss', 'train_loss', 'energy_per_classification'];

function overview(data: ReportData): string {
  const keys = OVERVIEW_METRICS.filter((k) => data.runs.some((r) => r.run.metrics[k] !== undefined));
  const rows = data.runs.map((r) => [
    `<a href="#run-${esc(r.run.id)}"><code>${esc(short(r.run.id))}</code></a>`,
    esc(r.run.experiment),
    esc(
      Object.entries(r.sweepPoint)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || '—',
    ),
    esc(r.run.status),
    ...keys.map((k) => (r.run.metrics[k] === undefined ? '—' : metricValue(k, r.run.metrics[k]!))),
  ]);
  return `<h3>Runs</h3>${table(
    ['run', 'experiment', 'sweep point', 'status', ...keys],
    rows,
    keys.map((_, i) => i + 4),
  )}`;
}

function sweepSection(g: SweepGroup): string {
  const charts = SWEEP_METRICS.map((m) => chart(sweepChart(g, m), `${m} vs ${g.paths.join(', ')}`)).join(
    '\n',
  );
  const points = g.total === null ? `${g.runs.length} points` : `${g.runs.length} of ${g.total} points`;
  return `<h3>Sweep ${esc(g.id)}: ${points} over ${esc(g.paths.join(' × '))}</h3>\n<div class="sweep">${charts}</div>`;
}

export interface HtmlOptions {
  title?: string;
}

export async function renderReportHtml(data: ReportData, options: HtmlOptions = {}): Promise<string> {
  const experiments = [...new Set(data.runs.map((r) => r.run.experiment))];
  const title = options.title ?? `Neurofab report: ${experiments.join(', ')}`;
  const head = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // No script, and nothing fetched from anywhere: the page stands alone.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="Neurofab Studio ${esc(ENGINE_VERSION)}">`,
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    `<h1>${esc(title)}</h1>`,
    `<p class="sub">${data.runs.length} run(s) · generated ${date(data.generatedAt)} by Neurofab Studio ${esc(ENGINE_VERSION)}</p>`,
  ];
  const body: string[] = [];
  if (data.runs.length > 1) body.push(overview(data));
  for (const g of data.sweeps) body.push(sweepSection(g));
  for (const r of data.runs) {
    body.push(await runSection(r));
    // The engine host builds reports on its event loop: let run progress and other calls through
    // between runs (a report may hold up to 200).
    await new Promise((resolve) => setImmediate(resolve));
  }
  return [...head, ...body, '</body></html>', ''].join('\n');
}
