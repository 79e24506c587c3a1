import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoRunName, listRuns, loadRun, readRun, safeRunName, saveRun } from '../../../main/eval/runs';
import { q, run } from '../../helpers/eval-runs';
import { tempDir } from '../../helpers/shared';

describe('saved runs', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir('quarry-runs-')));
  afterAll(() => cleanup());

  it('names runs safely and automatically', () => {
    expect(autoRunName('scifact', 'test', 'hybrid', new Date('2026-11-22T08:01:02.345Z'))).toBe('scifact-test-hybrid-20261122-080102');
    expect(safeRunName('../../etc/passwd')).toBe('etc-passwd');
    expect(safeRunName('my run: rrf 0.3')).toBe('my-run-rrf-0.3');
    expect(() => safeRunName('///')).toThrow(/not a usable run name/);
  });

  it('saves, loads by name or path, and lists newest first', async () => {
    const a = run('older', [q('1', 1)], { createdAt: '2026-11-22T07:00:00.000Z' });
    const b = run('newer', [q('1', 0)], { createdAt: '2026-11-22T09:00:00.000Z' });
    const fa = await saveRun(dir, a);
    await saveRun(dir, b);
    expect(path.basename(fa)).toBe('older.json');
    expect(await loadRun(dir, 'older')).toEqual(a);
    expect(await loadRun(dir, 'older.json')).toEqual(a);
    expect(await loadRun('/nowhere', fa)).toEqual(a);
    await writeFile(path.join(dir, 'broken.json'), '{"version":1,');
    await writeFile(path.join(dir, 'foreign.json'), '{"hello":"world"}');
    const { runs, unreadable } = await listRuns(dir);
    expect(runs.map((r) => r.name)).toEqual(['newer', 'older']);
    expect(runs[1]).toMatchObject({ dataset: 'tiny', split: 'test', label: 'older', aggregates: { 'ndcg@10': 1 } });
    expect(unreadable.map((f) => path.basename(f)).sort()).toEqual(['broken.json', 'foreign.json']);
    expect((await listRuns(path.join(dir, 'none'))).runs).toEqual([]);
  });

  it('fails with typed errors on missing and foreign run files', async () => {
    await expect(loadRun(dir, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readRun(path.join(dir, 'foreign.json'))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/not a Quarry run file/) });
    await expect(readRun(path.join(dir, 'broken.json'))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
