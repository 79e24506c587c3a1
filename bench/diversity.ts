/**
 * What MMR diversity does to the top 10 on a real long PDF (Lessig's "Free Culture", 352 pages,
 * from ../shared): distinct pages, the most results from one page, mean pairwise cosine
 * similarity of the results (intra-list similarity: lower is more diverse), how much of the
 * plain top 10 stays, and the extra search time. Retrieval quality on SciFact is measured by
 * `quarry eval beir ... --mmr L` instead (SciFact has ~1 relevant abstract per query).
 * The library is built once with the default embedder (USE) and reused from --cache.
 * Run: npx tsx bench/diversity.ts [--cache DIR]
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Diversity } from '../contract';
import { createEngine } from '../main/engine';
import { percentile, printTable, round, shared, writeResult } from './common';

const { values } = parseArgs({ options: { cache: { type: 'string' } } });
const cacheRoot = values.cache ?? process.env.QUARRY_BENCH_CACHE ?? path.join(homedir(), '.cache', 'quarry-bench');
const pdf = shared('corpus', 'pdf', 'long_real', 'pdfjs__freeculture.pdf');
const dataDir = path.join(cacheRoot, 'diversity-freeculture');

const QUERIES = [
  'copyright term extension',
  'Mickey Mouse and Walt Disney',
  'piracy of creative works',
  'Eldred v. Ashcroft Supreme Court',
  'peer-to-peer file sharing',
  'Napster and the recording industry',
  'Creative Commons licenses',
  'fair use in documentary film',
  'radio and the law of broadcasting',
  'Jack Valenti and the film industry',
  'the public domain',
  'photography and the Kodak camera',
];

const fresh = !existsSync(dataDir);
const engine = await createEngine({ dataDir, embedder: { kind: 'use' } });
if (fresh || engine.documents().size === 0) {
  const t0 = performance.now();
  await engine.handlers['library.ingest']({ paths: [pdf], collection: 'default', tags: [] });
  await engine.queue.whenIdle();
  await engine.maintain({ optimize: true });
  console.log(`ingested ${path.basename(pdf)} in ${round((performance.now() - t0) / 1000)} s`);
}
const [doc] = engine.documents().values();
console.log(`${doc.name}: ${doc.pages} pages, ${doc.chunks} passages`);

const configs: [string, Required<Diversity> | undefined][] = [
  ['plain', undefined],
  ['page cap 2 only', { lambda: 1, pageCap: 2 }],
  ['MMR 0.9, cap 2', { lambda: 0.9, pageCap: 2 }],
  ['MMR 0.7, cap 2', { lambda: 0.7, pageCap: 2 }],
  ['MMR 0.5, cap 2', { lambda: 0.5, pageCap: 2 }],
];

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
}

const plainTop = new Map<string, string[]>();
const rows: Record<string, number | string>[] = [];
for (const [name, diversity] of configs) {
  const distinct: number[] = [];
  const maxPage: number[] = [];
  const ils: number[] = [];
  const kept: number[] = [];
  const took: number[] = [];
  for (const query of QUERIES) {
    await engine.searcher.search({ query, k: 10, mode: 'hybrid', filters: {}, ...(diversity ? { diversity } : {}) }); // warm
    const t0 = performance.now();
    const res = await engine.searcher.search({ query, k: 10, mode: 'hybrid', filters: {}, ...(diversity ? { diversity } : {}) });
    took.push(performance.now() - t0);
    const ids = res.results.map((r) => r.chunkId);
    if (!diversity) plainTop.set(query, ids);
    const perPage = new Map<number, number>();
    for (const r of res.results) perPage.set(r.page, (perPage.get(r.page) ?? 0) + 1);
    distinct.push(perPage.size);
    maxPage.push(Math.max(...perPage.values()));
    const vectors = await engine.store.chunkVectors(ids);
    const sims: number[] = [];
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) sims.push(cosine(vectors.get(ids[i])!, vectors.get(ids[j])!));
    ils.push(sims.reduce((a, b) => a + b, 0) / Math.max(1, sims.length));
    const base = new Set(plainTop.get(query));
    kept.push(ids.filter((id) => base.has(id)).length);
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  rows.push({
    config: name,
    distinctPages: round(mean(distinct), 2),
    maxFromOnePage: round(mean(maxPage), 2),
    worstMaxFromOnePage: Math.max(...maxPage),
    meanPairwiseCosine: round(mean(ils), 3),
    keptOfPlainTop10: round(mean(kept), 2),
    searchP50Ms: round(percentile(took, 50)),
  });
}
await engine.close();

printTable(
  ['config', 'distinct pages in top 10', 'max from one page (mean)', 'max from one page (worst)', 'mean pairwise cosine', 'kept of plain top 10', 'search p50 ms'],
  rows.map((r) => [r.config, r.distinctPages, r.maxFromOnePage, r.worstMaxFromOnePage, r.meanPairwiseCosine, r.keptOfPlainTop10, r.searchP50Ms]),
);
console.log(`written ${await writeResult('diversity', { document: path.basename(pdf), pages: doc.pages, passages: doc.chunks, queries: QUERIES.length, rows })}`);
