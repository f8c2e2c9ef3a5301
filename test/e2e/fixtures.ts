// A fresh studio per test: examples/ copied to a temporary project folder and `neurofab serve`
// started on it (port 0: the OS picks). The test gets the printed URL with its token.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

export interface Studio {
  /** The URL `neurofab serve` printed, with the access token. */
  url: string;
  origin: string;
  token: string;
  projectDir: string;
  /** Stops the server (for tests of a dropped connection); teardown tolerates it being stopped. */
  stop(): Promise<void>;
}

const URL_LINE = /Neurofab Studio: (http:\/\/127\.0\.0\.1:\d+\/\?token=([0-9A-Za-z_-]+))/;

function startServer(
  projectDir: string | null,
): Promise<{ child: ChildProcess; url: string; token: string }> {
  const args = ['bin/neurofab.js', 'serve', ...(projectDir ? [projectDir] : []), '--port', '0'];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`neurofab serve printed no URL within 60 s. Output:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = URL_LINE.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, token: match[2]! });
      }
    };
    child.stdout?.on('data', onData);
    // Keep draining stderr (progress and warnings) so the server never blocks on a full pipe.
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`neurofab serve exited with ${code} before printing its URL. Output:\n${output}`));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export const test = base.extend<{ studio: Studio; serveWithProject: boolean }>({
  /** false: start `neurofab serve` with no project, so the UI asks for one. */
  serveWithProject: [true, { option: true }],
  studio: async ({ serveWithProject }, use) => {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'neurofab-e2e-'));
    // Without the example folder's own run store, if a local run left one: every test starts empty.
    fs.cpSync('examples', projectDir, {
      recursive: true,
      filter: (src) => !src.split(path.sep).includes('.neurofab'),
    });
    const { child, url, token } = await startServer(serveWithProject ? projectDir : null);
    await use({
      url,
      origin: new URL(url).origin,
      token,
      projectDir,
      stop: () => stopProcess(child),
    });
    await stopProcess(child);
    fs.rmSync(projectDir, { recursive: true, force: true });
  },
});

export { expect };

/** Types into the Monaco editor the way a user does (it has no plain input element to fill). */
export async function focusEditor(page: Page): Promise<void> {
  await page.locator('[data-testid="editor"] .view-lines').click();
}
