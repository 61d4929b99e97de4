// Time as a dependency: services ask the clock, never Date.now() or setTimeout directly, so the
// lock timer, retries and retention run under a fake clock in tests.
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms`; the timer does not keep the process alive. */
  after(ms: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Manual time for tests: nothing happens until `advance` moves the clock past a timer. */
export class FakeClock implements Clock {
  #now: number;
  #timers: Array<{ at: number; fn: () => void; id: number }> = [];
  #nextId = 0;
  constructor(start = Date.UTC(2026, 10, 22, 8, 0, 0)) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  after(ms: number, fn: () => void): Timer {
    const id = this.#nextId++;
    this.#timers.push({ at: this.#now + Math.max(0, ms), fn, id });
    return { cancel: () => (this.#timers = this.#timers.filter((t) => t.id !== id)) };
  }
  /** Moves time forward, firing due timers in order (including ones they schedule). */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t.id !== due.id);
      this.#now = due.at;
      due.fn();
    }
    this.#now = target;
  }
  get pendingTimers(): number {
    return this.#timers.length;
  }
}
