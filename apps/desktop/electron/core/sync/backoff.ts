// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
// a whole ward's PCs reconnecting after a relay restart spread out instead of arriving at once.
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };
export const SEND_RETRY_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 };
/** A gap the relay did not declare: asked again, ever more slowly, while newer events flow on. */
export const GAP_RETRY_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 5 * 60_000 };

/** Delay before attempt number `attempt` (0 = first retry). `random` returns [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  // Never 0, so a failing peer is not hammered in a tight loop.
  return Math.max(policy.baseMs / 4, Math.floor(random() * ceiling));
}
