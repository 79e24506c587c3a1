// Whether Playwright's Electron launcher can run here, and if not, why, in words. Shared by
// run.js (which prints it) and the Electron spec (which reports it as the reason it did not run).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** @returns {{ available: true, executable: string } | { available: false, reason: string }} */
export function electronStatus() {
  const require = createRequire(import.meta.url);
  let executable;
  try {
    executable = require('electron');
  } catch (e) {
    const why = process.env.ELECTRON_SKIP_BINARY_DOWNLOAD
      ? 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so `npm install` did not fetch it'
      : String(e && e.message ? e.message : e);
    return { available: false, reason: `no Electron binary in node_modules/electron (${why})` };
  }
  if (typeof executable !== 'string' || !existsSync(executable)) {
    return { available: false, reason: `the Electron binary ${executable} does not exist` };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { available: false, reason: 'no display (set DISPLAY, or run under xvfb-run)' };
  }
  return { available: true, executable };
}
