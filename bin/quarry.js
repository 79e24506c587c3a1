#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx quarry` works right after `npm install`
// with no build step. On Linux it first runs itself again with two malloc arenas (arena.js says
// why and how kill -9 and Ctrl+C still reach the work).
import { relaunchWithArenaLimit, watchLauncher } from './arena.js';

if (!relaunchWithArenaLimit()) {
  watchLauncher();
  // `quarry docs | head`: a reader that stops early ends the command quietly, as SIGPIPE would.
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const { register } = await import('tsx/esm/api');
  register();
  // Registered after tsx, so it runs first: installed packages load without tsx (deps-loader.mjs).
  await import('./register-deps-loader.mjs');
  const { main } = await import('../main/cli/index.ts');
  process.exitCode = await main(process.argv.slice(2));
}
