// Quick look: the same experiment on a slice, one epoch, from the Run panel; the recorded run
// carries the slice in its parameters, so a quick look is never mistaken for the real thing.
import { expect, test } from './fixtures';

test('a quick look trains one epoch on a slice and records the slice', async ({ page, studio }) => {
  await page.goto(studio.url);
  await page.locator('[data-testid="file-tree-item"][data-path="mnist-mlp.nfab"]').click();
  const select = page.getByTestId('experiment-select');
  await expect(select.locator('option')).toHaveText(['mnist_ideal', 'mnist_rram']);
  await select.selectOption('mnist_rram');
  await page.getByTestId('quick-look').check();
  await expect(page.getByTestId('run-button')).toHaveAttribute(
    'title',
    /Quick look: 1 epoch on 2000 training/,
  );
  await page.getByTestId('run-button').click();
  const status = page.getByTestId('run-status');
  await expect(status).toHaveAttribute('data-status', 'finished', { timeout: 90_000 });
  const params = page.getByTestId('run-params');
  await expect(params.locator('tr', { hasText: /^trainLimit/ })).toContainText('2000');
  await expect(params.locator('tr', { hasText: /^testLimit/ })).toContainText('1000');
  await expect(params.locator('tr', { hasText: /^epochs/ })).toContainText('1');
  await expect(page.getByTestId('metric-tiles')).toContainText(/test acc/i);
});

test('a sweep starts one run per point, each labelled with its point in the runs table', async ({
  page,
  studio,
}) => {
  await page.goto(studio.url);
  await page.locator('[data-testid="file-tree-item"][data-path="rpu-insitu-training.nfab"]').click();
  await expect(page.getByTestId('experiment-select').locator('option')).toHaveText(['rpu_insitu']);
  await page.getByTestId('quick-look').check();
  await page.getByTestId('run-button').click();
  await page.getByTestId('tab-runs').click();
  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(4);
  await expect
    .poll(async () => (await page.getByTestId('run-sweep-point').allTextContents()).sort())
    .toEqual(['rpu_gv.up_down=0', 'rpu_gv.up_down=0.01', 'rpu_gv.up_down=0.05', 'rpu_gv.up_down=0.1']);
  for (let i = 0; i < 4; i++) {
    await expect(rows.nth(i)).toHaveAttribute('data-status', 'finished', { timeout: 120_000 });
  }
});
