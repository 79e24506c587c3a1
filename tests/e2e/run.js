#!/usr/bin/env node
// `npm run test:e2e`: builds the app (so a fresh clone works), reports whether the
// Electron flows can run here, then runs the Playwright suite in Debian's Chromium against
// `quarry serve` and the real engine. Screenshots and traces land in test-results/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronStatus } from '../../bin/electron-status.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const started = Date.now();
const log = (msg) => console.log(`[e2e] ${msg}`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const shared = process.env.QUARRY_SHARED ?? path.resolve(root, '..', 'shared');
if (!existsSync(path.join(shared, 'corpus', 'pdf'))) {
  console.error(`[e2e] The shared test documents are missing: ${shared}/corpus/pdf. Put shared/ beside the repository or set QUARRY_SHARED.`);
  process.exit(1);
}
const browser = process.env.QUARRY_E2E_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(browser)) {
  console.error(`[e2e] No Chromium at ${browser}. Install Debian's chromium package or set QUARRY_E2E_CHROMIUM.`);
  process.exit(1);
}

// The desktop build (out/main, out/preload, and the same renderer in out/renderer) is built
// whether or not an Electron binary is here: 07-engine-host-build.spec.ts runs its engine host
// under Node, and the browser specs use its renderer.
log('building the app (electron-vite build → out/main, out/preload, out/renderer)');
if (run(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'warn']) !== 0) {
  console.error('[e2e] The build failed.');
  process.exit(1);
}

const electron = electronStatus();
mkdirSync(path.join(root, 'test-results'), { recursive: true });
if (electron.available) log(`Electron flows: WILL RUN with ${electron.executable}`);
// Said plainly, here and in the Playwright report: the Electron flows did not run.
else log(`Electron flows: NOT RUN — ${electron.reason}. The same flows run in Chromium below; install the Electron binary to include them.`);
writeFileSync(path.join(root, 'test-results', 'electron-status.json'), JSON.stringify(electron, null, 2));

log(`running Playwright in ${browser}`);
const status = run(process.execPath, [path.join(root, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '-c', 'tests/e2e/playwright.config.ts', ...process.argv.slice(2)], {
  env: { ...process.env, QUARRY_SHARED: shared, QUARRY_E2E_CHROMIUM: browser },
});
log(`finished in ${Math.round((Date.now() - started) / 1000)} s (exit ${status}); screenshots in test-results/screenshots`);
if (!electron.available) log(`reminder: the Electron flows were NOT RUN — ${electron.reason}.`);
process.exit(status);
