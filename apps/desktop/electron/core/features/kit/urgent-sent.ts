// What happens right after this device queued an urgent message, for features other than messages
// (availability: the message goes to the cover of a member who does not want to be disturbed).
// Features do not import each other: the feature registers its step here (features/registry.ts)
// and the messages feature calls them once the message is queued.
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import type { Clock } from '../../clock/clock.ts';
import type { Logger } from '../../log/logger.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export interface UrgentSent {
  channelId: string;
  messageId: string;
  body: string;
  mentions: string[];
}

/** Where the message went besides its channel, as the sender is told. */
export interface UrgentForward {
  absentUserId: string;
  absentName: string;
  /** Who got it; empty when nobody could be reached (a role nobody holds, no relay for a new conversation). */
  coverNames: string[];
  /** The role the cover was, by name, when it was one. */
  coverRoleName: string | null;
}

export type UrgentSentStep = (
  runtime: ProfileRuntime,
  deps: { clock: Clock; log: Logger },
  sent: UrgentSent,
) => Promise<UrgentForward[]>;

const steps: UrgentSentStep[] = [];

/** Idempotent per step (each workstation's core registers the same function). */
export function registerUrgentSentStep(step: UrgentSentStep): void {
  if (!steps.includes(step)) steps.push(step);
}

/**
 * The message is queued whatever a step does: a step that fails (no relay to publish a new direct
 * conversation's roster to) is logged and the send still answers, with what did go out.
 */
export async function afterUrgentSent(
  runtime: ProfileRuntime,
  deps: { clock: Clock; log: Logger },
  sent: UrgentSent,
): Promise<UrgentForward[]> {
  const forwards: UrgentForward[] = [];
  for (const step of steps) {
    try {
      forwards.push(...(await step(runtime, deps, sent)));
    } catch (error) {
      deps.log.warn('step after an urgent message failed', { channelId: sent.channelId, error: loggable(error) });
    }
  }
  return forwards;
}
