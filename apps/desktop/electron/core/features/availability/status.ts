// Which status is in force for a user at a moment: the newest `availability.set` of that user in
// the relay's order (this device's own still unsent ones last), unless its `until` has passed,
// then none. Pure, so every client with the same events and the same moment decides alike.
import type { AvailabilityCover, AvailabilitySetPayload } from '@klinikfunk/protocol/domain/availability-events.ts';

export interface StatusOp {
  seq: number | null;
  /** When the relay accepted it; null while this device's own one is still unsent. */
  relayAt: number | null;
  createdAt: number;
  payload: AvailabilitySetPayload;
}

export interface StatusInForce {
  state: 'on_duty' | 'dnd' | 'away';
  cover: AvailabilityCover | null;
  until: number | null;
  /** Since when (the relay's time of the event that set it, the sender's clock while unsent). */
  since: number;
}

/** `ops` in the relay's order, unsent ones last (AvailabilityRepository.opsOf). */
export function statusAt(ops: readonly StatusOp[], t: number): StatusInForce | null {
  const last = ops.at(-1);
  if (!last) return null;
  const { state, cover, until } = last.payload;
  if (state === 'none') return null;
  if (until !== null && t >= until) return null;
  return { state, cover, until, since: last.relayAt ?? last.createdAt };
}
