import { describe, expect, it } from 'vitest';
import { blend, rerankCandidates, type Reranker } from '../../../main/search/rerank';
import { endWithSeparator, relevance } from '../../../main/search/rerank-session';
import { QuarryError } from '../../../main/util/errors';

const cands = [
  { id: 'a', score: 1.0, text: 'first' },
  { id: 'b', score: 0.9, text: 'second' },
  { id: 'c', score: 0.2, text: 'third' },
  { id: 'd', score: 0.1, text: 'fourth' },
];

function fixed(scores: number[] | (() => Promise<number[]>), loaded = true): () => Promise<Reranker> {
  const r: Reranker = {
    id: 'fixed',
    loaded,
    load: async () => undefined,
    score: async () => (typeof scores === 'function' ? scores() : scores),
    close: async () => undefined,
  };
  return async () => r;
}

describe('blend', () => {
  it('follows the model at weight 1 and the fused order at weight 0', () => {
    expect(blend(cands, [0, 1, 2, 3], 1).order).toEqual([3, 2, 1, 0]);
    expect(blend(cands, [0, 1, 2, 3], 0).order).toEqual([0, 1, 2, 3]);
  });

  it('lets a first-stage hit far ahead survive a model that disagrees mildly', () => {
    // The model puts b a little above a; a was far ahead of c and d in the first stage.
    const { order, blended } = blend(cands, [0.9, 1.0, 0.0, 0.1], 0.8);
    expect(order.slice(0, 2)).toEqual([1, 0]);
    expect(blended.get(0)).toBeCloseTo(0.8 * 0.9 + 0.2 * 1, 10);
  });

  it('keeps higher groups first whatever the model says', () => {
    const grouped = cands.map((c, i) => ({ ...c, group: i === 3 ? 1 : 0 }));
    expect(blend(grouped, [3, 2, 1, 0], 1).order).toEqual([3, 0, 1, 2]);
  });
});

describe('rerankCandidates', () => {
  it('reorders only the top N and reports what it did', async () => {
    const out = await rerankCandidates('q', cands, fixed([0, 5, 1]), { budgetMs: 1000, topN: 3, weight: 1 });
    expect(out.order).toEqual([1, 2, 0, 3]);
    expect(out.info).toMatchObject({ applied: true, reason: 'applied', model: 'fixed', candidates: 3 });
    expect([...out.modelScores]).toEqual([[0, 0], [1, 5], [2, 1]]);
  });

  it('keeps the fused order for a single candidate', async () => {
    const out = await rerankCandidates('q', cands.slice(0, 1), fixed([1]), { budgetMs: 1000, topN: 30 });
    expect(out.info).toMatchObject({ applied: false, reason: 'too-few' });
  });

  it('maps failures to reasons and keeps the fused order', async () => {
    const missing = () => Promise.reject(new QuarryError('MODEL_MISSING', 'gone'));
    const cases: [() => Promise<Reranker>, string][] = [
      [missing, 'model-missing'],
      [() => Promise.reject(new Error('bad onnx')), 'load-failed'],
      [fixed(() => Promise.reject(new Error('ort crashed'))), 'failed'],
      [fixed(() => Promise.reject(new QuarryError('TIMEOUT', 'late'))), 'budget'],
      [fixed([1, 2]), 'invalid-scores'],
      [fixed([1, Infinity, 2, 3]), 'invalid-scores'],
    ];
    for (const [source, reason] of cases) {
      const out = await rerankCandidates('q', cands, source, { budgetMs: 1000, topN: 4 });
      expect(out.info.reason, reason).toBe(reason);
      expect(out.info.applied).toBe(false);
      expect(out.order).toEqual([0, 1, 2, 3]);
    }
  });

  it('gives up at the budget without waiting for the model', async () => {
    const slow = fixed(() => new Promise((r) => setTimeout(() => r([4, 3, 2, 1]), 500)));
    const t0 = performance.now();
    const out = await rerankCandidates('q', cands, slow, { budgetMs: 30, topN: 4 });
    expect(out.info).toMatchObject({ applied: false, reason: 'budget' });
    expect(performance.now() - t0).toBeLessThan(400);
  });

  it('reorders the best-ranked candidates it scored when the budget runs out mid-way', async () => {
    const r: Reranker = {
      id: 'batches',
      loaded: true,
      load: async () => undefined,
      async score(_q, passages, o) {
        o?.onProgress?.([1, 2]); // the first batch: candidates 0 and 1
        await new Promise((res) => setTimeout(res, 500)); // the second never finishes in time
        return passages.map(() => 0);
      },
      close: async () => undefined,
    };
    const out = await rerankCandidates('q', cands, async () => r, { budgetMs: 40, topN: 4, weight: 1 });
    expect(out.info).toMatchObject({ applied: true, reason: 'partial', candidates: 2 });
    expect(out.info.message).toContain('top 2 of 4');
    expect(out.order).toEqual([1, 0, 2, 3]);
    expect([...out.modelScores.keys()]).toEqual([0, 1]);
  });

  it('rejects with CANCELLED on an aborted signal', async () => {
    await expect(rerankCandidates('q', cands, fixed([1, 2, 3, 4]), { budgetMs: 1000, topN: 4, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('cross-encoder tensors', () => {
  it('puts back the closing separator that truncation cut', () => {
    // Row 0 was cut (full mask, ends in a word); row 1 ends in [SEP] then padding.
    const encoded = {
      input_ids: { dims: [2, 4], data: BigInt64Array.from([101n, 7n, 8n, 9n, 101n, 7n, 102n, 0n]) },
      attention_mask: { dims: [2, 4], data: BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 1n, 1n, 0n]) },
    };
    endWithSeparator(encoded, 102);
    expect(Array.from(encoded.input_ids.data)).toEqual([101n, 7n, 8n, 102n, 101n, 7n, 102n, 0n]);
  });

  it('reads a regression head as is and a two-class head as a margin', () => {
    expect(relevance({ dims: [2, 1], data: Float32Array.from([0.5, -1]) }, 2)).toEqual([0.5, -1]);
    expect(relevance({ dims: [2, 2], data: Float32Array.from([1, 3, 2, 0]) }, 2)).toEqual([2, -2]);
  });
});
