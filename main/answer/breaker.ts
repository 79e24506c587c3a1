/** closed: requests flow. open: requests are refused until the cooldown ends. half-open: one probe decides. */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerStatus {
  state: BreakerState;
  /** Consecutive failures counted so far. */
  failures: number;
  /** When the circuit opened (epoch ms). */
  openedAt?: number;
  /** When an open circuit will let a probe through (epoch ms). */
  retryAt?: number;
  lastError?: string;
}

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now?: () => number;
  /** Called on every state change, for logs and `quarry status`. */
  onChange?: (from: BreakerState, to: BreakerState) => void;
}

/**
 * A circuit breaker for one provider, so a provider that keeps failing is skipped at once
 * instead of costing every question its timeouts: closed → open after `failureThreshold`
 * consecutive failures → half-open after `cooldownMs`, when exactly one probe request is let
 * through → closed if it succeeds, open again if it fails.
 *
 * @example
 * if (breaker.tryAcquire()) {
 *   try { await call(); breaker.success(); } catch (e) { breaker.failure(String(e)); }
 * }
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;
  private lastError: string | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: BreakerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The state now; an open circuit whose cooldown has passed reads as half-open. */
  get state(): BreakerState {
    if (this.current === 'open' && this.openedAt !== undefined && this.now() - this.openedAt >= this.opts.cooldownMs) {
      this.move('half-open');
    }
    return this.current;
  }

  /** Asks to make a request. False while open, and while a half-open probe is in flight. */
  tryAcquire(): boolean {
    const s = this.state;
    if (s === 'closed') return true;
    if (s === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  /** The request succeeded: the circuit closes. */
  success(): void {
    this.failures = 0;
    this.probing = false;
    this.openedAt = undefined;
    this.move('closed');
  }

  /** The request failed: counts towards opening; a failed probe reopens at once. */
  failure(message?: string): void {
    this.failures++;
    this.lastError = message;
    const wasProbe = this.current === 'half-open';
    this.probing = false;
    if (wasProbe || this.failures >= this.opts.failureThreshold) {
      this.openedAt = this.now();
      this.move('open');
    }
  }

  /** The request ended without a verdict (cancelled by the user): a probe slot is freed. */
  release(): void {
    this.probing = false;
  }

  status(): BreakerStatus {
    const state = this.state;
    const s: BreakerStatus = { state, failures: this.failures };
    if (this.openedAt !== undefined && state !== 'closed') {
      s.openedAt = this.openedAt;
      s.retryAt = this.openedAt + this.opts.cooldownMs;
    }
    if (this.lastError) s.lastError = this.lastError;
    return s;
  }

  private move(to: BreakerState): void {
    if (to === this.current) return;
    const from = this.current;
    this.current = to;
    this.opts.onChange?.(from, to);
  }
}
