import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running the module `name` (without extension) beside `selfUrl`.
 * Compiled output runs the sibling .js directly. From TypeScript sources (tests,
 * `node --import tsx`) the worker must register tsx itself — on Node 20 `execArgv: ['--import',
 * 'tsx']` does not reach a worker's entry — so a two-line bootstrap registers tsx's ESM hooks and
 * then imports the module (the approach of main/embed/use.ts, which explains it in full).
 */
export function spawnModuleWorker(selfUrl: string, name: string): Worker {
  if (!fileURLToPath(selfUrl).endsWith('.ts')) return new Worker(new URL(`./${name}.js`, selfUrl));
  const entry = new URL(`./${name}.ts`, selfUrl).href;
  const bootstrap = `import(${JSON.stringify(tsxEsmApiUrl(selfUrl))}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/** The file URL of tsx's ESM register API, read from its exports map (see use.ts for why). */
function tsxEsmApiUrl(selfUrl: string): string {
  const require = createRequire(selfUrl);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = require(pkgPath) as { exports?: Record<string, { import?: { default?: string } } | string> };
  const entry = pkg.exports?.['./esm/api'];
  const rel = typeof entry === 'object' ? entry.import?.default : undefined;
  if (!rel) return 'tsx/esm/api';
  return pathToFileURL(path.join(path.dirname(pkgPath), rel)).href;
}
