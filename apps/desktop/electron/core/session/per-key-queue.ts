// One task at a time per key (a profile id): an unlock attempt starts only after the previous
// one for the same profile has been counted, so 30 guesses fired at once meet the backoff the
// first wrong ones set instead of all passing the check before any is counted.
export class PerKeyQueue {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    // The tail settles when the task does, whatever its outcome, and then drops its entry unless
    // another task queued behind it; it never rejects, the caller handles `result`.
    const tail: Promise<void> = result.then(
      () => this.#settled(key, tail),
      () => this.#settled(key, tail),
    );
    this.#tails.set(key, tail);
    return result;
  }

  #settled(key: string, tail: Promise<void>): void {
    if (this.#tails.get(key) === tail) this.#tails.delete(key);
  }
}
