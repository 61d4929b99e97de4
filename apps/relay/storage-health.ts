// Whether the relay's store can take writes, checked with a real write (store.probeWritable)
// every few seconds, on /readyz and right after a request failed. The log gets one line per
// change of state ("storage failing" with the reason, "storage recovered"), not one per failed
// request or probe: an outage of the database or a full disk shows up in the log once, also on a
// relay nobody talks to, and does not flood it while it lasts.
import type { RelayLog } from './log.ts';
import type { RelayStore } from './store/store.ts';

/** A probe that takes longer than this counts as failed (a database that does not answer). */
export const PROBE_TIMEOUT_MS = 2_000;
/**
 * A check this soon after the last probe ended takes its answer: /readyz needs no authentication
 * on the workstations' port, and a probe per request would let anyone (or a load balancer that
 * checks often) drive a stream of commits into the store, which every relay on one PostgreSQL
 * makes to the same row.
 */
export const PROBE_MIN_INTERVAL_MS = 1_000;

export class StorageHealth {
  readonly #store: RelayStore;
  readonly #log: RelayLog;
  readonly #onError: () => void;
  #failing = false;
  #running: Promise<boolean> | null = null;
  #last: { at: number; ok: boolean } | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(store: RelayStore, log: RelayLog, onError: () => void) {
    this.#store = store;
    this.#log = log;
    this.#onError = onError;
  }

  get failing(): boolean {
    return this.#failing;
  }

  start(everyMs: number): void {
    this.#timer = setInterval(() => this.kick(), everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Starts a check without waiting for it (a timer, a failed request). */
  kick(): void {
    // check() does not reject: a failed probe is its answer.
    this.check().then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * Runs the probe (one at a time: callers meanwhile share its answer, and within
   * PROBE_MIN_INTERVAL_MS of its end take that answer); true when writable.
   */
  check(): Promise<boolean> {
    if (this.#running) return this.#running;
    const last = this.#last;
    if (last && Date.now() - last.at < PROBE_MIN_INTERVAL_MS) return Promise.resolve(last.ok);
    this.#running = this.#probe()
      .then((ok) => {
        this.#last = { at: Date.now(), ok };
        return ok;
      })
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  async #probe(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.#store.probeWritable(), timeout]);
    } catch (error) {
      this.failed(error);
      return false;
    } finally {
      clearTimeout(timer);
    }
    if (this.#failing) {
      this.#failing = false;
      this.#log.info('storage recovered', { store: this.#store.kind });
    }
    return true;
  }

  /** A store error seen anywhere: counted; logged when it starts a failing state. */
  failed(error: unknown): void {
    this.#onError();
    if (this.#failing) return;
    this.#failing = true;
    this.#log.error('storage failing', {
      store: this.#store.kind,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
