// The offset between this device's clock and the relay's, learned from publish acks (the ack
// carries the relay's acceptance time `at`). A device whose clock runs behind or ahead would
// otherwise make every message look delivered late, or hide a real delay: with the offset the
// sender seals the time of writing in relay time (`writtenAtRelay`, docs/protocol.md "Two clocks"),
// and every receiver compares it with the relay's `at` on the same clock. One per profile runtime.

/** A sample from a slower round trip says little about the offset (the relay stamped somewhere inside it). */
const MAX_ROUND_TRIP_MS = 5_000;
/** Smoothing: one ack with a delayed answer moves the estimate by a quarter, not all the way. */
const WEIGHT = 0.25;

/** A change smaller than this is not worth a write of the remembered estimate. */
const REMEMBER_STEP_MS = 1_000;

export class RelayClock {
  #offset: number | null;
  #remembered: number | null;
  readonly #remember: ((offset: number) => void) | undefined;

  /**
   * `initial`: the estimate remembered from an earlier run, so a profile signed in again during
   * an outage still seals its messages in relay time; `remember` keeps a changed estimate.
   */
  constructor(options: { initial?: number | null; remember?: (offset: number) => void } = {}) {
    this.#offset = options.initial ?? null;
    this.#remembered = this.#offset;
    this.#remember = options.remember;
  }

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
    if (this.#remembered === null || Math.abs(this.#offset - this.#remembered) >= REMEMBER_STEP_MS) {
      this.#remembered = this.#offset;
      this.#remember?.(Math.round(this.#offset));
    }
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
