import path from 'node:path';
import { expect, it } from 'vitest';
import type { IngestProgress, JobInfo } from '../../contract';
import { writeSamples } from '../../main/demo/samples';
import { createEngine } from '../../main/engine';
import { tempDir } from '../helpers/shared';

/**
 * Per-file progress as the UI needs it: the job listing carries each running job's real stage
 * (a reloaded page starts from it), and a file queued behind other files' texts at the shared
 * embedder is told how much is ahead of it, even while none of its own texts come back.
 */
it('lists running jobs with their stage, and tells files waiting for the embedder what is ahead', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const samples = await writeSamples(path.join(dir, 's'));
    const engine = await createEngine({ dataDir: path.join(dir, 'lib'), embedder: { kind: 'hash' } });
    try {
      // Every passage call waits until released: texts pile up at the embedder.
      const embedder = await engine.embedder();
      const embed = embedder.embed.bind(embedder);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      embedder.embed = async (texts, opts) => {
        if (opts?.kind === 'passage') await gate;
        return embed(texts, opts);
      };
      const events: IngestProgress[] = [];
      engine.queue.on((p) => events.push(p));

      await engine.handlers['library.ingest']({ paths: samples, collection: 'default', tags: [] });
      let jobs: JobInfo[] = [];
      const waiting = (): JobInfo | undefined => jobs.find((j) => j.live?.stage === 'embed' && j.live.chunksDone === 0 && (j.live.chunksAhead ?? 0) > 0);
      for (let i = 0; i < 200 && !waiting(); i++) {
        await new Promise((r) => setTimeout(r, 25));
        jobs = (await engine.handlers['jobs.list']({})).jobs;
      }
      const w = waiting();
      expect(w, 'a file waiting behind other files at the embedder').toBeDefined();
      // Every running job says what stage it is in; no other job does.
      for (const j of jobs) expect(j.live !== undefined).toBe(j.state === 'running');

      // While nothing comes back, the file still hears where it stands (the embed ticker).
      const before = events.length;
      await new Promise((r) => setTimeout(r, 1300));
      const ticks = events.slice(before).filter((e) => e.jobId === w!.jobId && e.stage === 'embed');
      expect(ticks.length).toBeGreaterThan(0);
      expect(ticks.at(-1)!.file).toMatchObject({ chunksDone: 0, chunksAhead: w!.live!.chunksAhead });

      release();
      await engine.queue.whenIdle();
      const after = (await engine.handlers['jobs.list']({})).jobs;
      expect(after.every((j) => j.live === undefined)).toBe(true);
      // The embedder's throughput was measured over the calls it answered.
      expect(engine.queue.batcher.rate()).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  } finally {
    await cleanup();
  }
});
