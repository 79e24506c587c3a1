import { QuarryError, toQuarryError } from '../util/errors';
import { CircuitBreaker, type BreakerState, type BreakerStatus } from './breaker';
import { ProviderError, raceAbort, retryDelay, sleep, type RetryPolicy } from './retry';
import type { AnswerEvent, AnswerProvider, Attempt, FellBack, GenerateRequest, GenerateResult, ProviderName } from './types';

export interface RouterOptions {
  retry: RetryPolicy;
  breaker: { failureThreshold: number; cooldownMs: number };
  timeouts(provider: ProviderName): { firstTokenMs: number; totalMs: number };
  now?: () => number;
  random?: () => number;
  onBreakerChange?: (provider: ProviderName, from: BreakerState, to: BreakerState) => void;
}

/** What a provider's request is built from; the router adds the signal and the token callback. */
export type RequestBuilder = (provider: AnswerProvider, signal: AbortSignal) => Promise<Omit<GenerateRequest, 'signal' | 'onToken'>>;

export interface RouteHooks {
  onToken(text: string): void;
  /** `provider` before each try, `reset` when streamed text must be discarded. */
  onEvent(e: AnswerEvent): void;
}

export interface Routed {
  result: GenerateResult;
  provider: AnswerProvider;
  attempts: Attempt[];
}

export interface ProviderStatus extends BreakerStatus {
  provider: ProviderName;
  model: string;
}

/**
 * Runs a generation over an ordered fallback chain (e.g. remote → local → extractive).
 * Each provider gets a first-token and a total timeout; 429/5xx/network failures are retried
 * with jittered backoff (Retry-After honoured); anything else moves on to the next provider.
 * A circuit breaker per provider skips one that keeps failing. Cancellation stops at once and
 * never counts against a provider.
 */
export class Router {
  private readonly breakers = new Map<ProviderName, CircuitBreaker>();
  private readonly now: () => number;

  constructor(
    private readonly providers: Map<ProviderName, AnswerProvider>,
    private readonly opts: RouterOptions,
  ) {
    this.now = opts.now ?? Date.now;
    for (const name of providers.keys()) {
      this.breakers.set(
        name,
        new CircuitBreaker({
          ...opts.breaker,
          now: this.now,
          onChange: (from, to) => opts.onBreakerChange?.(name, from, to),
        }),
      );
    }
  }

  /** Breaker state of every configured provider (what `quarry status` shows). */
  status(): ProviderStatus[] {
    return [...this.providers.values()].map((p) => ({
      provider: p.name,
      model: p.model,
      ...(this.breakers.get(p.name) as CircuitBreaker).status(),
    }));
  }

  /** The breaker of one provider (for status and tests). */
  breaker(name: ProviderName): CircuitBreaker | undefined {
    return this.breakers.get(name);
  }

  /**
   * Tries the chain in order until one provider produces an answer.
   * @throws QuarryError CANCELLED when `signal` aborts; the last provider's error when the
   *   chain has one provider; PROVIDER_FAILED naming every failure otherwise.
   */
  async run(chain: ProviderName[], build: RequestBuilder, hooks: RouteHooks, signal: AbortSignal): Promise<Routed> {
    const attempts: Attempt[] = [];
    let last: QuarryError | undefined;
    for (const name of chain) {
      const provider = this.providers.get(name);
      const breaker = this.breakers.get(name);
      if (!provider || !breaker) {
        attempts.push(skipped(name, 'PROVIDER_FAILED', `The ${name} provider is not set up`, 'not-configured'));
        continue;
      }
      for (let i = 0; ; i++) {
        if (signal.aborted) throw cancelled();
        if (!breaker.tryAcquire()) {
          const retryAt = breaker.status().retryAt;
          const wait = retryAt ? ` for ${Math.max(0, Math.ceil((retryAt - this.now()) / 1000))} s` : '';
          attempts.push(skipped(name, 'PROVIDER_FAILED', `Skipped: ${name} failed repeatedly and is paused${wait}`, 'paused'));
          break;
        }
        hooks.onEvent({ type: 'provider', provider: name, attempt: i + 1 });
        const state = { emitted: false };
        const t0 = this.now();
        try {
          const result = await this.attempt(provider, build, hooks, signal, state);
          breaker.success();
          attempts.push({ provider: name, ok: true, ms: this.now() - t0 });
          return { result, provider, attempts };
        } catch (e) {
          const err = toQuarryError(e, 'PROVIDER_FAILED');
          if (signal.aborted || err.code === 'CANCELLED') {
            breaker.release();
            throw cancelled();
          }
          breaker.failure(err.message);
          attempts.push({ provider: name, ok: false, ms: this.now() - t0, error: err.toInfo() });
          last = err;
          if (state.emitted) hooks.onEvent({ type: 'reset', reason: err.message });
          if (!err.retryable || i >= this.opts.retry.retries) break;
          const delay = retryDelay(err, i, this.opts.retry, this.opts.random);
          if (delay < 0) break;
          await sleep(delay, signal);
        }
      }
    }
    const failed = attempts.filter((a) => !a.ok);
    if (chain.length === 1 && last) throw withAttempts(last, attempts);
    throw withAttempts(
      new QuarryError('PROVIDER_FAILED', `No answer provider succeeded: ${failed.map((a) => `${a.provider}: ${a.error?.message}`).join('; ')}`, {
        hint: 'Check the provider settings (quarry status shows each one), or ask with --provider extractive.',
        retryable: failed.some((a) => a.error?.retryable),
      }),
      attempts,
    );
  }

  private async attempt(
    provider: AnswerProvider,
    build: RequestBuilder,
    hooks: RouteHooks,
    outer: AbortSignal,
    state: { emitted: boolean },
  ): Promise<GenerateResult> {
    const ctrl = new AbortController();
    const t = this.opts.timeouts(provider.name);
    const onOuter = (): void => ctrl.abort(cancelled());
    outer.addEventListener('abort', onOuter, { once: true });
    const timeout = (what: string): void =>
      ctrl.abort(new ProviderError('TIMEOUT', `The ${provider.name} provider ${what}`, { hint: 'Try again, or raise the timeout in settings.' }));
    const firstTimer = setTimeout(() => timeout(`sent no answer within ${t.firstTokenMs} ms`), t.firstTokenMs);
    const totalTimer = setTimeout(() => timeout(`did not finish within ${t.totalMs} ms`), t.totalMs);
    try {
      const req = await raceAbort(build(provider, ctrl.signal), ctrl.signal);
      const onToken = (text: string): void => {
        if (ctrl.signal.aborted || text.length === 0) return;
        clearTimeout(firstTimer);
        state.emitted = true;
        hooks.onToken(text);
      };
      const result = await raceAbort(provider.generate({ ...req, signal: ctrl.signal, onToken }), ctrl.signal);
      clearTimeout(firstTimer);
      return result;
    } catch (e) {
      // The reason we aborted with (timeout, cancel) says more than the provider's AbortError.
      if (ctrl.signal.aborted) throw toQuarryError(ctrl.signal.reason);
      throw e;
    } finally {
      clearTimeout(firstTimer);
      clearTimeout(totalTimer);
      outer.removeEventListener('abort', onOuter);
    }
  }
}

function cancelled(): QuarryError {
  return new QuarryError('CANCELLED', 'The answer was cancelled');
}

function skipped(provider: ProviderName, code: 'PROVIDER_FAILED', message: string, reason: Attempt['reason']): Attempt {
  return { provider, ok: false, ms: 0, skipped: true, reason, error: { code, message } };
}

/**
 * The providers that are set up but did not answer, before the one that did: each failed
 * attempt, or a pause after earlier failures, once per provider, with its last message. A
 * provider that is not set up, or that failed and then answered on a retry, is not one.
 */
export function fellBackFrom(attempts: readonly Attempt[], answeredBy: string): FellBack[] {
  const out = new Map<ProviderName, FellBack>();
  for (const a of attempts) {
    if (a.ok || a.reason === 'not-configured' || a.provider === answeredBy) continue;
    out.set(a.provider, { provider: a.provider, message: a.error?.message ?? `The ${a.provider} provider failed.` });
  }
  return [...out.values()];
}

/** Errors thrown by the router carry the attempts, so the caller can still report them. */
export interface RoutedError extends QuarryError {
  attempts?: Attempt[];
}

function withAttempts(err: QuarryError, attempts: Attempt[]): QuarryError {
  (err as RoutedError).attempts = attempts;
  return err;
}
