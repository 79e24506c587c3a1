#!/usr/bin/env node
// Runs the benchmarks one after another (each prints a table and writes bench/results/*.json).
// `npm run bench` runs them all; `npm run bench -- scifact search-latency` runs some.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const all = ['pdf-extract', 'embed', 'ingest', 'search-latency', 'scifact', 'answer', 'answer-latency', 'ui', 'ui-browser'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const list = wanted.length ? wanted : all;
let failed = 0;
for (const name of list) {
  const file = path.join(root, 'bench', `${name}.ts`);
  if (!existsSync(file)) {
    console.error(`no benchmark named ${name} (have: ${all.join(', ')})`);
    failed++;
    continue;
  }
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
