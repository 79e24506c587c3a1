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
    const message = String(e && e.message ? e.message : e);
    // electron's index.js says "failed to install correctly" when its binary was never fetched,
    // which is what installing with ELECTRON_SKIP_BINARY_DOWNLOAD=1 (the documented set-up here)
    // does on purpose: say that, not "delete node_modules and try again".
    const why =
      process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || /failed to install correctly/.test(message)
        ? 'it was not downloaded at install, as with ELECTRON_SKIP_BINARY_DOWNLOAD=1; install without that variable on a desktop to get the window'
        : message;
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
