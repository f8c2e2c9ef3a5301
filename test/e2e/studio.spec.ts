// The studio's main path in browser mode: open the example project, edit quickstart.nfab with
// live diagnostics, save, run an experiment to the end with progress and a live chart, cancel a
// second (longer) run, and find both in the runs table after a reload.
import { expect, focusEditor, test } from './fixtures';

test('edit, check, save, run, cancel and list runs', async ({ page, studio }) => {
  const consoleErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(err.message));

  await page.goto(studio.url);
  await expect(page.getByTestId('project-name')).toHaveText(new RegExp(studio.projectDir.split('/').at(-1)!));
  await page.locator('[data-testid="file-tree-item"][data-path="quickstart.nfab"]').click();
  await expect(page.locator('[data-testid="editor-tab"][data-path="quickstart.nfab"]')).toBeVisible();
  await expect(page.locator('[data-testid="editor"] .view-lines')).toContainText('device rram : rram');

  // The engine's check lists the file's experiments and finds no error.
  const select = page.getByTestId('experiment-select');
  await expect(select.locator('option')).toHaveText(['quickstart']);
  const problems = page.getByTestId('problems-count');
  await expect(problems).toHaveAttribute('data-errors', '0');

  // Type an error: a time where a conductance belongs. A marker appears while typing.
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('Enter');
  // The closing brace overtypes Monaco's auto-inserted one, or adds it where none was inserted.
  await page.keyboard.type('device broken : rram { g_max = 5ns }');
  await expect(page.locator('[data-testid="editor"] .squiggly-error').first()).toBeVisible();
  await expect(problems).not.toHaveAttribute('data-errors', '0');
  await expect(page.locator('[data-testid="editor-tab"][data-path="quickstart.nfab"]')).toHaveAttribute(
    'data-dirty',
    'true',
  );
  await expect(page.getByTestId('window-title')).toContainText('●');
  await expect(page.getByTestId('run-button')).toBeDisabled();
  await page.getByTestId('tab-problems').click();
  const error = page.locator('[data-testid="problem"][data-severity="error"]', { hasText: /conductance/i });
  await expect(error).toHaveCount(1);

  // Clicking the problem puts the cursor on it; fix the line by turning it into a comment, then
  // save with Ctrl+S: the markers and the dirty dot go.
  await error.click();
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.type('// fixed');
  await expect(problems).toHaveAttribute('data-errors', '0');
  await expect(page.locator('[data-testid="editor"] .squiggly-error')).toHaveCount(0);
  await page.keyboard.press('ControlOrMeta+s');
  await expect(page.locator('[data-testid="editor-tab"][data-path="quickstart.nfab"]')).toHaveAttribute(
    'data-dirty',
    'false',
  );
  await expect(page.getByTestId('window-title')).not.toContainText('●');

  // Run it to the end: status, progress and chart points arrive while it runs.
  await page.getByTestId('run-button').click();
  const status = page.getByTestId('run-status');
  await expect(status).toHaveAttribute('data-status', /queued|running|finished/);
  const firstRun = await page.getByTestId('viewed-run-id').getAttribute('data-run-id');
  await expect(page.getByTestId('run-progress')).not.toHaveAttribute('data-done', '0');
  await expect(page.getByTestId('metrics-chart')).not.toHaveAttribute('data-points', '0');
  await expect(status).toHaveAttribute('data-status', 'finished', { timeout: 60_000 });
  await expect(page.getByTestId('metric-tiles')).toContainText(/test acc/i);

  // A second run, cancelled while it runs: the full-MNIST example in a second tab, started with
  // Ctrl+Enter from the editor (quickstart itself ends too fast to be caught).
  await page.locator('[data-testid="file-tree-item"][data-path="mnist-mlp.nfab"]').click();
  await expect(page.getByTestId('editor')).toHaveAttribute('data-path', 'mnist-mlp.nfab');
  await expect(select.locator('option')).toHaveText(['mnist_ideal', 'mnist_rram']);
  await select.selectOption('mnist_ideal');
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(page.getByTestId('viewed-run-id')).not.toHaveAttribute('data-run-id', firstRun!);
  const secondRun = await page.getByTestId('viewed-run-id').getAttribute('data-run-id');
  await expect(status).toHaveAttribute('data-status', 'running');
  await page.getByTestId('cancel-button').click();
  await expect(status).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });

  // Both runs are in the store: a reload lists them from runs.list.
  await page.reload();
  await page.getByTestId('tab-runs').click();
  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(2);
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${firstRun}"]`)).toHaveAttribute(
    'data-status',
    'finished',
  );
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${secondRun}"]`)).toHaveAttribute(
    'data-status',
    'cancelled',
  );

  // Picking a stored run shows its parameters and its metric history in the chart.
  await page.locator(`[data-testid="run-row"][data-run-id="${firstRun}"]`).click();
  await expect(page.getByTestId('run-details')).toBeVisible();
  await expect(page.getByTestId('run-params')).toContainText('seed');
  await expect(page.getByTestId('metrics-chart')).not.toHaveAttribute('data-points', '0');

  expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
});
