import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/shared';

const TOPICS = ['glacier', 'volcano', 'enzyme', 'protein', 'neuron', 'vaccine', 'comet', 'galaxy', 'reef', 'desert', 'insulin', 'bacteria'];

/** A tiny BEIR-format dataset: two documents per topic, one query per topic judging the first. */
async function tinyBeir(dir: string): Promise<string> {
  const root = path.join(dir, 'tiny');
  await mkdir(path.join(root, 'qrels'), { recursive: true });
  const docs = TOPICS.flatMap((t, i) => [
    { _id: `d${i}a`, title: `On the ${t}`, text: `The ${t} is studied here in depth. Measurements of the ${t} show a clear seasonal effect and unusual ${t} behaviour.` },
    { _id: `d${i}b`, title: `Notes ${i}`, text: `A short remark that mentions a ${t} once, among other general observations about methods and samples.` },
  ]);
  await writeFile(path.join(root, 'corpus.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  await writeFile(path.join(root, 'queries.jsonl'), TOPICS.map((t, i) => JSON.stringify({ _id: `q${i}`, text: `seasonal effect in ${t} measurements` })).join('\n') + '\n');
  await writeFile(path.join(root, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\n' + TOPICS.map((_, i) => `q${i}\td${i}a\t1`).join('\n') + '\n');
  return root;
}

describe('quarry eval: saved runs, comparison reports, the quality gate', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let data: string;
  let lib: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('quarry-eval-'));
    data = await tinyBeir(dir);
    lib = path.join(dir, 'lib');
  });
  afterAll(() => cleanup());

  it('evaluates every mode, saves runs with per-query diagnostics, and lists them', async () => {
    const r = await runCli(['--data-dir', lib, 'eval', 'beir', data, '--embedder', 'hash', '--mode', 'all', '--save', 't', '--option', 'exact=false', '--query-option', 'rerank=false', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { results: { mode: string; 'ndcg@10': number; config: { search: Record<string, unknown>; query: Record<string, unknown> } }[]; saved: string[] };
    expect(out.results.map((x) => x.mode)).toEqual(['text', 'vector', 'hybrid']);
    expect(out.results[0]['ndcg@10']).toBe(1); // the topic word and "seasonal effect" only meet in the judged document
    expect(out.results[2].config.search).toEqual({ candidates: 200, exact: false });
    expect(out.results[2].config.query).toEqual({ rerank: false });
    expect(out.saved.map((f) => path.basename(f))).toEqual(['t-text.json', 't-vector.json', 't-hybrid.json']);
    const saved = JSON.parse(await readFile(out.saved[0], 'utf8'));
    expect(saved).toMatchObject({ version: 1, name: 't-text', dataset: 'tiny', split: 'test', documents: 24, aggregates: { queries: 12, 'ndcg@10': 1 } });
    expect(saved.commit === null || /^[0-9a-f]{40}$/.test(saved.commit)).toBe(true);
    const q0 = saved.perQuery.find((q: { qid: string }) => q.qid === 'q0');
    expect(q0).toMatchObject({ query: 'seasonal effect in glacier measurements', firstRelevantRank: 1, relevant: [{ id: 'd0a', grade: 1, rank: 1 }] });
    expect(q0.top[0]).toMatchObject({ id: 'd0a', retrievers: ['text'] });
    expect(q0.top[0].score).toBeGreaterThan(0);

    const list = await runCli(['--data-dir', lib, 'eval', 'runs', '--json']);
    expect(JSON.parse(list.stdout).runs.map((x: { name: string }) => x.name).sort()).toEqual(['t-hybrid', 't-text', 't-vector']);
    const text = await runCli(['--data-dir', lib, 'eval', 'runs']);
    expect(text.stdout).toMatch(/t-text\s+tiny\/test\s+text exact=false rerank=false\s+1\.0000/);
    const bad = await runCli(['--data-dir', lib, 'eval', 'beir', data, '--embedder', 'hash', '--query-option', 'bogus=1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/INVALID_INPUT.*"bogus" is not a search query field/);
  });

  it('writes Markdown and self-contained HTML comparisons', async () => {
    const md = path.join(dir, 'report.md');
    const html = path.join(dir, 'report.html');
    const a = await runCli(['--data-dir', lib, 'eval', 'compare', 't-vector', 't-text', 't-hybrid', '--out', md]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/t-text vs t-vector: Δ nDCG@10 \+\d\.\d{4}, \d+ wins \/ \d+ losses \/ \d+ ties, sign p=/);
    expect(await readFile(md, 'utf8')).toMatch(/### t-hybrid vs t-vector/);
    const b = await runCli(['--data-dir', lib, 'eval', 'compare', 't-vector', path.join(lib, 'eval', 'runs', 't-text.json'), '--out', html]);
    expect(b.code, b.stderr).toBe(0);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).toContain('<h3>t-text vs t-vector</h3>');
    expect(page).not.toMatch(/\b(src|href)=/);
    const bad = await runCli(['--data-dir', lib, 'eval', 'compare', 't-text', 'missing-run']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/NOT_FOUND.*missing-run/);
  });

  it('gates on a baseline: passes, reuses cached embeddings, and exits 3 on a drop', async () => {
    const baseline = path.join(dir, 'baseline.json');
    const common = ['--data-dir', lib, 'eval', 'gate', '--dataset', data, '--baseline', baseline, '--cache', path.join(dir, 'cache')];
    const up = await runCli([...common, '--update', '--note', 'test baseline', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const written = JSON.parse(await readFile(baseline, 'utf8'));
    expect(written).toMatchObject({ dataset: 'tiny', split: 'test', queries: 12, tolerance: 0.01, note: 'test baseline', config: { mode: 'hybrid', embedder: 'use-512' } });

    // A copy of the dataset under another folder name is still the baseline's dataset.
    const copy = path.join(dir, 'tiny-copy');
    await cp(data, copy, { recursive: true });
    const pass = await runCli([...common.map((a) => (a === data ? copy : a)), '--json']);
    expect(pass.code, pass.stderr).toBe(0);
    const verdict = JSON.parse(pass.stdout);
    expect(verdict).toMatchObject({ pass: true, baseline: written['ndcg@10'], measured: written['ndcg@10'], delta: 0, configChanges: [] });
    // A fresh index, but every passage and query embedding came from the persistent cache.
    expect(verdict.timing.cache.misses).toBe(0);
    expect(verdict.timing.cache.hits).toBeGreaterThanOrEqual(24 + 12);

    await writeFile(baseline, JSON.stringify({ ...written, 'ndcg@10': written['ndcg@10'] + 0.05 }));
    const fail = await runCli(common);
    expect(fail.code).toBe(3);
    expect(fail.stdout).toMatch(/baseline nDCG@10 +\d\.\d{4}/);
    expect(fail.stdout).toMatch(/measured nDCG@10 +\d\.\d{4}/);
    expect(fail.stdout).toMatch(/FAIL: nDCG@10 .* is below baseline/);
    // Three CLI processes that each load the real USE model: slow on a busy 2-core machine.
  }, 300_000);
});
