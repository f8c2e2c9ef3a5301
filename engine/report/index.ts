// Run reports (issue 9): one self-contained HTML page per set of runs, or that page printed to PDF.
// collect.ts reads the store, html.ts builds the page (charts.ts, schematic.ts), pdf.ts prints it.
import type { ReadFile } from '../dsl';
import type { Store } from '../store';
import { collectReport } from './collect';
import { renderReportHtml } from './html';
import { printPdf } from './pdf';

export { ReportInputError } from './collect';
export { findBrowser, PdfError } from './pdf';

export type ReportFormat = 'html' | 'pdf';

export interface ReportTiming {
  bytes: number;
  /** Reading the store and building the page, and printing it (0 for HTML). */
  htmlMs: number;
  pdfMs: number;
}

/** The report's HTML. `readFile` reads the snapshots' imports from the project (null if absent). */
export async function buildReportHtml(
  store: Store,
  runIds: readonly string[],
  readFile: ReadFile,
  now?: () => number,
): Promise<string> {
  return renderReportHtml(await collectReport(store, runIds, readFile, now));
}

/** Which format an output file name asks for, or null for any other extension. */
export function formatOf(file: string): ReportFormat | null {
  const m = /\.(html?|pdf)$/i.exec(file);
  if (!m) return null;
  return m[1]!.toLowerCase() === 'pdf' ? 'pdf' : 'html';
}

/**
 * Builds the report and writes it to `write` (HTML text) or prints it into `outFile` (PDF).
 * The caller decides where files may go (the RPC confines them to the project).
 */
export async function writeReport(
  store: Store,
  runIds: readonly string[],
  format: ReportFormat,
  outFile: string,
  readFile: ReadFile,
  writeText: (html: string) => number,
): Promise<ReportTiming> {
  const t0 = performance.now();
  const html = await buildReportHtml(store, runIds, readFile);
  const t1 = performance.now();
  if (format === 'html') {
    return { bytes: writeText(html), htmlMs: t1 - t0, pdfMs: 0 };
  }
  const bytes = await printPdf(html, outFile);
  return { bytes, htmlMs: t1 - t0, pdfMs: performance.now() - t1 };
}
