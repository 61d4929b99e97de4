import { describe, expect, it } from 'vitest';
import { backoffDelay, RECONNECT_BACKOFF } from '../../../apps/desktop/electron/core/sync/backoff.ts';

describe('backoff with jitter', () => {
  it('grows exponentially up to the cap', () => {
    const top = (attempt: number) => backoffDelay(RECONNECT_BACKOFF, attempt, () => 0.999999);
    expect(top(0)).toBeLessThan(500);
    expect(top(3)).toBeGreaterThan(3_900);
    expect(top(3)).toBeLessThan(4_000);
    expect(top(50)).toBeLessThanOrEqual(RECONNECT_BACKOFF.maxMs);
  });

  it('spreads clients out (full jitter) but never retries immediately', () => {
    const delays = [0, 0.25, 0.5, 0.75].map((r) => backoffDelay(RECONNECT_BACKOFF, 4, () => r));
    expect(new Set(delays).size).toBe(4);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(RECONNECT_BACKOFF.baseMs / 4);
  });

  // Moved from tests/unit/relay/config.test.ts with the transport's own copy of this function.
  it('reconnects after 0.5 s at most at first, 30 s at most later, never sooner than 125 ms', () => {
    expect(backoffDelay(RECONNECT_BACKOFF, 0, () => 0.999)).toBe(499);
    expect(backoffDelay(RECONNECT_BACKOFF, 3, () => 0.999)).toBe(3996);
    expect(backoffDelay(RECONNECT_BACKOFF, 20, () => 0.999)).toBe(29_970);
    expect(backoffDelay(RECONNECT_BACKOFF, 5, () => 0)).toBe(125);
  });
});
