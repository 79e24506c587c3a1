#!/usr/bin/env node
// `npm start`: opens the desktop app. Where no Electron binary exists (a server, CI, or an
// install with ELECTRON_SKIP_BINARY_DOWNLOAD) it says so and serves the same UI to a browser
// instead, printing the URL that signs the browser in. Arguments go to `quarry serve`
// (e.g. `npm start -- --port 8080 --data-dir ./lib`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { arenaEnv } from './arena.js';
import { electronStatus } from './electron-status.js';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Hands the terminal to a child and exits with its code (Ctrl+C reaches it directly). */
function handOver(cmd, cmdArgs, env = process.env) {
  const child = spawn(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = electronStatus();
if (electron.available) {
  console.log('Building the desktop app…');
  run(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
  handOver(electron.executable, [root, ...args]);
} else {
  console.log(`No desktop window here: ${electron.reason}.`);
  console.log('Serving the same app to your browser instead.\n');
  const built = path.join(root, 'out', 'renderer', 'index.html');
  if (!existsSync(built) || statSync(built).mtimeMs < newestMtime(path.join(root, 'renderer'))) {
    console.log('Building the web UI (first run only)…');
    run(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '-c', 'vite.renderer.config.ts', '--logLevel', 'warn']);
  }
  // Two malloc arenas on Linux, as the desktop app's engine process gets (arena.js).
  handOver(process.execPath, [path.join(root, 'bin', 'quarry.js'), 'serve', ...args], arenaEnv(process.env));
}
