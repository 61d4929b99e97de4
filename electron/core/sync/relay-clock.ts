// The offset between this device's clock and the relay's, learned from publish acks (the ack
// carries the relay's acceptance time `at`). A device whose clock runs behind or ahead would
// otherwise make every message look delivered late, or hide a real delay: with the offset the
// sender seals the time of writing in relay time (`writtenAtRelay`, docs/protocol.md "Two clocks"),
// and every receiver compares it with the relay's `at` on the same clock. One per profile runtime.

/** A sample from a slower round trip says little about the offset (the relay stamped somewhere inside it). */
const MAX_ROUND_TRIP_MS = 5_000;
/** Smoothing: one ack with a delayed answer moves the estimate by a quarter, not all the way. */
const WEIGHT = 0.25;

export class RelayClock {
  #offset: number | null = null;

  /**
   * One publish acknowledged: sent and answered at `sentAt`/`ackAt` on this device's clock,
   * accepted by the relay at `relayAt` on its own. Only first attempts count: a retried publish
   * is answered with the time of the first accepted copy, which may be minutes before the retry.
   */
  observe(sample: { sentAt: number; ackAt: number; relayAt: number }): void {
    const roundTrip = sample.ackAt - sample.sentAt;
    if (roundTrip < 0 || roundTrip > MAX_ROUND_TRIP_MS || !Number.isFinite(sample.relayAt)) return;
    const offset = sample.relayAt - (sample.sentAt + sample.ackAt) / 2;
    this.#offset = this.#offset === null ? offset : this.#offset + (offset - this.#offset) * WEIGHT;
  }

  /** A time on this device's clock in relay time; null before the first ack (nothing to go by). */
  toRelay(localMs: number): number | null {
    return this.#offset === null ? null : Math.round(localMs + this.#offset);
  }

  /** The estimate (ms the relay is ahead of this device), null while unknown. */
  offset(): number | null {
    return this.#offset === null ? null : Math.round(this.#offset);
  }
}
