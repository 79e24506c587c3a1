import { describe, expect, it } from 'vitest';
import { ProviderError, parseRetryAfter, retryDelay } from '../../../main/answer/retry';
import { fellBackFrom, Router } from '../../../main/answer/router';
import type { AnswerEvent, AnswerProvider, GenerateRequest, GenerateResult, ProviderName } from '../../../main/answer/types';
import { isQuarryError } from '../../../main/util/errors';

type Step = (req: GenerateRequest) => Promise<GenerateResult>;

/** A provider that plays a script: one step per call (the last step repeats). */
function scripted(name: ProviderName, steps: Step[]): AnswerProvider & { calls: number } {
  const p = {
    name,
    remote: name === 'remote',
    model: `${name}-model`,
    calls: 0,
    budget: async () => ({ contextTokens: 4096, maxOutputTokens: 256, count: (t: string) => t.length, exact: false }),
    generate: (req: GenerateRequest) => steps[Math.min(p.calls++, steps.length - 1)](req),
    close: async () => undefined,
  };
  return p;
}

const ok = (text: string): Step => async (req) => {
  req.onToken(text);
  return { text, usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2, exact: true } };
};
const fail = (err: Error): Step => async () => {
  throw err;
};
const http = (status: number, retryAfterMs?: number) =>
  new ProviderError(status === 401 ? 'UNAUTHORIZED' : 'PROVIDER_FAILED', `HTTP ${status}`, { status, retryable: status === 429 || status >= 500, retryAfterMs });
const hang: Step = (req) => new Promise((_r, reject) => req.signal.addEventListener('abort', () => reject(req.signal.reason)));

function router(providers: AnswerProvider[], over: { timeouts?: { firstTokenMs: number; totalMs: number }; retries?: number; now?: () => number } = {}) {
  const events: AnswerEvent[] = [];
  const tokens: string[] = [];
  const r = new Router(new Map(providers.map((p) => [p.name, p])), {
    retry: { retries: over.retries ?? 2, baseMs: 1, maxMs: 50 },
    breaker: { failureThreshold: 3, cooldownMs: 60_000 },
    timeouts: () => over.timeouts ?? { firstTokenMs: 1000, totalMs: 2000 },
    random: () => 0.5,
    now: over.now,
  });
  const run = (chain: ProviderName[], signal = new AbortController().signal) =>
    r.run(chain, async () => ({ messages: [], question: 'q', sources: [], maxTokens: 10 }), { onToken: (t) => tokens.push(t), onEvent: (e) => events.push(e) }, signal);
  return { r, run, events, tokens };
}

describe('retry policy', () => {
  it('backs off exponentially with jitter, honours Retry-After, gives up on long waits', () => {
    const p = { retries: 2, baseMs: 100, maxMs: 1000 };
    expect(retryDelay(new Error('x'), 0, p, () => 0)).toBe(50);
    expect(retryDelay(new Error('x'), 2, p, () => 1)).toBe(400);
    expect(retryDelay(new Error('x'), 9, p, () => 1)).toBe(1000);
    expect(retryDelay(http(429, 300), 0, p)).toBe(300);
    expect(retryDelay(http(429, 5000), 0, p)).toBe(-1);
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('Router', () => {
  it('retries 5xx and succeeds on the same provider', async () => {
    const remote = scripted('remote', [fail(http(500)), ok('fine')]);
    const { run } = router([remote]);
    const out = await run(['remote']);
    expect(out.result.text).toBe('fine');
    expect(remote.calls).toBe(2);
    expect(out.attempts.map((a) => a.ok)).toEqual([false, true]);
  });

  it('does not retry a 401 and falls back to the next provider', async () => {
    const remote = scripted('remote', [fail(http(401))]);
    const extractive = scripted('extractive', [ok('from sources')]);
    const { run } = router([remote, extractive]);
    const out = await run(['remote', 'extractive']);
    expect(remote.calls).toBe(1);
    expect(out.provider.name).toBe('extractive');
    expect(out.attempts[0].error?.code).toBe('UNAUTHORIZED');
  });

  it('with one provider, its own error comes back (a clear 401, not a generic failure)', async () => {
    const { run } = router([scripted('remote', [fail(http(401))])]);
    await expect(run(['remote'])).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('remote → local → extractive: falls through the chain in order', async () => {
    const remote = scripted('remote', [fail(http(503))]);
    const local = scripted('local', [fail(new ProviderError('MODEL_MISSING', 'no model'))]);
    const extractive = scripted('extractive', [ok('x')]);
    const { run, events } = router([remote, local, extractive], { retries: 1 });
    const out = await run(['remote', 'local', 'extractive']);
    expect(out.provider.name).toBe('extractive');
    expect(remote.calls).toBe(2);
    expect(local.calls).toBe(1);
    expect(events.filter((e) => e.type === 'provider').map((e) => (e as { provider: string }).provider)).toEqual(['remote', 'remote', 'local', 'extractive']);
    // What the chat turn keeps: each set-up provider that did not answer, once, with its last error.
    expect(fellBackFrom(out.attempts, out.provider.name)).toEqual([
      { provider: 'remote', message: 'HTTP 503' },
      { provider: 'local', message: 'no model' },
    ]);
  });

  it('a provider that is not set up, or that answered on a retry, is not one the answer fell back from', async () => {
    const remote = scripted('remote', [fail(http(500)), ok('fine')]);
    const { run } = router([remote]);
    const out = await run(['local', 'remote']);
    expect(out.attempts.map((a) => [a.provider, a.ok, a.reason])).toEqual([['local', false, 'not-configured'], ['remote', false, undefined], ['remote', true, undefined]]);
    expect(fellBackFrom(out.attempts, 'remote')).toEqual([]);
  });

  it('a provider paused after repeated failures is one the answer fell back from', async () => {
    const remote = scripted('remote', [fail(http(401))]);
    const extractive = scripted('extractive', [ok('from sources')]);
    const { run } = router([remote, extractive]);
    for (let i = 0; i < 3; i++) await run(['remote', 'extractive']);
    const out = await run(['remote', 'extractive']);
    expect(remote.calls).toBe(3);
    expect(out.attempts[0]).toMatchObject({ provider: 'remote', skipped: true, reason: 'paused' });
    expect(fellBackFrom(out.attempts, 'extractive')).toEqual([{ provider: 'remote', message: expect.stringMatching(/^Skipped: remote failed repeatedly and is paused/) }]);
  });

  it('times out a provider that sends no first token, and one that never finishes', async () => {
    const slow = scripted('remote', [hang]);
    const { run } = router([slow, scripted('extractive', [ok('x')])], { timeouts: { firstTokenMs: 30, totalMs: 1000 } });
    const out = await run(['remote', 'extractive']);
    expect(out.attempts[0].error).toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('no answer within 30 ms') });
    const dribble: Step = (req) => {
      req.onToken('a');
      return hang(req);
    };
    const r2 = router([scripted('remote', [dribble]), scripted('extractive', [ok('x')])], { timeouts: { firstTokenMs: 1000, totalMs: 40 } });
    const out2 = await r2.run(['remote', 'extractive']);
    expect(out2.attempts[0].error?.message).toContain('did not finish within 40 ms');
    // The partial text was streamed, so the caller is told to discard it.
    expect(r2.events.some((e) => e.type === 'reset')).toBe(true);
  });

  it('retries a stream that dropped mid-answer after a reset', async () => {
    const drop: Step = async (req) => {
      req.onToken('half an ans');
      throw new ProviderError('NETWORK', 'connection closed', { retryable: true });
    };
    const { run, events, tokens } = router([scripted('remote', [drop, ok('whole answer')])]);
    const out = await run(['remote']);
    expect(out.result.text).toBe('whole answer');
    expect(tokens).toEqual(['half an ans', 'whole answer']);
    expect(events.map((e) => e.type)).toEqual(['provider', 'reset', 'provider']);
  });

  it('cancellation stops at once, without fallback and without counting as a failure', async () => {
    const remote = scripted('remote', [hang]);
    const extractive = scripted('extractive', [ok('x')]);
    const { r, run } = router([remote, extractive]);
    const ctrl = new AbortController();
    const p = run(['remote', 'extractive'], ctrl.signal);
    setTimeout(() => ctrl.abort(), 20);
    const t0 = Date.now();
    const err = await p.catch((e: unknown) => e);
    expect(isQuarryError(err) && err.code).toBe('CANCELLED');
    expect(Date.now() - t0).toBeLessThan(500);
    expect(extractive.calls).toBe(0);
    expect(r.breaker('remote')?.status().failures).toBe(0);
  });

  it('opens the breaker after repeated failures, skips the provider, then probes and closes', async () => {
    let now = 0;
    const remote = scripted('remote', [fail(http(500)), fail(http(500)), fail(http(500)), ok('back')]);
    const extractive = scripted('extractive', [ok('x')]);
    const { r, run } = router([remote, extractive], { now: () => now });
    await run(['remote', 'extractive']);
    expect(remote.calls).toBe(3);
    expect(r.status().find((s) => s.provider === 'remote')).toMatchObject({ state: 'open', failures: 3, model: 'remote-model' });
    const skipped = await run(['remote', 'extractive']);
    expect(remote.calls).toBe(3);
    expect(skipped.attempts[0]).toMatchObject({ provider: 'remote', skipped: true });
    now += 60_000;
    expect(r.breaker('remote')?.state).toBe('half-open');
    const probed = await run(['remote', 'extractive']);
    expect(probed.provider.name).toBe('remote');
    expect(r.breaker('remote')?.state).toBe('closed');
  });
});
