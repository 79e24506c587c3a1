import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

/** A running `quarry serve` on a fresh data folder. */
export interface Served {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The URL it printed, with the token in the fragment. */
  loginUrl: string;
  token: string;
  dataDir: string;
  /** What the server printed, for failure messages. */
  output: () => string;
}

const root = path.resolve(import.meta.dirname, '..', '..');

/** Starts the real CLI (`node bin/quarry.js serve`) and waits for the line with the URL. */
async function startServe(): Promise<{ served: Served; proc: ChildProcess }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'quarry-e2e-'));
  const token = randomBytes(24).toString('base64url');
  const proc = spawn(process.execPath, [path.join(root, 'bin', 'quarry.js'), '--data-dir', dataDir, 'serve', '--port', '0'], {
    cwd: root,
    env: { ...process.env, QUARRY_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const loginUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`quarry serve did not start in 60 s:\n${out}`)), 60_000);
    const check = (): void => {
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`quarry serve exited with ${code}:\n${out}`));
    });
  });
  const url = new URL(loginUrl).origin;
  return { served: { url, loginUrl, token, dataDir, output: () => out }, proc };
}

export const test = base.extend<{ app: Page }, { served: Served }>({
  served: [
    async ({}, use) => {
      const { served, proc } = await startServe();
      await use(served);
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await rm(served.dataDir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  /** A page signed in through the printed URL. */
  app: async ({ page, served }, use) => {
    await page.goto(served.loginUrl);
    await expect(page.getByTestId('connection')).toHaveText(/Connected/);
    await use(page);
  },
});

export { expect };

/** Saves a screenshot as a test artifact under test-results/screenshots. */
export async function snap(page: Page, name: string): Promise<string> {
  const file = path.join(root, 'test-results', 'screenshots', `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The library row of a file, by its name. */
export function row(page: Page, name: string) {
  return page.locator(`[data-testid="doc-row"][data-name="${name}"]`);
}

/** Adds files through the library's file picker (the browser build uploads them). */
export async function addFiles(page: Page, files: string[]): Promise<void> {
  await page.getByRole('button', { name: 'Library' }).click();
  await page.getByTestId('file-input').setInputFiles(files);
}
