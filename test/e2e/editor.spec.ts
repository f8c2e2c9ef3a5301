// Tabs and unsaved changes: closing a modified file asks first, and "Don't save" really discards.
import { expect, focusEditor, test } from './fixtures';

test('closing a modified file asks before discarding', async ({ page, studio }) => {
  await page.goto(studio.url);
  const tree = (path: string) => page.locator(`[data-testid="file-tree-item"][data-path="${path}"]`);
  const tab = (path: string) => page.locator(`[data-testid="editor-tab"][data-path="${path}"]`);

  await tree('mnist-mlp.nfab').click();
  await tree('quickstart.nfab').click();
  await expect(page.getByTestId('editor-tab')).toHaveCount(2);
  await expect(page.getByTestId('editor')).toHaveAttribute('data-path', 'quickstart.nfab');

  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.type('// scratch note\n');
  await expect(tab('quickstart.nfab')).toHaveAttribute('data-dirty', 'true');
  await expect(tree('quickstart.nfab')).toContainText('●');

  await tab('quickstart.nfab').getByTestId('tab-close').click();
  await expect(page.getByTestId('confirm-dialog')).toContainText('quickstart.nfab');
  await page.getByTestId('confirm-cancel').click();
  await expect(tab('quickstart.nfab')).toHaveAttribute('data-dirty', 'true');

  await tab('quickstart.nfab').getByTestId('tab-close').click();
  await page.getByTestId('confirm-discard').click();
  await expect(tab('quickstart.nfab')).toHaveCount(0);
  await expect(page.getByTestId('editor')).toHaveAttribute('data-path', 'mnist-mlp.nfab');

  await tree('quickstart.nfab').click();
  await expect(tab('quickstart.nfab')).toHaveAttribute('data-dirty', 'false');
  await expect(page.locator('[data-testid="editor"] .view-lines')).not.toContainText('scratch note');
});
