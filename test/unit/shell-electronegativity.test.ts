// The electronegativity gate (scripts/electronegativity.mjs): it must really catch an insecure
// window, and the allowlist must only excuse what it names.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs script without type declarations
import { classifyFindings, loadAllowlist, scan } from '../../scripts/electronegativity.mjs';

interface Finding {
  check: string;
  file: string;
  message: string;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('electronegativity gate', () => {
  it('finds the classic mistakes in a deliberately insecure shell', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'eneg-fixture-'));
    dirs.push(root);
    fs.mkdirSync(path.join(root, 'main'));
    fs.writeFileSync(
      path.join(root, 'main', 'index.js'),
      `const { app, BrowserWindow } = require('electron');
app.whenReady().then(() => {
  const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });
  win.loadURL('https://example.com');
});
`,
    );
    const findings: Finding[] = scan(['main'], {
      root,
      excludedChecks: ['AvailableSecurityFixesGlobalCheck'],
    });
    const checks = new Set(findings.map((f) => f.check));
    for (const expected of [
      'CONTEXT_ISOLATION_JS_CHECK',
      'SANDBOX_JS_CHECK',
      'WEB_SECURITY_JS_CHECK',
      'LIMIT_NAVIGATION_GLOBAL_CHECK',
      'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
    ]) {
      expect(checks).toContain(expected);
    }
    // None of these is excused by the project's allowlist.
    const { unjustified } = classifyFindings(findings, loadAllowlist());
    expect(unjustified.length).toBe(findings.length);
  }, 120_000);

  it('excuses a finding only for the check, file and message the allowlist names', () => {
    const allowlist = {
      excludedChecks: [],
      findings: [
        {
          check: 'CSP_GLOBAL_CHECK',
          file: 'main/index.ts',
          message: 'Failed to parse',
          reason: 'x'.repeat(30),
        },
      ],
    };
    const { justified, unjustified, stale } = classifyFindings(
      [
        { check: 'CSP_GLOBAL_CHECK', file: 'main/index.ts', message: 'Failed to parse CSP' },
        { check: 'CSP_GLOBAL_CHECK', file: 'main/index.ts', message: 'No CSP has been detected' },
        { check: 'CSP_GLOBAL_CHECK', file: 'main/other.ts', message: 'Failed to parse CSP' },
      ],
      allowlist,
    );
    expect(justified).toHaveLength(1);
    expect(unjustified).toHaveLength(2);
    expect(stale).toHaveLength(0);
  });

  it('requires a reason for every allowlist entry', () => {
    const list = loadAllowlist();
    expect(list.findings.length).toBeGreaterThan(0);
    for (const entry of list.findings) expect(entry.reason.length).toBeGreaterThan(40);
  });
});
