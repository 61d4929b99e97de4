// Releases escalation steps whose deadline passed (relay clock): moves their items into the
// recipients' mailboxes (store.escalations.releaseDue, one transaction per batch) and pushes them
// to connected recipients like any mailbox item. It looks every `tickMs` (default 250 ms) rather
// than sleeping until the next deadline: another relay process on the same PostgreSQL may add an
// earlier one, and a clock that jumps (a test's, or NTP stepping) is noticed at the next look. The
// first look is at start, so steps that fell due while the relay was down go out at once.
import { loggable } from '@klinikfunk/node-common/logger.ts';
import type { RelayLog } from './log.ts';
import type { ReleasedEscalationItem } from './store/escalation-store.ts';
import type { RelayStore } from './store/store.ts';

/** Items released per transaction; a backlog (a relay back after hours) goes out in several. */
const RELEASE_BATCH = 500;

export interface EscalationReleaseOptions {
  store: RelayStore;
  log: RelayLog;
  now: () => number;
  tickMs?: number;
  /** A released item is in `toDeviceId`'s mailbox now: push it to its connections. */
  released(item: ReleasedEscalationItem): void;
}

export class EscalationRelease {
  readonly #o: EscalationReleaseOptions;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #failing = false;
  /** Items released by this process since start. */
  count = 0;

  constructor(options: EscalationReleaseOptions) {
    this.#o = options;
  }

  start(): void {
    // A tick while a look runs is skipped: that look goes on while it finds full batches.
    this.#timer = setInterval(() => {
      if (!this.#running) this.#look();
    }, this.#o.tickMs ?? 250);
    this.#look();
  }

  #look(): void {
    this.run().catch((error: unknown) => this.#o.log.error('escalation release', { error: loggable(error) }));
  }

  /** A look that starts after the one in progress (its clock reading may be older); never rejects. */
  run(): Promise<void> {
    const next = (this.#running ?? Promise.resolve()).then(() => this.#releaseAll());
    const tracked = next.finally(() => {
      if (this.#running === tracked) this.#running = null;
    });
    this.#running = tracked;
    return tracked;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  async #releaseAll(): Promise<void> {
    try {
      for (;;) {
        const items = await this.#o.store.escalations.releaseDue(this.#o.now(), RELEASE_BATCH);
        for (const item of items) this.#o.released(item);
        this.count += items.length;
        if (items.length > 0)
          this.#o.log.info('escalation steps released', {
            items: items.length,
            escalations: new Set(items.map((i) => i.escalationId)).size,
          });
        if (items.length < RELEASE_BATCH || !this.#timer) break;
      }
      if (this.#failing) this.#o.log.info('escalation release works again');
      this.#failing = false;
    } catch (error) {
      // Logged once per outage; the next look tries again (nothing was released in a failed transaction).
      if (!this.#failing) this.#o.log.warn('escalation release failed', { error: loggable(error) });
      this.#failing = true;
    }
  }
}
