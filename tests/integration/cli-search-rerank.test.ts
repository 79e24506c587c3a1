import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSamples } from '../../main/demo/samples';
import { runCli } from '../helpers/cli';
import { sharedPath, tempDir } from '../helpers/shared';

describe('quarry search --rerank / --mmr', () => {
  let dir: string;
  let lib: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    lib = path.join(dir, 'lib');
    await mkdir(lib, { recursive: true });
    await writeFile(path.join(lib, 'settings.json'), JSON.stringify({ embedder: { kind: 'hash' } }));
    await writeSamples(path.join(dir, 'samples'));
    expect((await runCli(['--data-dir', lib, 'ingest', path.join(dir, 'samples'), '--json'])).code).toBe(0);
  });
  afterAll(() => cleanup());

  it('reranks with a model folder named on the command line and reports it', async () => {
    // The stand-in model (random weights): this checks the plumbing, not the order's quality.
    const model = sharedPath('models', 'synthetic-bert-rerank');
    const json = await runCli(['--data-dir', lib, 'search', 'pump pressure', '-k', '4', '--reranker', model, '--rerank-budget', '5000', '--json']);
    expect(json.code).toBe(0);
    const res = JSON.parse(json.stdout);
    expect(res.rerank).toMatchObject({ applied: true, reason: 'applied', model: 'synthetic-bert-rerank' });
    expect(res.results[0].rerankScore).toEqual(expect.any(Number));

    const text = await runCli(['--data-dir', lib, 'search', 'pump pressure', '-k', '4', '--reranker', model, '--rerank-budget', '5000', '--mmr', '0.5']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/reranked \d+ by synthetic-bert-rerank in [\d.]+ ms · diversified: lambda 0.5, 2 per-page cap/);
  }, 180_000); // two CLI processes that each start the reranker thread: slow on a busy 2-core machine

  it('says why it did not rerank, and checks its numbers', async () => {
    const missing = JSON.parse((await runCli(['--data-dir', lib, 'search', 'pump', '--rerank', '--json'])).stdout);
    expect(missing.rerank).toMatchObject({ applied: false, reason: 'model-missing' });
    const bad = await runCli(['--data-dir', lib, 'search', 'pump', '--mmr', '2']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--mmr takes a lambda');
  });
});
