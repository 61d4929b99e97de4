// The holder is alerted again every interval after sending until the message is acknowledged, on
// a fake clock and the platform's in-memory notifier.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../apps/desktop/electron/core/clock/clock.ts';
import { FakeNotifier } from '../../../../apps/desktop/electron/core/platform/fakes.ts';
import { ReAlerts } from '../../../../apps/desktop/electron/core/features/escalation/re-alert.ts';
import { foldEscalation, initialEscalation } from '../../../../apps/desktop/electron/core/features/escalation/state.ts';

const MIN = 60_000;

describe('re-alerts of an unacknowledged urgent message', () => {
  it('repeats the urgent notification every interval until acknowledged, then stops', () => {
    const clock = new FakeClock();
    const notifier = new FakeNotifier();
    const alerts = new ReAlerts(notifier, clock);
    const sentAt = clock.now() - 30_000;
    const state = foldEscalation(initialEscalation(), { kind: 'sent', at: sentAt, planned: [] });
    alerts.track('chan1/msg1', state, 2 * MIN, { title: 'Dringende Nachricht', body: 'Sturz Zimmer 12', tag: 'chan1' });
    clock.advance(90_000 - 1);
    expect(notifier.shown).toHaveLength(0);
    clock.advance(1);
    expect(notifier.shown).toEqual([
      { title: 'Dringende Nachricht', body: 'Sturz Zimmer 12', tag: 'chan1', urgent: true },
    ]);
    clock.advance(4 * MIN);
    expect(notifier.shown).toHaveLength(3);
    alerts.acknowledged('chan1/msg1', clock.now(), 'usr000001');
    clock.advance(30 * MIN);
    expect(notifier.shown).toHaveLength(3);
    expect(alerts.pending).toBe(0);
  });

  it('does not alert for a message acknowledged before it was tracked, and forgets on stop', () => {
    const clock = new FakeClock();
    const notifier = new FakeNotifier();
    const alerts = new ReAlerts(notifier, clock);
    const sent = foldEscalation(initialEscalation(), { kind: 'sent', at: clock.now(), planned: [] });
    alerts.track('a', foldEscalation(sent, { kind: 'acknowledged', at: clock.now(), byUserId: 'usr00001' }), MIN, {
      title: 't',
    });
    alerts.track('b', sent, MIN, { title: 't' });
    expect(alerts.pending).toBe(1);
    alerts.stop();
    clock.advance(10 * MIN);
    expect(notifier.shown).toEqual([]);
  });
});
