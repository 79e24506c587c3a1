import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchQuery, type SearchQuery as SearchQueryInput } from '../../contract';
import { writeSamples } from '../../main/demo/samples';
import { createEngine, type Engine } from '../../main/engine';
import type { Reranker, RerankerSetup } from '../../main/search/rerank';
import { TransformersReranker } from '../../main/search/rerank-model';
import { sharedPath, tempDir } from '../helpers/shared';

// shared/models/synthetic-bert-rerank: random weights with the real MiniLM tokenizer. Its scores
// mean nothing; these tests check the plumbing (loading, pairs, batching, order, fallbacks).
const standIn = () => sharedPath('models', 'synthetic-bert-rerank');
const QUERY = 'pump pressure maintenance schedule';

const parse = (q: SearchQueryInput) => SearchQuery.parse(q);

/** A reranker that is slow, broken or exact on demand (what the stand-in model cannot be made to do). */
function fake(opts: { loadMs?: number; scoreMs?: number; scores?: (n: number) => number[] }): RerankerSetup {
  let loaded = false;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const reranker: Reranker = {
    id: 'fake',
    get loaded() {
      return loaded;
    },
    async load() {
      await sleep(opts.loadMs ?? 0);
      loaded = true;
    },
    async score(_q, passages) {
      await sleep(opts.scoreMs ?? 0);
      return opts.scores ? opts.scores(passages.length) : passages.map((_, i) => i);
    },
    async close() {},
  };
  return { model: 'fake', budgetMs: 300, topN: 30, get: async () => reranker };
}

describe('search with the stand-in cross-encoder', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let engine: Engine;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await writeSamples(path.join(dir, 'samples'));
    engine = await createEngine({ dataDir: path.join(dir, 'lib'), embedder: { kind: 'hash' }, rerank: { model: standIn(), budgetMs: 300, topN: 5 } });
    await engine.handlers['library.ingest']({ paths: [path.join(dir, 'samples')], collection: 'default', tags: [] });
    await engine.queue.whenIdle();
    await engine.maintain();
  });
  afterAll(async () => {
    await engine.close();
    await cleanup();
  });

  it('reranks the top N by the model, keeps every field, and leaves the rest in fused order', async () => {
    expect(await engine.prepareReranker()).toBe(true);
    const fused = await engine.searcher.search(parse({ query: QUERY, k: 20, rerank: false }));
    const res = await engine.searcher.search(parse({ query: QUERY, k: 20 }), { rerankBudgetMs: 10_000, rerankWeight: 1 });
    expect(fused.rerank).toBeUndefined();
    expect(fused.results.length).toBeGreaterThan(6);
    expect(res.rerank).toMatchObject({ applied: true, reason: 'applied', model: 'synthetic-bert-rerank', candidates: 5 });
    const head = res.results.slice(0, 5);
    // The same five candidates, now in the model's order (weight 1: the model alone decides).
    expect(head.map((r) => r.chunkId).sort()).toEqual(fused.results.slice(0, 5).map((r) => r.chunkId).sort());
    const modelScores = head.map((r) => r.rerankScore as number);
    expect(modelScores.every(Number.isFinite)).toBe(true);
    expect(modelScores).toEqual([...modelScores].sort((a, b) => b - a));
    expect(head.map((r) => r.chunkId)).not.toEqual(fused.results.slice(0, 5).map((r) => r.chunkId));
    // Below the head, nothing moved and nothing has a model score.
    expect(res.results.slice(5).map((r) => r.chunkId)).toEqual(fused.results.slice(5).map((r) => r.chunkId));
    expect(res.results.slice(5).every((r) => r.rerankScore === undefined)).toBe(true);
    // Results keep their citation fields and their first-stage score.
    const byId = new Map(fused.results.map((r) => [r.chunkId, r]));
    for (const r of head) {
      const { rerankScore: _s, ...rest } = r;
      expect(rest).toEqual(byId.get(r.chunkId));
    }
    // The model is deterministic: the same query scores the same.
    const again = await engine.searcher.search(parse({ query: QUERY, k: 20 }), { rerankBudgetMs: 10_000, rerankWeight: 1 });
    expect(again.results.map((r) => r.rerankScore)).toEqual(res.results.map((r) => r.rerankScore));
  });

  it('reranks by default once a model is configured (the contract path)', async () => {
    const res = await engine.handlers['search.query'](parse({ query: QUERY, k: 5 }));
    expect(res.rerank?.reason).toMatch(/^(applied|partial|budget)$/); // 300 ms on a shared 2-core machine
    expect(res.results).toHaveLength(5);
  });

  it('keeps the fused order and says so when the budget is exceeded', async () => {
    await engine.prepareReranker();
    const fused = await engine.searcher.search(parse({ query: QUERY, k: 10, rerank: false }));
    // A zero budget is spent before the first batch (a 1 ms one may already see a batch scored: 'partial').
    const res = await engine.searcher.search(parse({ query: QUERY, k: 10 }), { rerankBudgetMs: 0 });
    expect(res.rerank).toMatchObject({ applied: false, reason: 'budget' });
    expect(res.rerank?.tookMs).toBeLessThan(250);
    expect(res.results.map((r) => r.chunkId)).toEqual(fused.results.map((r) => r.chunkId));
    expect(res.results.every((r) => r.rerankScore === undefined)).toBe(true);
  });

  it('says the model is still loading when loading outlasts the budget', async () => {
    const res = await engine.searcher.search(parse({ query: QUERY, k: 5 }), { reranker: fake({ loadMs: 400 }), rerankBudgetMs: 50 });
    expect(res.rerank).toMatchObject({ applied: false, reason: 'loading', model: 'fake' });
  });

  it('falls back on non-finite scores', async () => {
    const fused = await engine.searcher.search(parse({ query: QUERY, k: 10, rerank: false }));
    const res = await engine.searcher.search(parse({ query: QUERY, k: 10 }), { reranker: fake({ scores: (n) => Array.from({ length: n }, (_, i) => (i === 2 ? NaN : i)) }) });
    expect(res.rerank).toMatchObject({ applied: false, reason: 'invalid-scores' });
    expect(res.results.map((r) => r.chunkId)).toEqual(fused.results.map((r) => r.chunkId));
  });

  it('rejects with CANCELLED when the search is aborted while reranking', async () => {
    const ctrl = new AbortController();
    const t0 = performance.now();
    const pending = engine.searcher.search(parse({ query: QUERY, k: 5 }), { reranker: fake({ scoreMs: 2000 }), rerankBudgetMs: 5000, signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('diversifies with stored vectors when asked', async () => {
    const res = await engine.searcher.search(parse({ query: QUERY, k: 5, rerank: false, diversity: { lambda: 0.5, pageCap: 1 } }));
    expect(res.diversity).toMatchObject({ lambda: 0.5, pageCap: 1, similarity: 'vectors' });
    const pages = res.results.map((r) => `${r.docId}#${r.page}`);
    expect(new Set(pages).size).toBe(pages.length);
  });
});

describe('search with a reranker whose model is missing', () => {
  it('keeps the fused order and names the missing files', async () => {
    const { dir, cleanup } = await tempDir();
    const engine = await createEngine({ dataDir: path.join(dir, 'lib'), embedder: { kind: 'hash' }, rerank: { model: path.join(dir, 'no-such-model') } });
    try {
      await writeSamples(path.join(dir, 'samples'));
      await engine.handlers['library.ingest']({ paths: [path.join(dir, 'samples')], collection: 'default', tags: [] });
      await engine.queue.whenIdle();
      expect(await engine.prepareReranker()).toBe(false);
      const fused = await engine.searcher.search(parse({ query: QUERY, k: 10, rerank: false }));
      const res = await engine.searcher.search(parse({ query: QUERY, k: 10 }));
      expect(res.rerank).toMatchObject({ applied: false, reason: 'model-missing', model: path.join(dir, 'no-such-model') });
      expect(res.rerank?.message).toContain('config.json');
      expect(res.results.map((r) => r.chunkId)).toEqual(fused.results.map((r) => r.chunkId));
    } finally {
      await engine.close();
      await cleanup();
    }
  });

  it('asks for a model when reranking is requested and none is set', async () => {
    const { dir, cleanup } = await tempDir();
    const engine = await createEngine({ dataDir: path.join(dir, 'lib'), embedder: { kind: 'hash' } });
    try {
      const res = await engine.searcher.search(parse({ query: QUERY, rerank: true }));
      expect(res.rerank).toMatchObject({ applied: false, reason: 'model-missing' });
    } finally {
      await engine.close();
      await cleanup();
    }
  });
});

describe('changing the reranker of a running engine', () => {
  it('applies to the next search through settings.update, with no restart', async () => {
    const { withSettings, liveRerank } = await import('../../main/server');
    const { dir, cleanup } = await tempDir();
    const dataDir = path.join(dir, 'lib');
    const engine = await createEngine({ dataDir, embedder: { kind: 'hash' } });
    try {
      await writeSamples(path.join(dir, 'samples'));
      await engine.handlers['library.ingest']({ paths: [path.join(dir, 'samples')], collection: 'default', tags: [] });
      await engine.queue.whenIdle();
      const { handlers } = withSettings(engine, { dataDir, keyStorage: 'environment', env: {}, applyRerank: liveRerank(engine) });
      expect((await engine.searcher.search(parse({ query: QUERY, k: 10 }))).rerank).toBeUndefined();

      expect(await handlers['settings.update']({ rerank: { model: standIn(), budgetMs: 5000 } })).toEqual({ ok: true, restartRequired: false });
      const on = await engine.searcher.search(parse({ query: QUERY, k: 10 }));
      expect(on.rerank).toMatchObject({ applied: true, model: 'synthetic-bert-rerank' });
      expect(on.results.some((r) => r.rerankScore !== undefined)).toBe(true);

      expect(await handlers['settings.update']({ rerank: { model: null } })).toEqual({ ok: true, restartRequired: false });
      expect((await engine.searcher.search(parse({ query: QUERY, k: 10 }))).rerank).toBeUndefined();
      // Answer or embedder changes still need the engine rebuilt.
      expect(await handlers['settings.update']({ answer: { provider: 'extractive' } })).toEqual({ ok: true, restartRequired: true });
    } finally {
      await engine.close();
      await cleanup();
    }
  });
});

describe('TransformersReranker', () => {
  // The stand-in pools over padding too (a real BERT masks it), so its scores depend on what a
  // passage is batched with: only batch-size-1 scores are comparable across calls.
  it('scores pairs deterministically, in input order, and unloads when idle', async () => {
    const one = await TransformersReranker.create({ model: standIn(), modelsDir: '/nonexistent', batchSize: 1, idleMs: 1000 });
    try {
      const passages = ['a short passage', 'pumps need their pressure checked weekly', 'x '.repeat(2000)];
      const a = await one.score(QUERY, passages);
      expect(a).toHaveLength(3);
      expect(new Set(a).size).toBe(3);
      const reversed = await one.score(QUERY, [...passages].reverse());
      expect(reversed).toEqual([...a].reverse());
      expect(one.loaded).toBe(true);
      await new Promise((r) => setTimeout(r, 1300));
      expect(one.loaded).toBe(false);
      expect(await one.score(QUERY, passages)).toEqual(a); // loads again on demand
    } finally {
      await one.close();
    }
  });

  it('stops between batches past its deadline', async () => {
    const r = await TransformersReranker.create({ model: standIn(), modelsDir: '/nonexistent', batchSize: 1 });
    try {
      await r.load();
      await expect(r.score(QUERY, ['a', 'b', 'c'], { deadline: performance.now() - 1 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    } finally {
      await r.close();
    }
  });

  it('refuses a manifest model that is not a reranker, and names missing files', async () => {
    await expect(TransformersReranker.create({ model: 'bge-small-en-v1.5', modelsDir: '/nonexistent' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(TransformersReranker.create({ model: 'ms-marco-minilm-l-6-v2', modelsDir: '/nonexistent' })).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      hint: expect.stringContaining('quarry models pull ms-marco-minilm-l-6-v2'),
    });
    await expect(TransformersReranker.create({ model: 'no-such-reranker', modelsDir: '/nonexistent' })).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      hint: expect.stringContaining('ms-marco-minilm-l-6-v2'),
    });
  });
});
