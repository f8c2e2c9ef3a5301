// The report out of the engine: opened in real Chromium with the network blocked, printed to PDF,
// written by the report.export RPC inside the project, and by `neurofab report` with its exit codes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main';
import { EngineHost } from '../../engine/host/engine';
import { ErrorCode, memoryTransportPair, RpcClient } from '../../engine/protocol';
import { buildReportHtml } from '../../engine/report/index';
import { findBrowser, PdfError, printPdf } from '../../engine/report/pdf';
import { makeReportProject, type ReportProject } from './report-fixture';

const CHROMIUM = '/usr/bin/chromium';

let p: ReportProject;
let html: string;
let out: string;

beforeAll(async () => {
  p = makeReportProject();
  html = await buildReportHtml(p.store, p.runIds, p.readFile);
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-report-out-'));
});

afterAll(() => {
  p?.cleanup();
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

/** Pages in a PDF Chromium wrote (Skia writes plain page objects, no object streams). */
const pdfPages = (file: string) =>
  (fs.readFileSync(file, 'latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;

describe('report in a browser and as PDF', () => {
  it('opens in Chromium with the network blocked, asks for nothing, and every SVG has a size', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      await page.route('**', (route) => {
        requests.push(route.request().url());
        return route.abort();
      });
      await page.setContent(html, { waitUntil: 'load' });
      const sizes = await page.$$eval('body svg:not(svg svg)', (els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect();
          return [r.width, r.height];
        }),
      );
      expect(sizes.length).toBe(11);
      for (const [w, h] of sizes) {
        expect(w).toBeGreaterThan(100);
        expect(h).toBeGreaterThan(50);
      }
      // Charts drew their lines and bars, not only the frame.
      expect(await page.locator('.chart svg path').count()).toBeGreaterThan(100);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('prints to a PDF of several pages (a page per run)', async () => {
    const file = path.join(out, 'nested', 'report.pdf');
    const bytes = await printPdf(html, file, { browser: CHROMIUM });
    expect(bytes).toBe(fs.statSync(file).size);
    expect(fs.readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Overview and sweep plots, then each of the 3 runs from a new page.
    expect(pdfPages(file)).toBeGreaterThanOrEqual(4);
  });

  it('says what to do when there is no browser', async () => {
    await expect(printPdf(html, path.join(out, 'x.pdf'), { browser: null })).rejects.toThrow(
      /Install Chromium or export HTML/,
    );
    expect(() => findBrowser({ NEUROFAB_CHROMIUM: path.join(out, 'no-such-browser') })).toThrow(PdfError);
    expect(findBrowser({ NEUROFAB_CHROMIUM: CHROMIUM })).toBe(CHROMIUM);
  });
});

describe('report.export RPC', () => {
  let host: EngineHost;
  let client: RpcClient;

  beforeAll(async () => {
    host = new EngineHost();
    const [a, b] = memoryTransportPair();
    host.server.attach(b);
    client = new RpcClient(a);
    await client.call('project.open', { root: p.root });
  });

  afterAll(() => {
    client?.close();
    host?.close();
  });

  it('writes reports/<first run id>.html inside the project and returns its size', async () => {
    const r = await client.call('report.export', { runIds: p.runIds, format: 'html' });
    expect(r.path).toBe(`reports/${p.runIds[0]}.html`);
    const file = path.join(p.root, r.path);
    expect(r.bytes).toBe(fs.statSync(file).size);
    expect(fs.readFileSync(file, 'utf8')).toContain('<h1>Neurofab report: mnist_rf</h1>');
  });

  it('prints a PDF to a chosen project path', async () => {
    const r = await client.call('report.export', {
      runIds: [p.runIds[1]!],
      format: 'pdf',
      path: 'out/one.pdf',
    });
    expect(r.path).toBe('out/one.pdf');
    expect(fs.readFileSync(path.join(p.root, 'out/one.pdf')).subarray(0, 4).toString()).toBe('%PDF');
    expect(pdfPages(path.join(p.root, 'out/one.pdf'))).toBeGreaterThanOrEqual(1);
  });

  it('refuses paths outside the project, a wrong extension and unknown runs', async () => {
    await expect(
      client.call('report.export', { runIds: p.runIds, format: 'html', path: '../escape.html' }),
    ).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await expect(
      client.call('report.export', { runIds: p.runIds, format: 'html', path: '/tmp/abs.html' }),
    ).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    await expect(
      client.call('report.export', { runIds: p.runIds, format: 'pdf', path: 'reports/r.html' }),
    ).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    await expect(client.call('report.export', { runIds: ['nope'], format: 'html' })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
    expect(fs.existsSync(path.join(path.dirname(p.root), 'escape.html'))).toBe(false);
  });
});

describe('neurofab report', () => {
  it('writes the HTML for ids and id prefixes (exit 0)', async () => {
    const file = path.join(out, 'cli.html');
    const code = await main([
      'report',
      p.runIds[0]!,
      p.runIds[1]!.slice(0, 8),
      '--out',
      file,
      '--project',
      p.root,
    ]);
    expect(code).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain(`id="run-${p.runIds[1]}"`);
  });

  it('exits 1 for an unknown run id or a folder without a store, 2 for bad usage', async () => {
    const file = path.join(out, 'bad.html');
    expect(await main(['report', 'deadbeef-nope', '--out', file, '--project', p.root])).toBe(1);
    expect(await main(['report', p.runIds[0]!, '--out', file, '--project', out])).toBe(1);
    expect(fs.existsSync(file)).toBe(false);
    expect(await main(['report', p.runIds[0]!, '--out', path.join(out, 'r.docx'), '--project', p.root])).toBe(
      2,
    );
    expect(await main(['report', p.runIds[0]!, '--project', p.root])).toBe(2);
    expect(await main(['report', '--out', file, '--project', p.root])).toBe(2);
  });
});
