// The bounded backlog in front of an audit target (a TCP syslog connection, a JSON-lines file)
// that may stall: a SIEM that stops reading, a full or slow disk. Writing into a Node stream
// without waiting for 'drain' buffers in memory without limit, so a hung SIEM would grow the relay
// with every accepted record until it runs out of memory. Here at most `max` events wait; beyond
// that the oldest are dropped, logged when dropping starts and counted when the backlog is empty
// again, and the target gets more only once it took what it has.
import type { Writable } from 'node:stream';
import type { RelayLog } from './log.ts';

/** Events waiting while the target is unreachable or does not keep up. */
export const MAX_QUEUED = 10_000;

export interface AuditSinkStats {
  /** Events waiting in the queue. */
  queued: number;
  /** Bytes handed to the target that it has not taken yet (at most about one stream buffer). */
  bufferedBytes: number;
  /** Events dropped since start because the queue was full. */
  dropped: number;
}

export class AuditQueue {
  readonly #items: Buffer[] = [];
  readonly #log: RelayLog;
  readonly #what: string;
  readonly #max: number;
  #target: Writable | null = null;
  /** Dropped since the last log line that counted them. */
  #unreported = 0;
  #dropped = 0;

  constructor(log: RelayLog, what: string, max = MAX_QUEUED) {
    this.#log = log;
    this.#what = what;
    this.#max = max;
  }

  /** The stream to write to from now on, or null while there is none (disconnected). */
  attach(target: Writable | null): void {
    this.#target = target;
    if (target) {
      target.on('drain', () => this.flush());
      this.flush();
    }
  }

  push(item: Buffer): void {
    if (this.#items.length >= this.#max) {
      this.#items.shift();
      if (this.#unreported === 0) this.#log.warn(`${this.#what}: target does not keep up, dropping the oldest events`);
      this.#unreported++;
      this.#dropped++;
    }
    this.#items.push(item);
    this.flush();
  }

  flush(): void {
    const target = this.#target;
    if (!target) return;
    while (this.#items.length > 0 && !target.destroyed && !target.writableNeedDrain) target.write(this.#items.shift()!);
    if (this.#items.length === 0 && this.#unreported > 0) {
      this.#log.warn(`${this.#what}: events dropped while the target did not keep up`, { dropped: this.#unreported });
      this.#unreported = 0;
    }
  }

  stats(): AuditSinkStats {
    return { queued: this.#items.length, bufferedBytes: this.#target?.writableLength ?? 0, dropped: this.#dropped };
  }
}
