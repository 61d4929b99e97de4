// When a message shows both times ("geschrieben 04:01 · zugestellt 04:03"): when the relay took
// it a good while after it was written, both measured on the relay's clock. The time of writing
// is the sender's, moved to relay time by the offset it learned from its acks (`writtenAtRelay`,
// sync/relay-clock.ts), so a workstation whose clock runs behind does not mark every message it
// sends, and one whose clock runs ahead does not hide a real outage.

/** Written this long before the relay took it (an outage): both times are shown. */
export const LATE_DELIVERY_MS = 60_000;
/**
 * Events from senders that do not seal `writtenAtRelay` (older clients) have only the sender's
 * own clock to go by, which may be minutes off without any outage: they are marked only when the
 * gap is larger than a PC clock is plausibly wrong, so a skewed old client does not mark each
 * of its messages, at the price of hiding their shorter delays.
 */
export const LATE_WITHOUT_RELAY_TIME_MS = 10 * 60_000;

export interface LateDelivery {
  /** When it was written, in relay time (the sender's own clock for older senders). */
  writtenAt: number;
  /** When the relay accepted it. */
  deliveredAt: number;
}

export function lateDelivery(
  times: { createdAt: number; relayAt: number | null; writtenAtRelay: number | null },
  thresholdMs: number = LATE_DELIVERY_MS,
): LateDelivery | null {
  const { createdAt, relayAt, writtenAtRelay } = times;
  if (relayAt === null) return null;
  if (writtenAtRelay !== null)
    return relayAt - writtenAtRelay >= thresholdMs ? { writtenAt: writtenAtRelay, deliveredAt: relayAt } : null;
  return relayAt - createdAt >= Math.max(thresholdMs, LATE_WITHOUT_RELAY_TIME_MS)
    ? { writtenAt: createdAt, deliveredAt: relayAt }
    : null;
}
