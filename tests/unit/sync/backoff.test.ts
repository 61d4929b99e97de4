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
});
