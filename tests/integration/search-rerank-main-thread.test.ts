import { describe, expect, it } from 'vitest';
import { TransformersReranker } from '../../main/search/rerank-model';
import { sharedPath } from '../helpers/shared';

// Its own file, so its own process: onnxruntime's addon loads in one thread per process, and
// here that is the main thread (as next to a transformers.js embedder), not the reranker thread.
describe('TransformersReranker on the main thread', () => {
  it('scores, reports progress per batch, and stops at its deadline', async () => {
    const r = await TransformersReranker.create({ model: sharedPath('models', 'synthetic-bert-rerank'), modelsDir: '/nonexistent', thread: 'main', batchSize: 2 });
    try {
      const passages = ['pumps need their pressure checked weekly', 'a short passage', 'valves', 'seals and gaskets', 'the motor'];
      const progress: number[] = [];
      const scores = await r.score('pump pressure', passages, { onProgress: (s) => progress.push(s.length) });
      expect(scores).toHaveLength(5);
      expect(scores.every(Number.isFinite)).toBe(true);
      expect(progress).toEqual([2, 4, 5]);
      expect(await r.score('pump pressure', passages)).toEqual(scores);
      await expect(r.score('pump pressure', passages, { deadline: performance.now() - 1 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    } finally {
      await r.close();
    }
  });
});
