// Not a check: renders the studio mid-run for the docs. Runs only when asked, e.g.
//   NEUROFAB_SCREENSHOT=docs/screenshot-studio.png npx playwright test screenshot
// The full-MNIST example takes long enough to be caught with a partly drawn chart.
import { expect, test } from './fixtures';

const target = process.env.NEUROFAB_SCREENSHOT;

test('screenshot of a run in progress', async ({ page, studio }) => {
  test.skip(!target, 'set NEUROFAB_SCREENSHOT=<file.png> to render the docs screenshot');
  await page.goto(studio.url);
  await page.locator('[data-testid="file-tree-item"][data-path="mnist-mlp.nfab"]').click();
  await page.getByTestId('experiment-select').selectOption('mnist_rram');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'running');
  await expect
    .poll(async () => Number(await page.getByTestId('metrics-chart').getAttribute('data-points')), {
      timeout: 60_000,
    })
    .toBeGreaterThan(30);
  // Show the experiments (the end of the file) rather than the header comment.
  await page.locator('[data-testid="editor"] .view-lines').click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.getByTestId('tab-runs').click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: target! });
  await page.getByTestId('cancel-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'cancelled');
});
