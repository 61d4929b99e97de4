// Sign-in attempts per account and per workstation: a bucket refills over the window, says how
// long to wait, and the table stays bounded however many names a flood makes up.
import { describe, expect, it } from 'vitest';
import { AttemptLimits } from '../../../apps/relay/directory-agent/attempt-limits.ts';

describe('AttemptLimits', () => {
  it('allows the burst, then refuses with the seconds until the next attempt, and refills over the window', () => {
    let now = 0;
    const limits = new AttemptLimits({ burst: 3, windowMs: 15 * 60_000, now: () => now });
    for (let i = 0; i < 3; i++) expect(limits.take('person4')).toEqual({ ok: true });
    // One attempt comes back every 5 minutes.
    expect(limits.take('person4')).toEqual({ ok: false, retryAfterSeconds: 300 });
    // Another account is not affected.
    expect(limits.take('person5')).toEqual({ ok: true });
    now += 4 * 60_000;
    expect(limits.take('person4')).toEqual({ ok: false, retryAfterSeconds: 60 });
    now += 60_000;
    expect(limits.take('person4')).toEqual({ ok: true });
    expect(limits.take('person4').ok).toBe(false);
  });

  it('keeps at most maxKeys entries, full buckets first, and a refused key stays refused while it is kept', () => {
    let now = 0;
    const limits = new AttemptLimits({ burst: 1, windowMs: 60_000, maxKeys: 100, now: () => now });
    expect(limits.take('target').ok).toBe(true);
    for (let i = 0; i < 1_000; i++) limits.take(`made-up-${i}`);
    expect(limits.size).toBeLessThanOrEqual(100);
    now += 60_000;
    // Every bucket is full again: the next flood pushes them out, the table stays bounded.
    for (let i = 0; i < 1_000; i++) limits.take(`again-${i}`);
    expect(limits.size).toBeLessThanOrEqual(100);
  });
});
