import path from 'node:path';
import { _electron as electron } from '@playwright/test';
import { electronStatus } from '../../bin/electron-status.js';
import { expect, test } from './fixtures';

const status = electronStatus();

test.describe('desktop app (Playwright Electron launcher)', () => {
  // Not silent: the reason is printed by run.js, recorded as this test's annotation, and
  // written to test-results/electron-status.json.
  test.skip(!status.available, status.available ? '' : `Electron flows not run: ${status.reason}`);

  test('opens a secure window whose page talks to the engine through window.quarry only', async () => {
    const root = path.resolve(import.meta.dirname, '..', '..');
    const app = await electron.launch({ executablePath: status.available ? status.executable : undefined, args: [path.join(root, 'out', 'main', 'index.js')] });
    const page = await app.firstWindow();
    await expect(page.getByTestId('connection')).toHaveText('Connected');
    const exposed = await page.evaluate(() => ({
      quarry: typeof (window as unknown as { quarry?: unknown }).quarry,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(exposed).toEqual({ quarry: 'object', require: 'undefined', process: 'undefined' });
    // New windows are denied by the window-open handler.
    const opened = await page.evaluate(() => window.open('https://example.com') === null);
    expect(opened).toBe(true);
    expect(app.windows()).toHaveLength(1);
    await app.close();
  });
});
