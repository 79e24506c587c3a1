// UI and transport figures: the library table's model and first paint at 1k–50k documents
// (virtualised: paint cost must not grow with the library), and the HTTP transport's cost
// per call and per event. Each figure comes with a baseline measured in the same run, and
// the ratio is what to compare between machines. `node --import tsx bench/ui.ts`
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { SearchResult } from '../contract';
import { startServer } from '../main/server';
import { DocumentTable } from '../renderer/features/library/DocumentTable';
import { buildRows, filterRows, sortRows } from '../renderer/features/library/rows';
import { FakeEngine, fakeDoc, progress } from '../tests/unit/server/fake-engine';
import { percentile, printTable, round, writeResult } from './common';

function time(fn: () => void, repeat = 5): number {
  fn(); // warm-up
  const runs: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    fn();
    runs.push(performance.now() - t);
  }
  return percentile(runs, 50);
}

const sizes = [1_000, 10_000, 50_000];
const table: (string | number)[][] = [];
const results: Record<string, unknown>[] = [];
const noop = (): void => undefined;

for (const n of sizes) {
  const docs = Array.from({ length: n }, (_, i) => fakeDoc(`d${i}`, `/lib/report-${(i * 7919) % n}.pdf`, i % 4 ? 'default' : 'papers', { pages: i % 500, tags: i % 7 ? [] : ['climate'] }));
  const names = docs.map((d) => d.name);
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  // Baseline: sorting the bare names, the least any sorted table must do.
  const baseline = time(() => void [...names].sort(collator.compare));
  const model = time(() => void sortRows(filterRows(buildRows(docs, [], {}, 0), null, ''), 'name', 'asc'));
  const filter = time(() => void filterRows(buildRows(docs, [], {}, 0), 'papers', 'clim'));
  const rows = sortRows(buildRows(docs, [], {}, 0), 'name', 'asc');
  let domRows = 0;
  const paint = time(() => {
    const html = renderToStaticMarkup(createElement(DocumentTable, { rows, rowHeight: 48, sort: { key: 'name', dir: 'asc' }, onSort: noop, onAction: noop }));
    domRows = html.split('data-testid="doc-row"').length - 1;
  });
  table.push([n.toLocaleString(), round(baseline, 2), round(model, 2), round(model / baseline, 1), round(filter, 2), round(paint, 2), domRows]);
  results.push({ documents: n, sortNamesMs: baseline, buildSortMs: model, ratioToBaseline: model / baseline, filterMs: filter, firstPaintMs: paint, rowsInDom: domRows });
}

console.log('Library table (median of 5, ms)');
printTable(['documents', 'sort names (baseline)', 'rows+sort', 'ratio', 'filter', 'first paint', 'rows in DOM'], table);

// --- HTTP transport -------------------------------------------------------------------
const engine = new FakeEngine();
const hit = (i: number): SearchResult => ({
  chunkId: `c${i}`, docId: 'd', docName: 'report.pdf', path: '/r.pdf', page: i + 1, pageEnd: i + 1, start: 0, end: 300,
  headingPath: ['Intro'], sectionId: 's', score: 1 / (i + 1), text: 'x'.repeat(300), snippet: 'y'.repeat(240), highlights: [[0, 5]], retrievers: ['text', 'vector'],
});
const answer = { query: 'q', mode: 'hybrid' as const, tookMs: 1, results: Array.from({ length: 10 }, (_, i) => hit(i)) };
engine.handlers['search.query'] = async () => answer;
const token = 'bench-token-0123456789';
const server = await startServer({ engine, token, inboxDir: path.join(tmpdir(), 'quarry-bench-inbox') });
const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
const N = 300;
const direct: number[] = [];
const http: number[] = [];
for (let i = 0; i < N + 20; i++) {
  let t = performance.now();
  await engine.handlers['search.query']({ query: 'q', k: 10, mode: 'hybrid', filters: {} });
  const d = performance.now() - t;
  t = performance.now();
  const res = await fetch(`${server.url}/api/search.query`, { method: 'POST', headers, body: '{"query":"q"}' });
  await res.json();
  const h = performance.now() - t;
  if (i >= 20) {
    direct.push(d);
    http.push(h);
  }
}

// Event latency: emit in the engine → parsed by a streaming client.
const stream = await fetch(`${server.url}/api/events`, { headers: { Authorization: headers.Authorization } });
const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
await reader.read();
const lat: number[] = [];
for (let i = 0; i < 200; i++) {
  const t = performance.now();
  engine.emit('ingest.progress', progress({ jobId: 'j', pagesDone: i }));
  let buf = '';
  while (!buf.includes('\n\n')) buf += (await reader.read()).value ?? '';
  lat.push(performance.now() - t);
}
await reader.cancel();
await server.close();

const tRows = [
  ['search.query, direct call (baseline)', round(percentile(direct, 50), 3), round(percentile(direct, 95), 3)],
  ['search.query over HTTP (10 results)', round(percentile(http, 50), 2), round(percentile(http, 95), 2)],
  ['event emit → SSE client', round(percentile(lat, 50), 2), round(percentile(lat, 95), 2)],
];
console.log('\nHTTP transport (ms)');
printTable(['what', 'p50', 'p95'], tRows);
const file = await writeResult('ui', {
  table: results,
  transport: {
    directP50: percentile(direct, 50),
    httpP50: percentile(http, 50),
    httpP95: percentile(http, 95),
    httpOverheadP50: percentile(http, 50) - percentile(direct, 50),
    sseP50: percentile(lat, 50),
    sseP95: percentile(lat, 95),
  },
});
console.log(`\nwrote ${file}`);
