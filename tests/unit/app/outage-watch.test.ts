import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import { OUTAGE_NOTICE_MS, OutageWatch } from '../../../apps/desktop/electron/core/app/outage-watch.ts';

describe('outage notice', () => {
  it('a short reconnect shows nothing; a lasting one shows since when, and goes when online again', () => {
    const clock = new FakeClock();
    let changes = 0;
    const watch = new OutageWatch({ clock, changed: () => changes++, initial: 'online' });
    const lost = clock.now();
    watch.update('connecting');
    clock.advance(OUTAGE_NOTICE_MS - 1);
    watch.update('offline');
    watch.update('connecting');
    expect(watch.since).toBeNull();
    expect(changes).toBe(0);
    clock.advance(1);
    expect(watch.since).toBe(lost);
    expect(changes).toBe(1);
    watch.update('online');
    expect(watch.since).toBeNull();
    expect(changes).toBe(2);
  });

  it('a blip that ends before the delay never reports and leaves no timer behind', () => {
    const clock = new FakeClock();
    let changes = 0;
    const watch = new OutageWatch({ clock, noticeAfterMs: 1_000, changed: () => changes++, initial: 'online' });
    watch.update('connecting');
    clock.advance(500);
    watch.update('online');
    clock.advance(5_000);
    expect(watch.since).toBeNull();
    expect(changes).toBe(0);
  });

  it('starting without a connection counts from the start', () => {
    const clock = new FakeClock();
    const started = clock.now();
    const watch = new OutageWatch({ clock, noticeAfterMs: 1_000, changed: () => {}, initial: 'connecting' });
    clock.advance(1_000);
    expect(watch.since).toBe(started);
  });
});
