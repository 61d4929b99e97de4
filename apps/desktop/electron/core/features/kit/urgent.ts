// The port through which the messages feature tells whoever watches urgent messages (the
// escalation feature, handed in by features/registry.ts) that one was sent or acknowledged here,
// without importing it (a feature reaches no other feature).
import type { ProfileRuntime } from '../../app/profile-runtime.ts';

export interface UrgentWatch {
  /** An urgent message of this device was queued: hand its escalation to the relay if its channel has one. Never throws. */
  sent(runtime: ProfileRuntime, message: { channelId: string; messageId: string; body: string }): Promise<void>;
  /** This user acknowledged it (queued): stop its escalation at the relay. Never throws. */
  acknowledged(runtime: ProfileRuntime, channelId: string, messageId: string): Promise<void>;
}

export const NO_URGENT_WATCH: UrgentWatch = { sent: async () => {}, acknowledged: async () => {} };
