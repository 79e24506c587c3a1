/**
 * Answer latency: extractive answers (retrieval + sentence selection + citation checks) at
 * 100k chunks in-process, and the local provider's time to first token and tokens/s on the
 * tiny real GGUF in ../shared/models (plumbing speed, not answer quality).
 * Run: npx tsx bench/answer-latency.ts [--chunks 100000] [--questions 100]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultThreads, LocalProvider } from '../main/answer/providers/local';
import { LocalConfig } from '../main/answer/config';
import { percentile, printTable, round, shared, writeResult } from './common';
import { buildSyntheticLibrary, loadSciFactText } from './library';

const { values } = parseArgs({ options: { chunks: { type: 'string' }, questions: { type: 'string' } } });
const size = Number(values.chunks ?? 100_000);
const nQuestions = Number(values.questions ?? 100);

// 1. Extractive answers at scale.
const { sentences, queries } = await loadSciFactText();
const dir = await mkdtemp(path.join(tmpdir(), 'quarry-bench-answer-'));
let extractive: Record<string, number>;
try {
  const { engine } = await buildSyntheticLibrary(dir, { chunks: size, sentences });
  const answerer = await engine.answerer();
  for (const q of queries.slice(0, 5)) await answerer.answer({ question: q, provider: 'extractive' });
  const total: number[] = [];
  const retrieve: number[] = [];
  let notFound = 0;
  for (const q of queries.slice(0, nQuestions)) {
    const t = performance.now();
    const r = await answerer.answer({ question: q, provider: 'extractive' });
    total.push(performance.now() - t);
    retrieve.push(r.timings.retrieveMs);
    if (r.notFound) notFound++;
  }
  extractive = { chunks: size, questions: total.length, p50: round(percentile(total, 50)), p95: round(percentile(total, 95)), retrieveP50: round(percentile(retrieve, 50)), retrieveP95: round(percentile(retrieve, 95)), notFound };
  await engine.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
printTable(['extractive @ chunks', 'questions', 'p50 ms', 'p95 ms', 'retrieval p50', 'retrieval p95'], [[extractive.chunks, extractive.questions, extractive.p50, extractive.p95, extractive.retrieveP50, extractive.retrieveP95]]);

// 2. Local provider on the tiny GGUF. Threads are always explicit: the provider's default is
// half the logical cores (1 here); 2 threads on this 2-core box collapse when anything else runs
// (llama.cpp's threads spin-wait), which the second row shows.
const model = shared('models', 'stories260K-gguf', 'stories260K.gguf');
const local: Record<string, number | string>[] = [];
for (const threads of [undefined, 2]) {
  const provider = new LocalProvider(LocalConfig.parse({ model, ...(threads ? { threads } : {}), gpu: 'off', maxOutputTokens: 256, temperature: 0 }));
  const runs: { ttft: number; tps: number; tokens: number }[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    let first = 0;
    const res = await provider.generate({
      messages: [{ role: 'user', content: 'Once upon a time, a little fox' }],
      question: 'story',
      sources: [],
      maxTokens: 200,
      signal: new AbortController().signal,
      onToken: () => {
        if (!first) first = performance.now();
      },
    });
    const end = performance.now();
    runs.push({ ttft: first - t0, tps: res.usage.completionTokens / ((end - first) / 1000), tokens: res.usage.completionTokens });
  }
  await provider.close();
  const warm = runs.slice(1);
  local.push({
    threads: threads ?? `default (${defaultThreads()})`,
    coldFirstTokenMs: round(runs[0].ttft),
    warmFirstTokenMsP50: round(percentile(warm.map((r) => r.ttft), 50)),
    tokensPerSecondP50: round(percentile(warm.map((r) => r.tps), 50)),
    tokensPerRun: warm[0].tokens,
  });
}
printTable(
  ['local (stories260K.gguf) threads', 'cold first token ms', 'warm first token ms', 'tokens/s', 'tokens/run'],
  local.map((l) => [l.threads, l.coldFirstTokenMs, l.warmFirstTokenMsP50, l.tokensPerSecondP50, l.tokensPerRun]),
);
console.log(`written ${await writeResult('answer-latency', { extractive, local })}`);
