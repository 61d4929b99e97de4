// Work that may wait until the main thread is idle, done a little at a time. A message builds its
// actions beyond "Antworten" here (MessageItem): all at once with a page of rows made the
// scrolled timeline's long tasks, but built only on the pointer or the focus they never reached
// a screen reader's virtual cursor, which reads the page without moving the focus.
import { flushSync } from 'svelte';

/** Work stops for this idle period when less time than this is left (a job takes a few ms). */
const RESERVE_MS = 20;

const queue = new Set<() => void>();
let scheduled = false;

function run(deadline: IdleDeadline): void {
  scheduled = false;
  for (const job of queue) {
    queue.delete(job);
    // Svelte renders a state change in a microtask after this callback: flushed here, so the
    // deadline counts the rendering too.
    flushSync(job);
    if (deadline.timeRemaining() < RESERVE_MS) break;
  }
  schedule();
}

function schedule(): void {
  if (scheduled || queue.size === 0) return;
  scheduled = true;
  requestIdleCallback(run);
}

/** Runs `job` in an idle period; the returned function takes it back if it has not run yet. */
export function whenIdle(job: () => void): () => void {
  queue.add(job);
  schedule();
  return () => queue.delete(job);
}
