/**
 * Regenerates the README's screenshots from the real UI: the project's own sample library
 * (no third-party documents), served by `quarry serve`, driven in Debian's Chromium.
 * Run: npx tsx docs/screenshots.ts   (writes docs/img/*.png)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { writeSamples } from '../main/demo/samples';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'docs', 'img');
const quarry = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin', 'quarry.js'), ...args], { cwd: root, encoding: 'utf8' });

const dir = await mkdtemp(path.join(tmpdir(), 'quarry-shots-'));
await mkdir(out, { recursive: true });
const samples = await writeSamples(path.join(dir, 'samples'));
const ingest = quarry(['--data-dir', path.join(dir, 'lib'), 'ingest', ...samples, '--collection', 'demo']);
if (ingest.status !== 0) throw new Error(ingest.stderr || ingest.stdout);
spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '-c', 'vite.renderer.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });

const server = spawn(process.execPath, [path.join(root, 'bin', 'quarry.js'), '--data-dir', path.join(dir, 'lib'), 'serve', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const loginUrl = await new Promise<string>((resolve) => {
  let text = '';
  server.stdout!.on('data', (d: Buffer) => {
    text += d.toString();
    const m = /Open (http:\/\/\S+)/.exec(text);
    if (m) resolve(m[1]!);
  });
});
const browser = await chromium.launch({
  executablePath: process.env.QUARRY_E2E_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(loginUrl);
  await page.getByTestId('connection').filter({ hasText: 'Connected' }).waitFor();
  await page.getByRole('gridcell', { name: /pump-maintenance-manual\.pdf/ }).first().waitFor();
  await page.screenshot({ path: path.join(out, 'library.png') });

  await page.keyboard.press('Control+K');
  // The first query loads the embedding model; warm it so the timing shown is a typical one.
  await page.getByTestId('search-input').fill('pump seal');
  await page.getByTestId('result').first().waitFor();
  await page.getByTestId('search-input').fill('E-4012 sensor');
  await page.getByTestId('result').first().waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(out, 'search.png') });

  await page.getByTestId('result').filter({ hasText: 'pump-maintenance-manual.pdf' }).first().click();
  await page.locator('[data-testid="pdf-page"][data-rendered="true"]').waitFor();
  await page.locator('.textLayer [data-testid="passage-highlight"]').first().waitFor();
  await page.screenshot({ path: path.join(out, 'viewer.png') });
  await page.keyboard.press('Escape');

  await page.keyboard.press('Control+4');
  await page.getByTestId('question-input').fill('What should I do about fault E-4012?');
  await page.getByTestId('question-input').press('Enter');
  await page.getByTestId('turn').last().getByTestId('citation').first().waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(out, 'chat.png') });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
