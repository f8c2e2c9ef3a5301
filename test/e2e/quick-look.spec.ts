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
