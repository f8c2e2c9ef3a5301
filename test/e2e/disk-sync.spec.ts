// Nothing typed is lost, and nothing on disk is overwritten unseen (issue 10, point 4):
//  - an unsaved buffer is backed up; after the page dies, the studio brings it back;
//  - a file changed on disk by something else is offered for reload;
//  - saving over such a change is refused until the user chooses to keep their text.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, focusEditor, test } from './fixtures';

test('unsaved text survives a closed page, and outside edits are offered for reload', async ({
  page,
  studio,
}) => {
  const file = path.join(studio.projectDir, 'quickstart.nfab');
  const original = fs.readFileSync(file, 'utf8');
  const backups = path.join(studio.projectDir, '.neurofab', 'backups');
  const tab = (p: Page) => p.locator('[data-testid="editor-tab"][data-path="quickstart.nfab"]');

  await page.goto(studio.url);
  await page.locator('[data-testid="file-tree-item"][data-path="quickstart.nfab"]').click();
  await expect(page.getByTestId('editor')).toHaveAttribute('data-path', 'quickstart.nfab');
  await focusEditor(page);
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.type('// typed before the crash\n');
  await expect(tab(page)).toHaveAttribute('data-dirty', 'true');
  // The backup is written a second after typing stops.
  await expect.poll(() => (fs.existsSync(backups) ? fs.readdirSync(backups).length : 0)).toBe(1);
  expect(fs.readFileSync(file, 'utf8')).toBe(original);

  // The page dies without a chance to save (no beforeunload), and the studio is opened again.
  const context = page.context();
  await page.close({ runBeforeUnload: false });
  const again = await context.newPage();
  await again.goto(studio.url);
  await expect(again.getByTestId('restored-banner')).toContainText('quickstart.nfab had unsaved changes');
  await expect(tab(again)).toHaveAttribute('data-dirty', 'true');
  await expect(again.locator('[data-testid="editor"] .view-lines')).toContainText('typed before the crash');

  // Something else rewrites the file: the studio notices and offers the new text.
  fs.writeFileSync(file, `// edited outside the studio\n${original}`);
  const changed = again.locator('[data-testid="changed-on-disk"][data-path="quickstart.nfab"]');
  await expect(changed).toContainText('changed on disk', { timeout: 15_000 });

  // Saving now would overwrite that edit unseen: refused, and the disk keeps the outside edit.
  await focusEditor(again);
  await again.keyboard.press('ControlOrMeta+S');
  await expect(again.getByTestId('error-banner')).toHaveAttribute('data-code', 'CONFLICT');
  expect(fs.readFileSync(file, 'utf8')).toContain('edited outside the studio');
  await again.getByTestId('dismiss-error').click();

  // Reload takes the disk's text; the buffer is clean and its backup is gone.
  await changed.getByTestId('reload-from-disk').click();
  await expect(changed).toHaveCount(0);
  await expect(tab(again)).toHaveAttribute('data-dirty', 'false');
  await expect(again.locator('[data-testid="editor"] .view-lines')).toContainText(
    'edited outside the studio',
  );
  await expect(again.locator('[data-testid="editor"] .view-lines')).not.toContainText(
    'typed before the crash',
  );
  await expect.poll(() => fs.readdirSync(backups).length).toBe(0);

  // Another outside edit while the user has their own: "Keep mine", then saving overwrites it.
  await focusEditor(again);
  await again.keyboard.press('ControlOrMeta+Home');
  await again.keyboard.type('// mine\n');
  fs.writeFileSync(file, `// theirs\n${original}`);
  await expect(changed).toContainText('unsaved changes here', { timeout: 15_000 });
  await changed.getByTestId('keep-mine').click();
  await expect(changed).toHaveCount(0);
  await focusEditor(again);
  await again.keyboard.press('ControlOrMeta+S');
  await expect(tab(again)).toHaveAttribute('data-dirty', 'false');
  await expect.poll(() => fs.readFileSync(file, 'utf8')).toContain('// mine');
  expect(fs.readFileSync(file, 'utf8')).not.toContain('// theirs');
});
