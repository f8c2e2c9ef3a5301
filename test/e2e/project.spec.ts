// With no project open, the studio asks for a folder (a path field in browser mode), opens it,
// and lists its files; a folder that does not exist is refused with the engine's reason unless
// "create" is ticked.
import { expect, test } from './fixtures';

test.use({ serveWithProject: false });

test('open a project from the start screen', async ({ page, studio }) => {
  await page.goto(studio.url);
  const form = page.getByTestId('open-project-form');
  await expect(form).toBeVisible();

  await page.getByTestId('project-path-input').fill(`${studio.projectDir}/missing`);
  await page.getByTestId('open-project-button').click();
  await expect(page.getByTestId('error-banner')).toContainText('does not exist');
  await expect(page.getByTestId('error-banner')).toHaveAttribute('data-code', 'NOT_FOUND');
  await page.getByTestId('dismiss-error').click();

  await page.getByTestId('project-path-input').fill(studio.projectDir);
  await page.getByTestId('open-project-button').click();
  await expect(page.locator('[data-testid="file-tree-item"][data-path="quickstart.nfab"]')).toBeVisible();
  await expect(page.getByTestId('runs-empty')).toBeVisible();

  // A reload asks the engine again and lands in the same project.
  await page.reload();
  await expect(page.locator('[data-testid="file-tree-item"][data-path="mnist-mlp.nfab"]')).toBeVisible();
});
