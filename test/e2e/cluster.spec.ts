// The Cluster tab on a real one-node Slurm cluster (test/slurm/cluster.ts): the Sweep… dialog
// writes a 4-point programming-noise sweep into the RF spintronic MLP and hands it to the Cluster
// tab, which previews the array job, submits it on the Quick look slices, watches every point
// finish, and collects the four runs into the project.
//   NEUROFAB_CLUSTER_SCREENSHOT=docs/cluster.png npx playwright test cluster   (the docs image)
import { clusterUnavailableReason, type LocalCluster, startLocalCluster } from '../slurm/cluster';
import { expect, test } from './fixtures';

const unavailable = clusterUnavailableReason();
const screenshotTarget = process.env.NEUROFAB_CLUSTER_SCREENSHOT;

test.use({ viewport: { width: 1920, height: 1080 } });

let cluster: LocalCluster | null = null;
const savedConf = process.env.SLURM_CONF;

test.beforeAll(async () => {
  if (unavailable) return;
  cluster = await startLocalCluster();
  // The studio's server (started per test by the fixture) inherits this: its sbatch reaches the cluster.
  process.env.SLURM_CONF = cluster.env.SLURM_CONF;
});

test.afterAll(() => {
  cluster?.stop();
  if (savedConf === undefined) delete process.env.SLURM_CONF;
  else process.env.SLURM_CONF = savedConf;
});

test('a sweep runs on Slurm from the Cluster tab and its points come back as runs', async ({
  page,
  studio,
}) => {
  test.skip(unavailable !== null, `Slurm is not available here: ${unavailable}`);
  test.setTimeout(300_000);
  await page.goto(studio.url);
  await page.locator('[data-testid="file-tree-item"][data-path="rf-spintronic-mlp.nfab"]').click();
  await expect(page.getByTestId('experiment-select').locator('option')).toHaveText(['mnist_rf']);
  await page.getByTestId('quick-look').check();

  // A taller bottom panel, so the points table is readable in the screenshot.
  const splitter = page.locator('main.center > .splitter-y');
  const box = await splitter.boundingBox();
  if (box) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y - 380, { steps: 8 });
    await page.mouse.up();
  }
  // The Sweep… dialog replaces the example's 5-value sweep and opens the Cluster tab.
  await page.getByTestId('sweep-button').click();
  const dialog = page.getByTestId('sweep-dialog');
  await dialog.getByTestId('sweep-field').selectOption('spin_res.program_noise');
  await dialog.getByTestId('sweep-values').fill('0%, 0.1%, 0.5%, 1%');
  await dialog.getByTestId('sweep-cluster').click();
  await expect(dialog).toBeHidden();
  const panel = page.getByTestId('cluster-panel');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('No sweep of this project has been submitted');
  await expect(panel).toContainText('Quick look slices (2000 training / 1000 test samples, 1 epoch(s))');

  await panel.getByRole('button', { name: 'Preview job' }).click();
  await expect(panel.locator('.cluster-preview pre')).toContainText('#SBATCH --array=0-3');
  await expect(panel.locator('.cluster-preview pre')).toContainText('--train-limit 2000 --test-limit 1000');

  await page.getByTestId('cluster-submit').click();
  await expect(panel.getByRole('status')).toContainText(/Submitted mnist_rf-\w+ as Slurm job \d+: 4 point/);
  const points = panel.locator('.cluster-points tbody tr');
  await expect(points).toHaveCount(4);
  await expect
    .poll(async () => points.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state'))), {
      timeout: 240_000,
      intervals: [1000],
    })
    .toEqual(['done', 'done', 'done', 'done']);

  await panel.getByRole('button', { name: 'Collect 4' }).click();
  await expect(panel.getByRole('status')).toContainText('4 run(s) imported');
  await expect(panel.locator('.cluster-points').getByRole('button', { name: 'open' })).toHaveCount(4);
  await expect(panel.locator('.cluster-points tbody tr').first()).toContainText('spin_res.program_noise=0%');
  if (screenshotTarget) await page.screenshot({ path: screenshotTarget });

  // The collected runs are ordinary runs of the project.
  await page.getByTestId('tab-runs').click();
  await expect(page.getByText(/mnist_rf-\w+/).first()).toBeVisible();
});
