// A clock for tests that run against a real relay: it runs in real time (so sync, retries and
// heartbeats behave as in the app), and `jump(ms)` moves it forward at once, firing every timer
// that falls due, the way a suspended laptop or a long shift would. The pure FakeClock stands
// still unless advanced, which stalls the sync engine's timers in such tests.
import type { Clock, Timer } from '../../apps/desktop/electron/core/clock/clock.ts';

interface Pending {
  at: number;
  fn: () => void;
  handle: ReturnType<typeof setTimeout>;
}

export class JumpClock implements Clock {
  #offset = 0;
  #nextId = 0;
  readonly #timers = new Map<number, Pending>();

  now(): number {
    return Date.now() + this.#offset;
  }

  after(ms: number, fn: () => void): Timer {
    const id = this.#nextId++;
    const delay = Math.max(0, ms);
    const handle = setTimeout(() => {
      this.#timers.delete(id);
      fn();
    }, delay);
    handle.unref?.();
    this.#timers.set(id, { at: this.now() + delay, fn, handle });
    return {
      cancel: () => {
        clearTimeout(handle);
        this.#timers.delete(id);
      },
    };
  }

  /** Moves time forward by `ms` and runs the timers now due, earliest first. */
  jump(ms: number): void {
    this.#offset += ms;
    for (;;) {
      const now = this.now();
      const due = [...this.#timers.entries()]
        .filter(([, t]) => t.at <= now)
        .sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
      if (!due) return;
      const [id, timer] = due;
      clearTimeout(timer.handle);
      this.#timers.delete(id);
      timer.fn();
    }
  }
}
