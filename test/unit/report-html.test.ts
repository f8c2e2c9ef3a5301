// The HTML report of a recorded sweep: self-contained (inline SVG, no script, no external URL),
// with provenance, architecture at each sweep point, curves, sweep plots and the energy breakdown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { energyChart } from '../../engine/report/charts';
import { collectReport, ReportInputError, sha256 } from '../../engine/report/collect';
import { renderReportHtml } from '../../engine/report/html';
import { buildReportHtml, formatOf } from '../../engine/report/index';
import { makeReportProject, NOISES, type ReportProject } from './report-fixture';

let p: ReportProject;
let html: string;

beforeAll(async () => {
  p = makeReportProject();
  html = await buildReportHtml(p.store, p.runIds, p.readFile, () => 1_790_000_500_000);
});

afterAll(() => p?.cleanup());

/** The HTML of one run's section. */
const section = (runId: string) => {
  const start = html.indexOf(`<section class="run" id="run-${runId}">`);
  expect(start).toBeGreaterThan(0);
  return html.slice(start, html.indexOf('</section>', start));
};

describe('report HTML', () => {
  it('draws every chart and schematic as inline SVG: 3 sweep plots, per run curves and energy, 2 schematic views', () => {
    const svgs = html.match(/<svg[\s>]/g) ?? [];
    // sweep: test_accuracy, test_loss, energy_per_classification; 3 runs x (curves + energy); the
    // first run's network and chip views (later points share its snapshot).
    expect(svgs.length).toBe(3 + 3 * 2 + 2);
    expect(section(p.runIds[0]!).match(/<svg[\s>]/g)?.length).toBe(4);
    expect(section(p.runIds[1]!).match(/<svg[\s>]/g)?.length).toBe(2);
    const sweep = html.slice(html.indexOf('<div class="sweep">'), html.indexOf('<section'));
    expect(sweep.match(/<svg[\s>]/g)?.length).toBe(3);
    expect(sweep).toContain('>spin_res.program_noise</text>');
    expect(sweep).toContain('>test_accuracy</text>');
    expect(html).toContain('<h3>Sweep mnist_rf-test: 3 of 3 points over spin_res.program_noise</h3>');
  });

  it('stands alone: no script, no external URL in src, href or CSS, no duplicate ids', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\bsrc\s*=/i);
    for (const m of html.matchAll(/\bhref\s*=\s*"([^"]*)"/gi)) expect(m[1]).toMatch(/^#/);
    for (const m of html.matchAll(/url\(([^)]*)\)/gi)) expect(m[1]).toMatch(/^#/);
    expect(html).not.toMatch(/@import|@font-face/i);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(10);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('shows each run’s provenance with the sha256 of its DSL snapshot', () => {
    const hash = sha256(p.snapshot);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    for (const id of p.runIds) {
      const s = section(id);
      expect(s).toContain(`<code>${hash}</code>`);
      expect(s).toContain(`<code>${id}</code>`);
      expect(s).toContain('kind = builtin, name = mnist');
      expect(s).toContain('epochs = 1, trainLimit = 2000');
      expect(s).toMatch(/<th>Engine version<\/th><td>[^<]+ \(trained the run\); this report: /);
    }
  });

  it('elaborates the snapshot with each sweep point applied to the imported device', () => {
    // spin_res is declared in lib/devices.nfab, which the snapshot imports: the point's value
    // must reach the device table (the file as written says 1%).
    NOISES.forEach((noise, i) => {
      const s = section(p.runIds[i]!);
      const row = s.slice(s.indexOf('<td>spin_res</td>'));
      expect(row.split('</tr>')[0]).toMatch(new RegExp(`<td class="num">${noise.replace('.', '\\.')}</td>`));
    });
    const first = section(p.runIds[0]!);
    expect(first).toContain('<h3>Network rf_mlp: 3 layers</h3>');
    expect(first).toMatch(/<td>rf1<\/td>\s*<td>rf_chain<\/td>/);
    expect(first).toContain('Schematic: network view');
    expect(first).toContain('Schematic: chip view');
  });

  it('lists the energy terms as count × unit = energy with their sources, totalling the estimate', () => {
    const s = section(p.runIds[0]!);
    expect(s).toContain('spin_res reads (synaptic ops): 784 x 128 = 100,352');
    expect(s).toMatch(
      /<td class="num">100,352<\/td>\s*<td class="num">10 fJ<\/td>\s*<td class="num">1\.004 nJ<\/td>/,
    );
    expect(s).toMatch(/total per classification \(static counts\)<\/td><td class="num">1\.109 nJ/);
    expect(s).toContain('dsl (device spin_res)');
  });

  it('stacks the energy bar by component per layer, in the largest bar’s prefix', async () => {
    const data = await collectReport(p.store, [p.runIds[0]!], p.readFile);
    const svg = energyChart(data.runs[0]!.energy!)!;
    expect(svg).toContain('energy per classification by layer (nJ)');
    for (const label of ['x', 'h', 'y', 'synapse', 'neuron']) expect(svg).toContain(`>${label}</text>`);
  });

  it('names unknown run ids instead of leaving them out', async () => {
    await expect(
      collectReport(p.store, [p.runIds[0]!, 'no-such-run', 'nor-this'], p.readFile),
    ).rejects.toThrow(ReportInputError);
    await expect(
      collectReport(p.store, ['no-such-run', p.runIds[1]!, 'nor-this'], p.readFile),
    ).rejects.toThrow('No run no-such-run, nor-this in this project');
  });

  it('shows a snapshot that no longer checks (missing import) with its errors', async () => {
    const data = await collectReport(p.store, [p.runIds[0]!], () => null);
    expect(data.runs[0]!.architecture!.errors.join('\n')).toMatch(/lib\/devices\.nfab/);
    const page = await renderReportHtml(data);
    expect(page).toContain('does not elaborate cleanly');
  });

  it('escapes what users typed (notes, tags, errors) and reports a failed run without metrics', async () => {
    const id = p.store.createRun({
      experiment: 'mnist_rf',
      sourceFile: null,
      seed: 1,
      engineVersion: '0.1.0',
      params: {},
      dslSnapshot: p.snapshot,
    });
    p.store.setNote(id, '<script>alert(1)</script>\nsecond line');
    p.store.setTag(id, 'x"><img src=y>', 'a&b');
    p.store.setRunStatus(id, 'failed', 'worker crashed: <oom>');
    const page = await buildReportHtml(p.store, [id], p.readFile);
    expect(page).not.toMatch(/<script|<img|<oom>/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;<br>second line');
    expect(page).toContain('worker crashed: &lt;oom&gt;');
    expect(page).toContain('No loss or accuracy was logged.');
    expect(page).toContain('The run recorded no energy estimate.');
    // No source file: the snapshot is checked as snapshot.nfab, and its relative import still resolves.
    expect(page).toContain('<h3>Network rf_mlp: 3 layers</h3>');
    p.store.deleteRuns([id]);
  });

  it('tells the format from the output file name', () => {
    expect(formatOf('a/b.html')).toBe('html');
    expect(formatOf('b.HTM')).toBe('html');
    expect(formatOf('b.pdf')).toBe('pdf');
    expect(formatOf('b.png')).toBeNull();
    expect(formatOf('html')).toBeNull();
  });
});
