// The schematic view: a live diagram of the chip and the network, two-way synced with the text.
// Edits from the diagram go through Monaco's edit stack (Ctrl+Z undoes them); the inspector
// refuses a value the checker rejects, with the checker's message.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, focusEditor, test } from './fixtures';

/**
 * Where a screenshot goes: docs/ when NEUROFAB_DOCS_SCREENSHOTS=1 (to refresh the documentation),
 * else the test's output folder, so `npm test` never rewrites tracked files.
 */
function shotPath(name: string): string {
  return process.env.NEUROFAB_DOCS_SCREENSHOTS === '1' ? `docs/${name}` : test.info().outputPath(name);
}

const node = (page: Page, id: string) => page.locator(`[data-testid="schematic-node"][data-id="${id}"]`);

async function openSchematic(page: Page, url: string, file: string, width = 1900, widen = 380) {
  await page.setViewportSize({ width, height: 1000 });
  await page.goto(url);
  await page.locator(`[data-testid="file-tree-item"][data-path="${file}"]`).click();
  await expect(page.getByTestId('editor')).toHaveAttribute('data-path', file);
  await page.getByTestId('toggle-schematic').click();
  await expect(page.getByTestId('schematic')).toBeVisible();
  // Widen the schematic: drag the divider between the editor and the diagram to the left.
  const splitter = page.locator('.splitter-x').nth(1);
  const box = (await splitter.boundingBox())!;
  await page.mouse.move(box.x + 2, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x - widen, box.y + 200, { steps: 5 });
  await page.mouse.up();
}

/** Saves with Ctrl+S from the editor and returns the file as written to disk. */
async function saved(page: Page, dir: string, file: string): Promise<string> {
  await focusEditor(page);
  await page.keyboard.press('Control+S');
  await expect(page.locator(`[data-testid="editor-tab"][data-path="${file}"]`)).toHaveAttribute(
    'data-dirty',
    'false',
  );
  return fs.readFileSync(path.join(dir, file), 'utf8');
}

test('schematic: chip and network views, selection sync, inspector, undo, palette, export', async ({
  page,
  studio,
}) => {
  const file = 'mnist-mlp.nfab';
  const original = fs.readFileSync(path.join(studio.projectDir, file), 'utf8');
  await openSchematic(page, studio.url, file);
  const lines = page.locator('[data-testid="editor"] .view-lines');

  // Chip view: devices feed the tiles of each chip.
  const tile = node(page, 'chip:rram_chip/tile:xbar');
  await expect(tile).toContainText('256×256');
  await expect(tile).toContainText('DAC 8 b · ADC 8 b');
  await expect(node(page, 'device:rram_dev')).toContainText('32 levels');
  await page.locator('.react-flow__controls-fitview').click();
  await page.getByTestId('schematic').screenshot({ path: shotPath('schematic-chip.png') });

  // Network view: layers left to right, each with its mapping onto the tiles.
  await page.getByTestId('schematic-view-network').click();
  await expect(node(page, 'network:mlp/layer:h')).toContainText('784 → 256');
  await expect(node(page, 'network:mlp/layer:h')).toContainText('4 tiles');
  // The first fit keeps labels readable (it shows the start of a wide network rather than shrink it).
  await page.waitForTimeout(300);
  await page.getByTestId('schematic').screenshot({ path: shotPath('schematic-network.png') });
  await page.getByTestId('schematic-view-chip').click();

  // Selecting a node highlights its declaration in the editor.
  await tile.click();
  await expect(tile).toHaveAttribute('data-selected', 'true');
  await expect(page.locator('[data-testid="editor"] .schematic-highlight').first()).toBeVisible();
  await expect(page.getByTestId('schematic-inspector')).toHaveAttribute(
    'data-node',
    'chip:rram_chip/tile:xbar',
  );

  // Editing a field in the inspector changes exactly that value in the text.
  const adc = page.getByTestId('inspector-field-adc_bits');
  await adc.fill('6');
  await adc.press('Enter');
  await expect(tile).toContainText('ADC 6 b');
  const edited = original.replace('adc_bits = 8  // output ADC', 'adc_bits = 6  // output ADC');
  expect(edited).not.toBe(original);
  expect(await saved(page, studio.projectDir, file)).toBe(edited);

  // Ctrl+Z in the editor undoes the diagram edit.
  await focusEditor(page);
  await page.keyboard.press('Control+Z');
  await expect(lines).toContainText('adc_bits = 8  // output ADC');
  expect(await saved(page, studio.projectDir, file)).toBe(original);
  await expect(tile).toContainText('ADC 8 b');

  // An invalid value is refused with the checker's message; the text stays.
  await tile.click();
  await page.getByTestId('inspector-field-adc_bits').fill('60');
  await page.getByTestId('inspector-field-adc_bits').press('Enter');
  await expect(page.getByTestId('inspector-error')).toHaveText(
    'adc_bits must be an integer in 0..16, got 60',
  );
  expect(await saved(page, studio.projectDir, file)).toBe(original);

  // Moving the cursor in the text selects the node of the declaration around it.
  const deviceLine = original.split('\n').findIndex((l) => l.startsWith('device rram_dev')) + 1;
  await focusEditor(page);
  await page.keyboard.press('Control+G');
  await page.keyboard.type(String(deviceLine + 2));
  await page.keyboard.press('Enter');
  await expect(node(page, 'device:rram_dev')).toHaveAttribute('data-selected', 'true');

  // The palette adds a tile to the selected chip: the expected text, nothing else changes.
  await tile.click();
  await page.getByTestId('palette-tile').click();
  await expect(node(page, 'chip:rram_chip/tile:xbar_2')).toBeVisible();
  const chipEnd = original.indexOf('}\n}\n', original.indexOf('chip rram_chip')) + 2;
  const added = `${original.slice(0, chipEnd)}  tile xbar_2 : crossbar(rows = 128, cols = 128) {\n    device = ideal_dev\n  }\n${original.slice(chipEnd)}`;
  expect(await saved(page, studio.projectDir, file)).toBe(added);

  // Export as SVG: a standalone file with the node labels.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-svg').click(),
  ]);
  const svg = fs.readFileSync((await download.path())!, 'utf8');
  expect(svg).toContain('<svg');
  for (const label of ['rram_chip', 'ideal_chip', 'xbar_2', 'rram_dev']) expect(svg).toContain(label);
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  expect(
    fs
      .readFileSync((await png.path())!)
      .subarray(1, 4)
      .toString(),
  ).toBe('PNG');

  // A dragged node keeps its place: the position goes to the sidecar <file>.layout.json.
  const dev = (await node(page, 'device:rram_dev').boundingBox())!;
  await page.mouse.move(dev.x + 40, dev.y + 10);
  await page.mouse.down();
  await page.mouse.move(dev.x + 40, dev.y + 90, { steps: 5 });
  await page.mouse.up();
  const sidecar = path.join(studio.projectDir, `${file}.layout.json`);
  await expect
    .poll(() => (fs.existsSync(sidecar) ? fs.readFileSync(sidecar, 'utf8') : ''))
    .toContain('"device:rram_dev"');
});

test('schematic: a large design (50 layers on 500 tiles) renders and pans; errors mark the diagram stale', async ({
  page,
  studio,
}) => {
  const tiles = Array.from(
    { length: 500 },
    (_, i) => `  tile t${i} : crossbar(rows = 256, cols = 256) {\n    device = cell\n  }`,
  ).join('\n');
  const layers = Array.from(
    { length: 50 },
    (_, i) => `  dense l${i} : ${64 + (i % 4) * 32} on t${i * 10}`,
  ).join('\n');
  const big = `device cell : rram {\n  levels = 16\n}\n\nchip big {\n${tiles}\n}\n\nnetwork deep {\n  input x : 100\n${layers}\n}\n`;
  fs.writeFileSync(path.join(studio.projectDir, 'big.nfab'), big);
  await openSchematic(page, studio.url, 'big.nfab');

  // The chip's 500 tiles start collapsed into its group; expanding shows them.
  const chip = node(page, 'chip:big');
  await expect(chip).toContainText('500 blocks hidden');
  await chip.getByRole('button', { name: 'Expand big' }).click();
  await page.locator('.react-flow__controls-fitview').click();
  await expect(node(page, 'chip:big/tile:t0')).toBeVisible();
  await page.getByTestId('schematic').screenshot({ path: test.info().outputPath('large-chip.png') });

  // Network view: 50 layers in a row; pan by dragging the background.
  await page.getByTestId('schematic-view-network').click();
  await expect(node(page, 'network:deep/layer:l0')).toBeVisible();
  const viewport = page.locator('.react-flow__viewport');
  const before = await viewport.getAttribute('style');
  const pane = (await page.getByTestId('schematic-flow').boundingBox())!;
  await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height - 30);
  await page.mouse.down();
  await page.mouse.move(pane.x + pane.width / 2 - 300, pane.y + pane.height - 60, { steps: 6 });
  await page.mouse.up();
  await expect(viewport).not.toHaveAttribute('style', before ?? '');
  await page.getByTestId('schematic').screenshot({ path: test.info().outputPath('large-network.png') });

  // A syntax error: the last good diagram stays, marked stale, and the error shows on its node.
  await focusEditor(page);
  await page.keyboard.press('Control+G');
  await page.keyboard.type('2');
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  await page.keyboard.type('x');
  await expect(page.getByTestId('schematic-stale')).toBeVisible();
  await page.getByTestId('schematic-view-chip').click();
  await expect(node(page, 'device:cell')).toBeVisible();
  await expect(node(page, 'device:cell').getByTestId('schematic-node-problem')).toBeVisible();
  await focusEditor(page);
  await page.keyboard.press('Control+Z');
  await expect(page.getByTestId('schematic-stale')).toHaveCount(0);
});

// Screenshots of the example systems for docs/schematic.md (chip and network views).
for (const [file, name] of [
  ['rf-spintronic-mlp.nfab', 'rf-spintronic'],
  ['loihi-three-factor.nfab', 'loihi'],
] as const) {
  test(`schematic screenshots: ${file}`, async ({ page, studio }) => {
    test.skip(!fs.existsSync(path.join(studio.projectDir, file)), `${file} is not in examples/`);
    // Wide enough that a whole network fits at a readable zoom.
    await openSchematic(page, studio.url, file, 2300, 800);
    await expect(page.locator('[data-testid="schematic-node"][data-kind="chip"]').first()).toBeVisible();
    await page.locator('.react-flow__controls-fitview').click();
    await page.getByTestId('schematic').screenshot({ path: shotPath(`schematic-${name}-chip.png`) });
    await page.getByTestId('schematic-view-network').click();
    await expect(page.locator('[data-testid="schematic-node"][data-kind="layer"]').first()).toBeVisible();
    await page.waitForTimeout(300);
    await page.getByTestId('schematic').screenshot({ path: shotPath(`schematic-${name}-network.png`) });
  });
}

test('schematic: dragging a device edge onto another device reconnects the tile, undoably', async ({
  page,
  studio,
}) => {
  const file = 'mnist-mlp.nfab';
  await openSchematic(page, studio.url, file);
  await page.locator('.react-flow__controls-fitview').click();
  const edge = page.locator('.react-flow__edge[data-id="device:ideal_dev->chip:ideal_chip/tile:xbar"]');
  await expect(edge).toHaveCount(1);
  // The edge's source-end updater sits on the device's right handle; drop it on the other device's.
  const from = (await edge.locator('.react-flow__edgeupdater-source').boundingBox())!;
  const to = (await node(page, 'device:rram_dev').locator('.react-flow__handle-right').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
  const text = await saved(page, studio.projectDir, file);
  expect(text).not.toMatch(/chip ideal_chip \{[^}]*device = ideal_dev/);
  expect(text).toMatch(/chip ideal_chip \{[^}]*device = rram_dev/);
  await focusEditor(page);
  await page.keyboard.press('Control+Z');
  expect(await saved(page, studio.projectDir, file)).toMatch(/chip ideal_chip \{[^}]*device = ideal_dev/);
});
