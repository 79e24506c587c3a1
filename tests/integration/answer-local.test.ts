import { afterAll, describe, expect, it } from 'vitest';
import { Answerer } from '../../main/answer/answerer';
import { LocalConfig } from '../../main/answer/config';
import { LocalProvider } from '../../main/answer/providers/local';
import type { AnswerEvent, GenerateRequest } from '../../main/answer/types';
import { sharedPath } from '../helpers/shared';
import { LIBRARY } from '../unit/answer/fixtures';
import { memorySearch } from '../unit/answer/helpers/memory-search';

// The tiny TinyStories model is not instruction-tuned: these tests check the plumbing
// (load, stream, abort, timeouts, context limits), never the wording of its answers.
const MODEL = sharedPath('models', 'stories260K-gguf', 'stories260K.gguf');
// Threads and GPU are set explicitly: defaults on this 2-core machine made it ~1000x slower.
const BASE = { model: MODEL, gpu: 'off' as const, threads: 2 };

const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const p of open) await p.close();
});

function local(over: Partial<LocalConfig> = {}): LocalProvider {
  const p = new LocalProvider(LocalConfig.parse({ ...BASE, ...over }));
  open.push(p);
  return p;
}

function request(signal: AbortSignal, onToken: (t: string) => void, maxTokens = 12): GenerateRequest {
  return {
    messages: [
      { role: 'system', content: 'You tell short stories.' },
      { role: 'user', content: 'Once upon a time there was a little bird.' },
    ],
    question: 'q',
    sources: [],
    maxTokens,
    signal,
    onToken,
  };
}

describe('LocalProvider on stories260K.gguf', () => {
  it('loads once, takes its context size from the model and counts with its tokenizer', async () => {
    const p = local();
    expect(p.isLoaded).toBe(false);
    const b = await p.budget();
    // The model was trained with a 2048-token context; the default cap is 8192.
    expect(b.contextTokens).toBe(2048);
    expect(b.exact).toBe(true);
    expect(b.count('Once upon a time')).toBeGreaterThan(1);
    expect(p.isLoaded).toBe(true);
    const capped = await local({ maxContextTokens: 512 }).budget();
    expect(capped.contextTokens).toBe(512);
    expect(capped.maxOutputTokens).toBe(128);
  });

  it('streams tokens and reports exact usage', async () => {
    const p = local();
    const pieces: string[] = [];
    const r = await p.generate(request(new AbortController().signal, (t) => pieces.push(t)));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(r.text);
    expect(r.usage.exact).toBe(true);
    expect(r.usage.completionTokens).toBeGreaterThan(0);
    expect(r.usage.completionTokens).toBeLessThanOrEqual(12);
    expect(r.usage.promptTokens).toBeGreaterThan(5);
    expect(r.model).toBe('stories260K.gguf');
    // Reused: a second request on the same loaded model works.
    const again = await p.generate(request(new AbortController().signal, () => undefined, 4));
    expect(again.usage.completionTokens).toBeGreaterThan(0);
  });

  it('stops at once when aborted mid-stream', async () => {
    const p = local();
    const ctrl = new AbortController();
    const pieces: string[] = [];
    const t0 = Date.now();
    const err = await p
      .generate(
        request(ctrl.signal, (t) => {
          pieces.push(t);
          if (pieces.length === 2) ctrl.abort();
        }, 500),
      )
      .catch((e: unknown) => e);
    expect(err).toBeDefined();
    expect(pieces.length).toBeLessThan(6);
    expect(Date.now() - t0).toBeLessThan(10_000);
    // The provider is still usable afterwards.
    const r = await p.generate(request(new AbortController().signal, () => undefined, 3));
    expect(r.usage.completionTokens).toBeGreaterThan(0);
  });

  it('refuses a prompt larger than the context window with a clear error', async () => {
    const p = local({ maxContextTokens: 256 });
    const huge = 'tiny bird '.repeat(400);
    const req = request(new AbortController().signal, () => undefined);
    req.messages[1].content = huge;
    await expect(p.generate(req)).rejects.toMatchObject({ code: 'PROVIDER_FAILED', message: expect.stringContaining("256-token context window") });
  });

  it('unloads when idle and loads again on the next request', async () => {
    const p = local({ idleUnloadMs: 100 });
    await p.generate(request(new AbortController().signal, () => undefined, 2));
    expect(p.isLoaded).toBe(true);
    await new Promise((ok) => setTimeout(ok, 400));
    expect(p.isLoaded).toBe(false);
    const r = await p.generate(request(new AbortController().signal, () => undefined, 2));
    expect(r.usage.completionTokens).toBeGreaterThan(0);
  });

  it('names a missing model file', async () => {
    await expect(local({ model: '/nowhere/missing.gguf' }).budget()).rejects.toMatchObject({ code: 'MODEL_MISSING' });
  });
});

describe('Answerer with the local provider', () => {
  it('streams an answer from the local model over sources packed to fit its context window', async () => {
    // Long passages: together far more than the 1024-token window, so packing must trim them.
    const long = [1, 2, 3].map((i) => ({
      docName: `scurvy-${i}.txt`,
      text: `Scurvy is caused by a lack of vitamin C, study ${i} reports. ${'Sailors on long voyages ate little fresh food and fell ill with scurvy. '.repeat(25)}`,
    }));
    const a = new Answerer({ provider: 'local', local: { ...BASE, maxContextTokens: 1024, maxOutputTokens: 16 } }, memorySearch(long));
    open.push(a);
    const events: AnswerEvent[] = [];
    const r = await a.answer({ question: 'What causes scurvy?' }, { onEvent: (e) => events.push(e) });
    expect(r.provider).toBe('local');
    expect(r.model).toBe('stories260K.gguf');
    expect(r.usage.exact).toBe(true);
    const retrieved = events.find((e) => e.type === 'retrieval');
    expect(retrieved?.type === 'retrieval' && retrieved.results.reduce((n, x) => n + x.text.length, 0)).toBeGreaterThan(4 * 1024);
    expect(r.usage.promptTokens + 16).toBeLessThanOrEqual(1024);
    expect(r.usage.promptTokens).toBeGreaterThan(700);
    expect(r.usage.completionTokens).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'token')).toBe(true);
    expect(r.timings.firstTokenMs).not.toBeNull();
  });

  it('falls back to extractive when the local model exceeds its total timeout', async () => {
    const a = new Answerer(
      { local: { ...BASE, maxOutputTokens: 2000, timeouts: { firstTokenMs: 30_000, totalMs: 150 } }, retry: { retries: 0, baseMs: 1, maxMs: 1 } },
      memorySearch(LIBRARY),
    );
    open.push(a);
    const t0 = Date.now();
    const r = await a.answer({ question: 'What causes scurvy?' });
    expect(r.provider).toBe('extractive');
    expect(r.attempts[0]).toMatchObject({ provider: 'local', ok: false, error: { code: 'TIMEOUT' } });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('falls back when the question alone overflows the local context', async () => {
    const a = new Answerer({ local: { ...BASE, maxContextTokens: 256 } }, memorySearch(LIBRARY));
    open.push(a);
    const r = await a.answer({ question: `What causes scurvy? ${'Please explain in great detail. '.repeat(60)}` });
    expect(r.provider).toBe('extractive');
    expect(r.attempts[0].error?.message).toMatch(/context window/);
  });
});
