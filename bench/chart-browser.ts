// The chart "draw" figure in a real browser: ECharts' canvas renderer in headless Chromium (the
// studio's renderer draws its charts this way), timed inside the page from echarts.init to the
// end of setOption, which paints synchronously (no lazyUpdate). Optional: without Chromium or
// Playwright the rows are skipped with the reason.
import { createRequire } from 'node:module';
import { CHART_HEIGHT, CHART_WIDTH, type DrawRow, lineOption } from './chart-draw';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserDraw {
  rows: DrawRow[];
  skipped?: string;
}

interface Case {
  name: string;
  data: [number, number][];
  sampling?: 'lttb';
}

/** Draws each case `reps` times in one page; seconds are the page's performance.now() times. */
export async function timeBrowserDraw(cases: Case[], reps: number): Promise<BrowserDraw> {
  let chromium: typeof import('@playwright/test').chromium;
  try {
    ({ chromium } = await import('@playwright/test'));
  } catch (err) {
    return { rows: [], skipped: `Playwright is not installed (${err instanceof Error ? err.message : err})` };
  }
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
  } catch (err) {
    return { rows: [], skipped: `Chromium did not start (${err instanceof Error ? err.message : err})` };
  }
  try {
    const page = await browser.newPage();
    await page.setContent(`<div id="c" style="width:${CHART_WIDTH}px;height:${CHART_HEIGHT}px"></div>`);
    const require = createRequire(import.meta.url);
    await page.addScriptTag({ path: require.resolve('echarts/dist/echarts.min.js') });
    const rows: DrawRow[] = [];
    for (const c of cases) {
      const times = await page.evaluate(
        ({ option, reps }) => {
          // Runs in the page: `echarts` is the global the script tag defined.
          const g = globalThis as unknown as {
            echarts: typeof import('echarts');
            document: { getElementById(id: string): unknown };
          };
          const el = g.document.getElementById('c');
          const out: number[] = [];
          for (let r = 0; r < reps; r++) {
            const t = performance.now();
            const chart = g.echarts.init(el as never, null, { renderer: 'canvas' });
            chart.setOption(option);
            out.push((performance.now() - t) / 1000);
            chart.dispose();
          }
          return out;
        },
        { option: lineOption(c.data, c.sampling), reps },
      );
      rows.push({
        name: c.name,
        points: c.data.length,
        seconds: Math.min(...times),
        firstSeconds: times[0]!,
        // The page's CPU time is not visible from here; wall clock only.
        cpuSeconds: null,
        svgBytes: null,
      });
    }
    return { rows };
  } finally {
    await browser.close();
  }
}
