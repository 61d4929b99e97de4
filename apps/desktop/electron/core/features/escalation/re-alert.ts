// Re-alerts the holder of an unacknowledged urgent message: the urgent notification again every
// `reAlertMs` after sending (state.ts nextReAlert), through the platform's notifier and the core's
// clock (no Electron here, no timers of its own), until the message is acknowledged on any device
// or it is forgotten. One timer per message.
import type { Clock, Timer } from '../../clock/clock.ts';
import type { Notifier, NotificationRequest } from '../../platform/platform.ts';
import { foldEscalation, nextReAlert, type EscalationState } from './state.ts';

interface Tracked {
  state: EscalationState;
  reAlertMs: number;
  request: NotificationRequest;
  timer: Timer | null;
}

export class ReAlerts {
  readonly #notifier: Notifier;
  readonly #clock: Clock;
  readonly #tracked = new Map<string, Tracked>();

  constructor(notifier: Notifier, clock: Clock) {
    this.#notifier = notifier;
    this.#clock = clock;
  }

  /** Starts re-alerting for a received urgent message (`key`: channel and message id); again: replaces it. */
  track(key: string, state: EscalationState, reAlertMs: number, request: NotificationRequest): void {
    this.forget(key);
    const tracked: Tracked = { state, reAlertMs, request: { ...request, urgent: true }, timer: null };
    this.#tracked.set(key, tracked);
    this.#schedule(key, tracked);
  }

  /** The message was acknowledged (here or on another device, by relay time `at`): no more re-alerts. */
  acknowledged(key: string, at: number, byUserId: string): void {
    const tracked = this.#tracked.get(key);
    if (!tracked) return;
    tracked.state = foldEscalation(tracked.state, { kind: 'acknowledged', at, byUserId });
    this.forget(key);
  }

  forget(key: string): void {
    this.#tracked.get(key)?.timer?.cancel();
    this.#tracked.delete(key);
  }

  /** Messages still re-alerted (the connection view, tests). */
  get pending(): number {
    return this.#tracked.size;
  }

  stop(): void {
    for (const key of [...this.#tracked.keys()]) this.forget(key);
  }

  #schedule(key: string, tracked: Tracked): void {
    const now = this.#clock.now();
    const next = nextReAlert(tracked.state, tracked.reAlertMs, now);
    if (next === null) return this.forget(key);
    tracked.timer = this.#clock.after(next - now, () => {
      if (this.#tracked.get(key) !== tracked) return;
      if (this.#notifier.isSupported()) this.#notifier.show(tracked.request);
      this.#schedule(key, tracked);
    });
  }
}
