// The spike views of a run (runs.spikes): the empty state for a run without a recording (real
// engine, a non-spiking quickstart run), the error state, then a synthetic 100k-spike record
// served in place of the engine's answer. The record is injected at the WebSocket in this test
// only (page.routeWebSocket answers runs.spikes and forwards everything else to the real
// engine), so nothing test-only ships in the product. Logs the first render time of the 100k
// raster and the longest frame while scrubbing (no timed assertion), and saves a screenshot.
import type { SpikeLayer, SpikeRecord } from '../../engine/protocol/schema';
import { expect, test } from './fixtures';

// Screenshots of the views (SPIKES_SCREENSHOT to put them elsewhere; -panel, -zoom, -loihi beside it).
const SCREENSHOT = process.env.SPIKES_SCREENSHOT ?? 'test-results/spikes/spikes.png';

/** Deterministic uniform numbers in [0, 1) (a 32-bit LCG, Numerical Recipes' constants). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * `count` spikes drawn with neuron weight `weight(id)` and time weight `when(step)` (rejection
 * sampling), sorted by time as the contract requires.
 */
function drawSpikes(
  rand: () => number,
  count: number,
  neurons: number,
  steps: number,
  weight: (id: number) => number,
  when: (step: number) => number,
): { times: number[]; ids: number[] } {
  const pairs: [number, number][] = [];
  const taken = new Set<number>();
  while (pairs.length < count) {
    const id = Math.floor(rand() * neurons);
    const step = Math.floor(rand() * steps);
    // At most one spike per neuron and step, as a simulator records them.
    if (taken.has(step * neurons + id) || rand() >= weight(id) * when(step)) continue;
    taken.add(step * neurons + id);
    pairs.push([step, id]);
  }
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { times: pairs.map((p) => p[0]), ids: pairs.map((p) => p[1]) };
}

/** Membrane potential of `neuron` rising towards threshold 1 and reset to 0 after each spike. */
function trace(rand: () => number, layer: { times: number[]; ids: number[] }, neuron: number, steps: number) {
  const spikeSteps = new Set(layer.times.filter((_, i) => layer.ids[i] === neuron));
  const v: number[] = [];
  let u = 0;
  for (let t = 0; t < steps; t++) {
    u = spikeSteps.has(t) ? 1 : 0.92 * u + 0.06 * rand();
    v.push(Number(u.toFixed(4)));
    if (spikeSteps.has(t)) u = 0;
  }
  return v;
}

/** A 784-256-10 network over 500 steps of 1 ms: 70,000 input, 28,000 hidden, 2,000 output spikes. */
function syntheticRecord(runId: string): SpikeRecord {
  const rand = lcg(7);
  const steps = 500;
  // Input: a digit-like ring on the 28x28 grid fires most.
  const pixel = (id: number) => {
    const r = Math.hypot((id % 28) - 14, Math.floor(id / 28) - 14);
    return 0.03 + 0.97 * Math.exp(-((r - 7) ** 2) / 8);
  };
  const input = drawSpikes(rand, 70_000, 784, steps, pixel, () => 1);
  const gains = Array.from({ length: 256 }, () => rand() ** 2);
  const hidden = drawSpikes(
    rand,
    28_000,
    256,
    steps,
    (id) => gains[id] as number,
    (t) => 0.4 + 0.6 * Math.exp(-(((t - 200) / 90) ** 2)),
  );
  const output = drawSpikes(
    rand,
    2_000,
    10,
    steps,
    (id) => (id === 3 ? 1 : 0.08),
    (t) => (t > 60 ? 1 : 0.1),
  );
  const layer = (
    name: string,
    neurons: number,
    neuronsPerCore: number | null,
    s: { times: number[]; ids: number[] },
    traceNeurons: number[],
  ): SpikeLayer => ({
    name,
    neurons,
    neuronsPerCore,
    ...s,
    traceNeurons,
    traces: traceNeurons.map((n) => trace(rand, s, n, steps)),
  });
  return {
    runId,
    sample: 0,
    label: 3,
    predicted: 3,
    steps,
    dt: 0.001,
    input: layer('input', 784, null, input, []),
    layers: [layer('hidden', 256, 64, hidden, [0, 1, 2, 3]), layer('out', 10, null, output, [3, 5])],
  };
}

test('spike views: empty, error, and a 100k-spike record with scrubbing', async ({ page, studio }) => {
  const consoleErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(err.message));

  // 'engine': the real answer; otherwise this test answers runs.spikes itself.
  let mode: 'engine' | 'null' | 'error' | 'record' = 'engine';
  let spikeCalls = 0;
  await page.routeWebSocket(/\/rpc/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const msg = JSON.parse(String(message)) as {
        type: string;
        id: number;
        method?: string;
        params?: unknown;
      };
      if (msg.type !== 'request' || msg.method !== 'runs.spikes' || mode === 'engine') {
        server.send(message);
        return;
      }
      spikeCalls++;
      const { runId } = msg.params as { runId: string };
      if (mode === 'error') {
        ws.send(
          JSON.stringify({
            type: 'error',
            id: msg.id,
            error: { code: 'INTERNAL', message: 'spike artifact unreadable (test)' },
          }),
        );
      } else {
        const result = mode === 'null' ? null : syntheticRecord(runId);
        ws.send(JSON.stringify({ type: 'response', id: msg.id, result }));
      }
    });
  });

  await page.goto(studio.url);
  await page.locator('[data-testid="file-tree-item"][data-path="quickstart.nfab"]').click();
  await expect(page.getByTestId('experiment-select').locator('option')).toHaveText(['quickstart']);
  await page.getByTestId('quick-look').check();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'finished', {
    timeout: 90_000,
  });

  // A non-spiking run from the real engine: the empty state once the engine serves runs.spikes
  // (null for this run). Until that lands (helper G1's engine side) the engine has the method in
  // its schema but no handler and answers INTERNAL: that part is skipped with the reason printed.
  const view = page.getByTestId('spike-view');
  await expect(view).not.toHaveAttribute('data-state', 'loading');
  const engineText = (await view.textContent()) ?? '';
  if (/handler is not a function/.test(engineText)) {
    const reason =
      'real-engine empty state skipped: the engine has no runs.spikes handler yet (engine side pending)';
    console.log(reason);
    test.info().annotations.push({ type: 'skipped-part', description: reason });
  } else {
    await expect(page.getByTestId('spike-empty')).toContainText(
      'This run has no spike recording: only spiking experiments record one',
    );
  }

  // The same run answered with null (no recording): the empty state, whatever the engine above.
  mode = 'null';
  await page.getByTestId('spike-reload').click();
  await expect(view).toHaveAttribute('data-state', 'none');
  await expect(page.getByTestId('spike-empty')).toContainText(
    'This run has no spike recording: only spiking experiments record one',
  );

  // A failing call: the error state with the engine's code and message, and a Retry.
  mode = 'error';
  await page.getByTestId('spike-reload').click();
  await expect(page.getByTestId('spike-error')).toContainText('INTERNAL: spike artifact unreadable (test)');

  // The 100k-spike record: time from Retry to the raster's first complete render.
  mode = 'record';
  const raster = page.getByTestId('spike-raster');
  const clicked = Date.now();
  await page.getByTestId('spike-error').getByRole('button', { name: 'Retry' }).click();
  await expect(raster).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
  const wallMs = Date.now() - clicked;
  await expect(raster).toHaveAttribute('data-points', '100000');
  const renderMs = await raster.getAttribute('data-render-ms');
  const setOptionMs = await raster.getAttribute('data-set-option-ms');
  console.log(
    `spike raster, 100,000 spikes: first render ${renderMs} ms in the page (setOption, whose ` +
      `synchronous flush draws the canvas, to the first 'rendered'; setOption returned after ${setOptionMs} ms); ` +
      `${wallMs} ms from Retry to rendered, record transfer, parsing and the other three charts included`,
  );
  expect(spikeCalls).toBe(3);
  await expect(view).toContainText('sample 0 · label 3 · predicted 3');
  await expect(view).toContainText('100,000 spikes');

  // The linked views: 4 hidden traces, rates up to the fastest neuron, 4 cores of 64 for hidden.
  await expect(page.getByTestId('spike-traces')).toHaveAttribute('data-series', '4');
  await page.getByTestId('spike-trace-layer').selectOption('out');
  await expect(page.getByTestId('spike-traces')).toHaveAttribute('data-series', '2');
  await expect(page.getByTestId('spike-rates')).not.toHaveAttribute('data-max-rate', '0');
  await expect(page.getByTestId('spike-cores')).toHaveAttribute('data-cores', '4');
  await expect(view).toContainText('Not on spiking cores: input, out.');

  // Scrubbing with the keyboard: = zooms to the middle half, ] moves by 10% of it, Home resets.
  const windowText = page.getByTestId('spike-window');
  await expect(windowText).toHaveText('0–500 ms of 500 ms');
  await page.getByTestId('spike-charts').focus();
  await page.keyboard.press('=');
  await expect(windowText).toHaveText('125–375 ms of 500 ms');
  const frames = await page.evaluate(async () => {
    // The longest gap between animation frames while the window moves 10 times.
    const gaps: number[] = [];
    let last = performance.now();
    let running = true;
    const tick = (now: number) => {
      gaps.push(now - last);
      last = now;
      if (running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const charts = document.querySelector('[data-testid="spike-charts"]') as HTMLElement;
    for (let i = 0; i < 10; i++) {
      charts.dispatchEvent(new KeyboardEvent('keydown', { key: ']', bubbles: true }));
      await new Promise((r) => setTimeout(r, 50));
    }
    running = false;
    return { frames: gaps.length, longest: Math.max(...gaps) };
  });
  const moves = await raster.getAttribute('data-moves');
  const moveMax = await raster.getAttribute('data-move-ms-max');
  console.log(
    `scrubbing 10 steps over the 100k raster: ${frames.frames} frames, longest frame gap ` +
      `${frames.longest.toFixed(1)} ms; slowest of ${moves} window moves from dispatch to redrawn: ${moveMax} ms`,
  );
  // 10 moves of 25 ms from 125 ms reach the end (250-500) before the last ones.
  await expect(windowText).toHaveText('250–500 ms of 500 ms');
  await page.keyboard.press('[');
  await expect(windowText).toHaveText('225–475 ms of 500 ms');
  await page.keyboard.press('Home');
  await expect(windowText).toHaveText('0–500 ms of 500 ms');

  // The slider scrubs too: dragging the raster pans the window and the text follows.
  await page.keyboard.press('=');
  const box = await raster.boundingBox();
  if (!box) throw new Error('raster has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 3, { steps: 6 });
  await page.mouse.up();
  await expect(windowText).not.toHaveText('125–375 ms of 500 ms');
  const start = Number(await windowText.getAttribute('data-start'));
  expect(start).toBeLessThan(125);
  await page.keyboard.press('Home');

  // In the run panel, then expanded over the studio: screenshots.
  await page.getByTestId('spike-trace-layer').selectOption('hidden');
  await view.scrollIntoViewIfNeeded();
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-panel.png') });
  await page.getByTestId('spike-expand').click();
  await expect(view).toHaveClass(/expanded/);
  await page.waitForTimeout(500);
  await view.screenshot({ path: SCREENSHOT });
  // Zoomed to 162.5-287.5 ms (two = from 0-500, then two [ of 12.5 ms): single spikes and the traces' shape.
  await page.getByTestId('spike-charts').focus();
  await page.keyboard.press('=');
  await page.keyboard.press('=');
  await page.keyboard.press('[');
  await page.keyboard.press('[');
  await expect(windowText).toHaveText('162.5–287.5 ms of 500 ms');
  await page.waitForTimeout(300);
  await view.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-zoom.png') });
  await page.keyboard.press('Escape');
  await expect(view).not.toHaveClass(/expanded/);

  expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
});

test('a spiking example run in the studio shows its recorded raster (real engine)', async ({
  page,
  studio,
}) => {
  test.setTimeout(300_000);
  const consoleErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(err.message));

  await page.goto(studio.url);
  await page.locator('[data-testid="file-tree-item"][data-path="loihi-three-factor.nfab"]').click();
  await expect(page.getByTestId('experiment-select').locator('option')).toHaveText(['spikes_3f']);
  await page.getByTestId('quick-look').check();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'finished', {
    timeout: 240_000,
  });

  const view = page.getByTestId('spike-view');
  await expect(view).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  const raster = page.getByTestId('spike-raster');
  await expect(raster).toHaveAttribute('data-rendered', 'true');
  const points = Number(await raster.getAttribute('data-points'));
  expect(points).toBeGreaterThan(0);
  // The hidden population sits on spiking cores in this example: one bar per core at least.
  expect(Number(await page.getByTestId('spike-cores').getAttribute('data-cores'))).toBeGreaterThan(0);
  console.log(`loihi-three-factor quick look: ${points.toLocaleString()} spikes in the recorded sample`);
  await page.getByTestId('spike-expand').click();
  await page.waitForTimeout(300);
  await view.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-loihi.png') });

  expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
});
