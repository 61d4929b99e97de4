// The port through which the messages feature tells whoever watches urgent messages (the
// escalation feature, handed in by features/registry.ts) that one was sent or acknowledged here,
// without importing it (a feature reaches no other feature).
import type { ProfileRuntime } from '../../app/profile-runtime.ts';

/**
 * What became of an urgent message's escalation: `none` (its channel has no policy), `armed` (the
 * relay holds the steps), `not_armed` (it has a policy, but the relay could not take the steps or
 * nobody in the chain can be reached: the sender has to be told, the message will not escalate).
 */
export type EscalationOutcome = 'none' | 'armed' | 'not_armed';

export interface UrgentWatch {
  /** An urgent message of this device was queued: hand its escalation to the relay if its channel has one. Never throws. */
  sent(
    runtime: ProfileRuntime,
    message: { channelId: string; messageId: string; body: string },
  ): Promise<EscalationOutcome>;
  /** This user acknowledged it (queued): stop its escalation at the relay. Never throws. */
  acknowledged(runtime: ProfileRuntime, channelId: string, messageId: string): Promise<void>;
}

export const NO_URGENT_WATCH: UrgentWatch = { sent: async () => 'none', acknowledged: async () => {} };
