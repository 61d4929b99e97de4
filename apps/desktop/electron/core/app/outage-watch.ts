// When the relay has been out of reach long enough to say so plainly. A reconnect attempt shows
// "Verbinde …" for a moment, which is right for a blip; after `noticeAfterMs` without a connection
// the main screen shows a banner (what is wrong, that messages are kept and sent automatically,
// what to do if it lasts). Times come from the core's clock, so tests move a fake clock instead
// of waiting.
import type { Clock, Timer } from '../clock/clock.ts';
import type { TransportState } from '../transport/transport.ts';

/** A connection lost for this long is an outage worth a banner (a reconnect normally takes 1-5 s). */
export const OUTAGE_NOTICE_MS = 20_000;

export class OutageWatch {
  readonly #clock: Clock;
  readonly #noticeAfterMs: number;
  readonly #changed: () => void;
  /** Since when the connection is down (null while online). */
  #downSince: number | null;
  #noticed = false;
  #timer: Timer | null = null;

  constructor(deps: { clock: Clock; noticeAfterMs?: number; changed: () => void; initial: TransportState }) {
    this.#clock = deps.clock;
    this.#noticeAfterMs = deps.noticeAfterMs ?? OUTAGE_NOTICE_MS;
    this.#changed = deps.changed;
    this.#downSince = null;
    this.update(deps.initial);
  }

  /** Call with every transport state. */
  update(state: TransportState): void {
    if (state === 'online') {
      this.#timer?.cancel();
      this.#timer = null;
      const wasNoticed = this.#noticed;
      this.#downSince = null;
      this.#noticed = false;
      if (wasNoticed) this.#changed();
      return;
    }
    if (this.#downSince !== null) return;
    this.#downSince = this.#clock.now();
    this.#timer = this.#clock.after(this.#noticeAfterMs, () => {
      this.#timer = null;
      this.#noticed = true;
      this.#changed();
    });
  }

  /** When the outage began, once it has lasted long enough to be shown; else null. */
  get since(): number | null {
    return this.#noticed ? this.#downSince : null;
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }
}
