// The escalation state machine: releases and the acknowledgement in any order give one answer;
// the acknowledgement ends re-alerts and drops releases the relay stamped after it.
import { describe, expect, it } from 'vitest';
import {
  foldEscalation,
  initialEscalation,
  nextReAlert,
  phaseOf,
  type EscalationEvent,
} from '../../../../apps/desktop/electron/core/features/escalation/state.ts';

const MIN = 60_000;
// 2026-12-07 04:00 in Berlin (UTC+1).
const T0 = Date.UTC(2026, 11, 7, 3, 0);
const sent: EscalationEvent = {
  kind: 'sent',
  at: T0,
  planned: [
    { step: 1, roleName: 'Hintergrund Innere', delayMs: 5 * MIN },
    { step: 2, roleName: 'Oberarzt Innere', delayMs: 12 * MIN },
  ],
};
const release1: EscalationEvent = { kind: 'released', step: 1, roleName: 'Hintergrund Innere', at: T0 + 5 * MIN + 300 };
const release2: EscalationEvent = { kind: 'released', step: 2, roleName: 'Oberarzt Innere', at: T0 + 12 * MIN + 200 };
const fold = (events: EscalationEvent[]) => events.reduce(foldEscalation, initialEscalation());

describe('escalation state', () => {
  it('waits, then lists each released step with the relay time, ', () => {
    expect(phaseOf(fold([sent]))).toBe('waiting');
    expect(fold([sent]).planned.map((p) => p.dueAt)).toEqual([T0 + 5 * MIN, T0 + 12 * MIN]);
    const state = fold([sent, release2, release1]);
    expect(phaseOf(state)).toBe('escalated');
    expect(state.released).toEqual([
      { step: 1, roleName: 'Hintergrund Innere', at: T0 + 5 * MIN + 300 },
      { step: 2, roleName: 'Oberarzt Innere', at: T0 + 12 * MIN + 200 },
    ]);
  });

  it('takes a release once (a notice on two devices, or fetched and pushed)', () => {
    expect(fold([sent, release1, release1]).released).toHaveLength(1);
  });

  it('ends with the first acknowledgement, whatever order the events arrive in', () => {
    const ack: EscalationEvent = { kind: 'acknowledged', at: T0 + 7 * MIN, byUserId: 'usrbackup1' };
    const later: EscalationEvent = { kind: 'acknowledged', at: T0 + 9 * MIN, byUserId: 'usrother01' };
    const orders = [
      [sent, release1, ack, release2, later],
      [later, release2, sent, ack, release1],
      [release1, release2, later, ack, sent],
    ];
    for (const order of orders) {
      const state = fold(order);
      expect(phaseOf(state)).toBe('acknowledged');
      expect(state.acknowledged).toEqual({ at: T0 + 7 * MIN, byUserId: 'usrbackup1' });
      // Step 2 carries a relay time after the acknowledgement: the relay had dropped it, it is not shown.
      expect(state.released.map((r) => r.step)).toEqual([1]);
    }
  });

  it('re-alerts the holder every interval after sending until acknowledged', () => {
    const state = fold([sent]);
    expect(nextReAlert(state, 2 * MIN, T0)).toBe(T0 + 2 * MIN);
    expect(nextReAlert(state, 2 * MIN, T0 + 2 * MIN)).toBe(T0 + 4 * MIN);
    expect(nextReAlert(state, 2 * MIN, T0 + 13 * MIN)).toBe(T0 + 14 * MIN);
    expect(
      nextReAlert(foldEscalation(state, { kind: 'acknowledged', at: T0 + MIN, byUserId: 'usr00001' }), 2 * MIN, T0),
    ).toBeNull();
    expect(nextReAlert(initialEscalation(), 2 * MIN, T0)).toBeNull();
  });
});
