// Issue 9's analysis views, end to end in browser mode: a 4-point sweep written by the Sweep
// dialog and run as quick looks (one epoch on slices), compared as four overlaid curves and in
// parallel coordinates, two of its runs diffed, and an HTML report written into the project.
//   NEUROFAB_ANALYSIS_SCREENSHOT=docs/analysis.png npx playwright test analysis   (the docs image)
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const screenshotTarget = process.env.NEUROFAB_ANALYSIS_SCREENSHOT;

test.use({ viewport: { width: 1920, height: 1080 } });

const VALUES = ['0', '0.02', '0.05', '0.1'];

async function tickOnly(page: Page, runIds: string[]): Promise<void> {
  await page.getByTestId('tab-runs').click();
  const all = page.getByTestId('runs-check-all');
  await all.check();
  await all.uncheck();
  for (const id of runIds)
    await page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-testid="run-check"]`).check();
  await expect(page.getByTestId('runs-selected')).toHaveAttribute('data-count', String(runIds.length));
}

test('a sweep from the Sweep dialog, compared, diffed and reported', async ({ page, studio }) => {
  test.setTimeout(300_000);
  await page.goto(studio.url);
  await page.locator('[data-testid="file-tree-item"][data-path="rpu-insitu-training.nfab"]').click();
  await expect(page.getByTestId('experiment-select').locator('option')).toHaveText(['rpu_insitu']);
  await page.getByTestId('quick-look').check();

  // The dialog rewrites the experiment's sweep line (0.02 is not in the example) and runs it.
  await page.getByTestId('sweep-button').click();
  const dialog = page.getByTestId('sweep-dialog');
  await expect(dialog.getByTestId('sweep-field')).toBeEnabled();
  await dialog.getByTestId('sweep-field').selectOption('rpu_gv.up_down');
  await dialog.getByTestId('sweep-values').fill(VALUES.join(', '));
  await expect(dialog.getByTestId('sweep-preview')).toContainText(
    `sweep rpu_gv.up_down in [${VALUES.join(', ')}]`,
  );
  await dialog.getByTestId('sweep-run').click();
  await expect(dialog).toBeHidden();

  await page.getByTestId('tab-runs').click();
  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(4);
  await expect
    .poll(async () => (await page.getByTestId('run-sweep-point').allTextContents()).sort())
    .toEqual(VALUES.map((v) => `rpu_gv.up_down=${v}`).sort());
  for (let i = 0; i < 4; i++) {
    await expect(rows.nth(i)).toHaveAttribute('data-status', 'finished', { timeout: 180_000 });
  }
  // One collapsible row for the sweep, with its progress from the store.
  const sweepRow = page.getByTestId('sweep-row');
  await expect(sweepRow).toHaveCount(1);
  await expect(sweepRow).toHaveAttribute('data-total', '4');
  await expect(sweepRow).toHaveAttribute('data-finished', '4');
  await expect(page.getByTestId('sweep-resume')).toHaveCount(0);
  const runIds = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-run-id') ?? ''));

  // Compare: ticking the sweep row ticks its four runs; four curves, one per run.
  await sweepRow.getByTestId('sweep-check').check();
  await expect(page.getByTestId('runs-selected')).toHaveAttribute('data-count', '4');
  await page.getByTestId('runs-compare').click();
  await expect(page.getByTestId('compare-view')).toHaveAttribute('data-runs', '4');
  const overlay = page.getByTestId('overlay-chart');
  await expect(overlay).toHaveAttribute('data-series', '4');
  expect(((await overlay.getAttribute('data-runs')) ?? '').split(' ').sort()).toEqual([...runIds].sort());
  await expect(overlay.locator('canvas')).toHaveCount(1);
  // Smoothing keeps one curve per run (the raw ones are faint extras, not counted).
  await page.getByTestId('overlay-smoothing').fill('0.6');
  await expect(overlay).toHaveAttribute('data-series', '4');

  await page.getByTestId('compare-tab-parallel').click();
  const parallel = page.getByTestId('parallel-chart');
  await expect(parallel).toHaveAttribute('data-lines', '4');
  expect(Number(await parallel.getAttribute('data-axes'))).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('compare-view')).toContainText('rpu_gv.up_down');

  await page.getByTestId('compare-tab-param').click();
  await expect(page.getByTestId('param-chart')).toHaveAttribute('data-points', '4');
  await expect(page.getByTestId('param-x')).toHaveValue('sweep.rpu_gv.up_down');

  // Diff two runs: the swept param differs and is highlighted; the DSL snapshots in a diff editor.
  await tickOnly(page, runIds.slice(0, 2));
  await page.getByTestId('runs-diff').click();
  const diffRow = page.locator('[data-testid="diff-row"][data-key="sweep.rpu_gv.up_down"]');
  await expect(diffRow).toHaveAttribute('data-differs', 'true');
  await expect(diffRow).toHaveClass(/diff-changed/);
  await expect(page.getByTestId('dsl-diff').locator('.monaco-diff-editor')).toBeVisible();
  // Monaco draws only the lines in view: the top of the recorded DSL.
  await expect(page.getByTestId('dsl-diff')).toContainText('chip rpu_chip');

  // Report of the four runs: written into the project, with inline SVG charts.
  await tickOnly(page, runIds);
  await page.getByTestId('report-html').click();
  const notice = page.getByTestId('runs-notice');
  await expect(notice).toHaveAttribute('data-path', /\.html$/, { timeout: 60_000 });
  const reportPath = (await notice.getAttribute('data-path')) ?? '';
  const file = path.isAbsolute(reportPath) ? reportPath : path.join(studio.projectDir, reportPath);
  expect(fs.existsSync(file)).toBe(true);
  expect(fs.readFileSync(file, 'utf8')).toContain('<svg');

  // The same four runs exported as CSV: a real download holding every run id.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('runs-export-csv').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  for (const id of runIds) expect(csv).toContain(id);

  // The picture for docs/ui-analysis.md: the compare view of the sweep.
  await page.getByTestId('tab-compare').click();
  await page.getByTestId('compare-tab-metrics').click();
  await page.getByTestId('overlay-smoothing').fill('0.6');
  await expect(overlay).toHaveAttribute('data-series', '4');
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300); // let the canvases draw
  await page.screenshot({ path: screenshotTarget ?? test.info().outputPath('analysis.png') });

  // Tags and notes are searched; a filter on a metric; a deleted point is a missing point the
  // sweep's Resume runs again.
  await tickOnly(page, runIds.slice(0, 2));
  await page.getByTestId('runs-tag').click();
  await page.getByTestId('prompt-input').fill('baseline=yes');
  await page.getByTestId('prompt-ok').click();
  await expect(page.getByTestId('run-tag')).toHaveText(['baseline=yes', 'baseline=yes']);
  await tickOnly(page, runIds.slice(2, 3));
  await page.getByTestId('runs-note').click();
  await page.getByTestId('prompt-input').fill('the odd one out');
  await page.getByTestId('prompt-ok').click();
  await expect(page.getByTestId('run-note')).toHaveCount(1);
  await page.getByTestId('runs-search').fill('odd one');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-run-id', runIds[2]!);
  await page.getByTestId('runs-search').fill('baseline=yes');
  await expect(rows).toHaveCount(2);
  await page.getByTestId('runs-search').fill('');

  await page.getByTestId('runs-filter').fill('test_accuracy > 2');
  await expect(page.getByTestId('runs-none-match')).toBeVisible();
  await page.getByTestId('runs-filter').fill('test_accuracy >= 0, status = finished');
  await expect(rows).toHaveCount(4);
  // The filter is still there after a visit to another tab.
  await page.getByTestId('tab-compare').click();
  await page.getByTestId('tab-runs').click();
  await expect(page.getByTestId('runs-filter')).toHaveValue('test_accuracy >= 0, status = finished');
  await page.getByTestId('runs-filter').fill('is high');
  await expect(page.getByTestId('runs-filter-error')).toContainText('key op value');
  await page.getByTestId('runs-filter').fill('');

  await tickOnly(page, runIds.slice(3, 4));
  await page.getByTestId('runs-delete').click();
  await page.getByTestId('confirm-delete').click();
  await expect(rows).toHaveCount(3);
  await expect(sweepRow).toHaveAttribute('data-finished', '3');
  await page.getByTestId('sweep-resume').click();
  await expect(rows).toHaveCount(4);
  await expect(sweepRow).toHaveAttribute('data-finished', '4', { timeout: 120_000 });
  await expect(page.getByTestId('sweep-resume')).toHaveCount(0);
});
