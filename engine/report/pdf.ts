// PDF by printing the HTML report with headless Chromium. The engine runs in plain Node (CLI) or
// in Electron's utility process, neither of which can print, so it starts a browser process; the
// Electron app could use webContents.printToPDF instead (docs/reports.md).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const BROWSER_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** Printing a report takes ~1-2 s; a browser that hangs is stopped after this. */
export const PDF_TIMEOUT_MS = 60_000;

export class PdfError extends Error {}

/** NEUROFAB_CHROMIUM when set (it must exist), else the first browser found, else null. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = env.NEUROFAB_CHROMIUM;
  if (chosen) {
    if (!fs.existsSync(chosen)) throw new PdfError(`NEUROFAB_CHROMIUM is ${chosen}, which does not exist.`);
    return chosen;
  }
  return BROWSER_CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

/**
 * Prints `html` to a PDF file at `outFile` and returns its size. The page is written to a temp
 * folder with a private browser profile (several prints may run at once); the host resolver maps
 * every name to nothing, so even a page that asked for a URL would not reach the network.
 */
export async function printPdf(
  html: string,
  outFile: string,
  options: { browser?: string | null; timeoutMs?: number } = {},
): Promise<number> {
  const browser = options.browser === undefined ? findBrowser() : options.browser;
  if (!browser) {
    throw new PdfError(
      `No Chromium found for printing the PDF (looked for ${BROWSER_CANDIDATES.join(', ')}; ` +
        'NEUROFAB_CHROMIUM=/path/to/chromium picks one). Install Chromium or export HTML.',
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nf-report-'));
  try {
    const page = path.join(dir, 'report.html');
    const pdf = path.join(dir, 'report.pdf');
    fs.writeFileSync(page, html, 'utf8');
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-extensions',
      '--no-first-run',
      '--no-default-browser-check',
      '--host-resolver-rules=MAP * ~NOTFOUND',
      `--user-data-dir=${path.join(dir, 'profile')}`,
      '--no-pdf-header-footer',
      `--print-to-pdf=${pdf}`,
      pathToFileURL(page).href,
    ];
    await new Promise<void>((resolve, reject) => {
      execFile(
        browser,
        args,
        { timeout: options.timeoutMs ?? PDF_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
        (err, _stdout, stderr) => {
          if (err) {
            const why = err.killed
              ? `timed out after ${(options.timeoutMs ?? PDF_TIMEOUT_MS) / 1000} s`
              : err.message;
            reject(new PdfError(`${browser} could not print the report (${why}).\n${stderr.slice(-2000)}`));
          } else resolve();
        },
      );
    });
    if (!fs.existsSync(pdf) || fs.statSync(pdf).size === 0) {
      throw new PdfError(`${browser} exited without writing a PDF.`);
    }
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    // copy, not rename: the temp folder may be on another file system.
    const tmp = `${outFile}.${process.pid}.tmp`;
    fs.copyFileSync(pdf, tmp);
    fs.renameSync(tmp, outFile);
    return fs.statSync(outFile).size;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
