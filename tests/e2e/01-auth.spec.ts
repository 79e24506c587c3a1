import { expect, test } from './fixtures';

test.describe('access token', () => {
  test('a request without the token is refused, even on localhost', async ({ served, request }) => {
    const health = await request.get(`${served.url}/api/health`);
    expect(health.status()).toBe(200);

    for (const [method, path] of [
      ['POST', '/api/library.documents'],
      ['POST', '/api/search.query'],
      ['GET', '/api/events'],
      ['GET', '/api/file/anything'],
      ['POST', '/api/upload'],
    ] as const) {
      const res = await request.fetch(`${served.url}${path}`, { method, data: method === 'POST' ? {} : undefined });
      expect(res.status(), `${method} ${path}`).toBe(401);
      expect((await res.json()).error.code).toBe('UNAUTHORIZED');
    }
    const wrong = await request.post(`${served.url}/api/library.documents`, { headers: { Authorization: 'Bearer not-the-token-at-all' }, data: {} });
    expect(wrong.status()).toBe(401);
    const right = await request.post(`${served.url}/api/library.documents`, { headers: { Authorization: `Bearer ${served.token}` }, data: {} });
    expect(right.status()).toBe(200);
  });

  test('a browser without the token sees how to sign in; the printed URL signs it in and leaves the address bar', async ({ page, served }) => {
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') failed.push(m.text());
    });
    await page.goto(served.url);
    await expect(page.getByRole('heading', { name: 'Sign in to this Quarry server' })).toBeVisible();
    await page.goto(served.loginUrl);
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    expect(page.url()).not.toContain('token');
    // A reload keeps the session (the token is kept for this tab only).
    await page.reload();
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    // No request of the app failed (no /favicon.ico 404) and nothing was logged as an error.
    expect(failed).toEqual([]);
  });

  test('a wrong token in the URL shows the refusal, not a broken app', async ({ page, served }) => {
    await page.goto(`${served.url}/#token=wrong-token-wrong-token`);
    await expect(page.getByRole('heading', { name: 'The access token was refused' })).toBeVisible();
    // It names the command people actually ran, and how to keep one link across restarts.
    await expect(page.getByRole('alert')).toContainText('npm start');
    await expect(page.getByRole('alert')).toContainText('QUARRY_TOKEN');
  });
});
