#!/usr/bin/env node
// Runs the benchmarks one after another (each prints a table and writes bench/results/*.json).
// `npm run bench` runs them all; `npm run bench -- scifact search-latency` runs some. Options
// after the names go to each named benchmark: `npm run bench -- scale --chunks 100000`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { arenaEnv } from './arena.js';

const root = path.resolve(import.meta.dirname, '..');
const all = ['pdf-extract', 'embed', 'ingest', 'search-during-ingest', 'search-latency', 'scifact', 'calibration', 'rerank', 'diversity', 'answer', 'answer-latency', 'ui', 'ui-browser'];
// Run only when named: building a 100k-chunk library and five vector indexes takes tens of minutes;
// ingesting 10,000 files with the default embedder takes hours (ingest-10k --files 500 for a sample).
const heavy = ['scale', 'ingest-10k'];
const argv = process.argv.slice(2);
const firstOption = argv.findIndex((a) => a.startsWith('-'));
const wanted = firstOption < 0 ? argv : argv.slice(0, firstOption);
const forwarded = firstOption < 0 ? [] : argv.slice(firstOption);
const list = wanted.length ? wanted : all;
let failed = 0;
for (const name of list) {
  const file = path.join(root, 'bench', `${name}.ts`);
  if (!existsSync(file)) {
    console.error(`no benchmark named ${name} (have: ${[...all, ...heavy].join(', ')})`);
    failed++;
    continue;
  }
  console.log(`\n=== ${name} ===`);
  // With the malloc settings the app's engine runs with (arena.js), so memory figures match it.
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './bin/register-deps-loader.mjs', file, ...forwarded], { cwd: root, stdio: 'inherit', env: arenaEnv(process.env) });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
