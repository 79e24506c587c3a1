import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from '../../../main/answer/breaker';

function make(threshold = 3, cooldownMs = 1000) {
  let now = 0;
  const changes: [BreakerState, BreakerState][] = [];
  const b = new CircuitBreaker({ failureThreshold: threshold, cooldownMs, now: () => now, onChange: (f, t) => changes.push([f, t]) });
  return { b, changes, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold and resets the count on success', () => {
    const { b } = make();
    b.failure('x');
    b.failure('x');
    expect(b.state).toBe('closed');
    b.success();
    b.failure('x');
    b.failure('x');
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  it('closed → open after repeated failures, refusing requests until the cooldown', () => {
    const { b, changes, advance } = make();
    for (let i = 0; i < 3; i++) b.failure('boom');
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(b.status()).toMatchObject({ state: 'open', failures: 3, openedAt: 0, retryAt: 1000, lastError: 'boom' });
    advance(999);
    expect(b.tryAcquire()).toBe(false);
    expect(changes).toEqual([['closed', 'open']]);
  });

  it('open → half-open after the cooldown, letting exactly one probe through', () => {
    const { b, advance } = make();
    for (let i = 0; i < 3; i++) b.failure('boom');
    advance(1000);
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
  });

  it('half-open → closed when the probe succeeds', () => {
    const { b, changes, advance } = make();
    for (let i = 0; i < 3; i++) b.failure('boom');
    advance(1000);
    b.tryAcquire();
    b.success();
    expect(b.state).toBe('closed');
    expect(b.status()).toEqual({ state: 'closed', failures: 0, lastError: 'boom' });
    expect(changes).toEqual([['closed', 'open'], ['open', 'half-open'], ['half-open', 'closed']]);
  });

  it('half-open → open again at once when the probe fails', () => {
    const { b, changes, advance } = make();
    for (let i = 0; i < 3; i++) b.failure('boom');
    advance(1000);
    b.tryAcquire();
    b.failure('still down');
    expect(b.state).toBe('open');
    expect(b.status().retryAt).toBe(2000);
    expect(changes.at(-1)).toEqual(['half-open', 'open']);
  });

  it('a cancelled probe frees the probe slot without a verdict', () => {
    const { b, advance } = make(1);
    b.failure('x');
    advance(1000);
    expect(b.tryAcquire()).toBe(true);
    b.release();
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
  });
});
