// The escalation of one urgent message as a device sees it, folded from what happened in any
// order: sent (with the steps planned), a step released (the relay's release time, from the
// sender's own notice or a received step), acknowledged. Acknowledgement ends it: what was
// released before stays listed; a release the relay stamps after the acknowledgement did not
// happen for the chain (the relay dropped the rest), so it is not counted. Pure; the sender's
// details list `released` (the renderer words them, in the workstation's time like the message
// list), the holder's re-alert follows `nextReAlert`.
export type EscalationEvent =
  | { kind: 'sent'; at: number; planned: ReadonlyArray<{ step: number; roleName: string; delayMs: number }> }
  | { kind: 'released'; step: number; roleName: string; at: number }
  | { kind: 'acknowledged'; at: number; byUserId: string };

export interface EscalationState {
  sentAt: number | null;
  planned: Array<{ step: number; roleName: string; dueAt: number | null; delayMs: number }>;
  released: Array<{ step: number; roleName: string; at: number }>;
  acknowledged: { at: number; byUserId: string } | null;
}

export const initialEscalation = (): EscalationState => ({
  sentAt: null,
  planned: [],
  released: [],
  acknowledged: null,
});

export function foldEscalation(state: EscalationState, event: EscalationEvent): EscalationState {
  switch (event.kind) {
    case 'sent':
      return {
        ...state,
        sentAt: event.at,
        planned: event.planned.map((p) => ({ ...p, dueAt: event.at + p.delayMs })),
      };
    case 'released': {
      if (state.released.some((r) => r.step === event.step)) return state;
      if (state.acknowledged && event.at > state.acknowledged.at) return state;
      const released = [...state.released, { step: event.step, roleName: event.roleName, at: event.at }];
      return { ...state, released: released.sort((a, b) => a.step - b.step) };
    }
    case 'acknowledged': {
      // The first acknowledgement counts; releases stamped after it are dropped.
      if (state.acknowledged && state.acknowledged.at <= event.at) return state;
      const acknowledged = { at: event.at, byUserId: event.byUserId };
      return { ...state, acknowledged, released: state.released.filter((r) => r.at <= event.at) };
    }
  }
}

export type EscalationPhase = 'waiting' | 'escalated' | 'acknowledged';
export function phaseOf(state: EscalationState): EscalationPhase {
  if (state.acknowledged) return 'acknowledged';
  return state.released.length > 0 ? 'escalated' : 'waiting';
}

/**
 * When the holder is alerted again: every `reAlertMs` after sending until acknowledged (the next
 * such moment after `now`); null once acknowledged.
 */
export function nextReAlert(state: EscalationState, reAlertMs: number, now: number): number | null {
  if (state.acknowledged || state.sentAt === null) return null;
  const k = Math.max(1, Math.floor((now - state.sentAt) / reAlertMs) + 1);
  return state.sentAt + k * reAlertMs;
}
