// The .nfab language service in Monaco: completion, hover, rename (F2), quick fix (Ctrl+.), and
// diagnostics from the language worker while typing (the round trip is logged, not asserted).
import { expect, focusEditor, test } from './fixtures';

test('completion, hover, rename and quick fix in the editor', async ({ page, studio }) => {
  await page.goto(studio.url);
  await page.locator('[data-testid="file-tree-item"][data-path="quickstart.nfab"]').click();
  await expect(page.getByTestId('editor')).toHaveAttribute('data-path', 'quickstart.nfab');
  const lines = page.locator('[data-testid="editor"] .view-lines');
  await expect(lines).toContainText('device rram : rram');
  const shots = test.info().outputPath();

  // Rename (F2) of the device `rram` on line 5: the declaration and its use in the tile change,
  // the kind `rram` does not.
  await focusEditor(page);
  await page.keyboard.press('Control+G');
  await page.keyboard.type('5');
  await page.keyboard.press('Enter');
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('F2');
  const renameInput = page.locator('.rename-box input');
  await expect(renameInput).toBeVisible();
  await renameInput.fill('cell');
  await page.keyboard.press('Enter');
  await expect(lines).toContainText('device cell : rram');
  await expect(lines).toContainText('device = cell');
  await expect(lines).not.toContainText('device = rram');

  // Hover over a field: its unit and its default for this kind.
  const gMin = page.locator('[data-testid="editor"] .view-line span span', { hasText: /^g_min$/ }).first();
  await gMin.hover();
  const hoverWidget = page.locator('.monaco-hover-content').first();
  await expect(hoverWidget).toContainText('field of device');
  await expect(hoverWidget).toContainText('a conductance (S, e.g. 25uS)');
  await expect(hoverWidget).toContainText('Default for rram: 1 µS');
  await page.screenshot({ path: `${shots}/hover.png` });
  await page.mouse.move(0, 0);

  // Completion inside a new device block offers its fields.
  await focusEditor(page);
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Enter');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.type('device probe : pcm {');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+Space');
  const suggest = page.locator('.suggest-widget');
  await expect(suggest).toBeVisible();
  await expect(suggest).toContainText('g_min');
  await expect(suggest).toContainText('levels');
  await expect(suggest).toContainText('program_noise');
  await page.screenshot({ path: `${shots}/completion.png` });
  await page.keyboard.press('Escape');

  // Keystroke -> marker round trip: one key makes a syntax error; time until its squiggle shows.
  await page.evaluate(() => {
    const w = window as unknown as { __roundTrip: Promise<number> };
    const count = () => document.querySelectorAll('[data-testid="editor"] .squiggly-error').length;
    const before = count();
    w.__roundTrip = new Promise<number>((resolve) => {
      let t0 = 0;
      document.addEventListener(
        'keydown',
        () => {
          t0 = performance.now();
        },
        { capture: true, once: true },
      );
      const obs = new MutationObserver(() => {
        if (t0 && count() > before) {
          obs.disconnect();
          resolve(performance.now() - t0);
        }
      });
      obs.observe(document.body, { subtree: true, childList: true, attributes: true });
    });
  });
  await page.keyboard.type('q');
  const ms = await page.evaluate(() => (window as unknown as { __roundTrip: Promise<number> }).__roundTrip);
  console.log(`keystroke-to-marker round trip: ${ms.toFixed(1)} ms`);
  test.info().annotations.push({ type: 'keystroke-to-marker-ms', description: ms.toFixed(1) });
  await page.keyboard.press('Backspace');

  // Quick fix (Ctrl+.) repairs a misspelt field.
  await page.keyboard.type('levles = 4');
  await expect(page.locator('[data-testid="editor"] .squiggly-error')).toHaveCount(1);
  await page.keyboard.press('Home');
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget', { hasText: "Change 'levles' to 'levels'" });
  await expect(fix).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(lines).toContainText('levels = 4');
  await expect(lines).not.toContainText('levles');
  await expect(page.locator('[data-testid="editor"] .squiggly-error')).toHaveCount(0);
});

test('Format Document formats the document with the neurofab fmt rules, and Ctrl+Z undoes it', async ({
  page,
  studio,
}) => {
  await page.goto(studio.url);
  await page.locator('[data-testid="file-tree-item"][data-path="quickstart.nfab"]').click();
  const lines = page.locator('[data-testid="editor"] .view-lines');
  await expect(lines).toContainText('device rram : rram');

  // Line 1 becomes a badly laid-out declaration; the formatter puts it in canonical form.
  await focusEditor(page);
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('device   probe:ideal{g_min=1uS}\n\n');
  await expect(lines).toContainText('device   probe:ideal{g_min=1uS}');
  // Monaco binds Format Document to Ctrl+Shift+I on Linux (Shift+Alt+F on Windows and macOS).
  await page.keyboard.press(process.platform === 'linux' ? 'Control+Shift+I' : 'Shift+Alt+F');
  await expect(lines).toContainText('device probe : ideal { g_min = 1uS }');
  await expect(lines).toContainText('device rram : rram');
  await page.keyboard.press('Control+Z');
  await expect(lines).toContainText('device   probe:ideal{g_min=1uS}');
});
