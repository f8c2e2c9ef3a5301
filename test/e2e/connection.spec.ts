// Access control and connection loss as the user meets them: a wrong or missing token is refused
// (by the HTTP server and by the RPC endpoint), and a server that goes away leaves a clear banner.
import { expect, test } from './fixtures';

test('a missing or wrong token is refused', async ({ page, request, studio }) => {
  expect((await request.get(`${studio.origin}/`)).status()).toBe(403);
  const wrong = await request.get(`${studio.origin}/?token=wrong`);
  expect(wrong.status()).toBe(403);
  expect(await wrong.text()).toContain('token');

  await page.goto(`${studio.origin}/?token=wrong`);
  await expect(page.locator('body')).toContainText('Forbidden');

  // The RPC endpoint refuses on its own: serve the real page under a wrong token and the UI
  // explains that the token was refused, instead of failing silently.
  await page.route(
    (url) => url.searchParams.get('token') === 'stale',
    async (route) => {
      if (route.request().resourceType() !== 'document') return route.continue();
      return route.fulfill({ response: await route.fetch({ url: studio.url }) });
    },
  );
  await page.goto(`${studio.origin}/?token=stale`);
  await expect(page.getByTestId('connection-message')).toContainText(/refused.*token/i);
  await expect(page.getByTestId('reconnect-button')).toBeVisible();
});

test('a dropped connection shows a reconnect banner', async ({ page, studio }) => {
  await page.goto(studio.url);
  await expect(page.getByTestId('status-bar')).toContainText('Engine connected');
  await studio.stop();
  await expect(page.getByTestId('connection-error')).toContainText('Disconnected from the engine');
  await page.getByTestId('reconnect-button').click();
  await expect(page.getByTestId('connection-error')).toContainText(/not reachable/i);
});
