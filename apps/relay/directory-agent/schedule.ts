// Runs the sync every interval and on demand (SIGHUP), never two at once: a request during a run
// starts one more run right after it, so a change made meanwhile is not missed.
export class Schedule {
  readonly #run: () => Promise<void>;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(run: () => Promise<void>, intervalMs: number) {
    this.#run = run;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.trigger();
  }

  /** A run now (or right after the current one). */
  trigger(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#running = this.#run()
      .catch(() => {})
      .finally(() => {
        this.#running = null;
        if (this.#stopped) return;
        if (this.#again) {
          this.#again = false;
          this.trigger();
        } else {
          this.#timer = setTimeout(() => this.trigger(), this.#intervalMs);
        }
      });
  }

  /** Stops the timer and waits for a run under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }
}
