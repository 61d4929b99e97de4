// Attempt limits for sign-in with the directory password: a token bucket per key (an account
// name, a workstation's address) that refills `burst` attempts over `windowMs`. The map is bounded:
// past `maxKeys` the buckets that are full again go first, then the oldest, so a flood of made-up
// names cannot grow the agent's memory without end.
export class AttemptLimits {
  readonly #burst: number;
  readonly #perMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: { burst: number; windowMs: number; maxKeys?: number; now?: () => number }) {
    this.#burst = options.burst;
    this.#perMs = options.burst / options.windowMs;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Takes one attempt for `key`; when none is left, the whole seconds until one is. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.#now();
    const bucket = this.#refilled(key, now);
    if (bucket.tokens < 1)
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000)) };
    bucket.tokens -= 1;
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    this.#bound(now);
    return { ok: true };
  }

  get size(): number {
    return this.#buckets.size;
  }

  #refilled(key: string, now: number): { tokens: number; at: number } {
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#perMs);
    bucket.at = now;
    return bucket;
  }

  #bound(now: number): void {
    if (this.#buckets.size <= this.#maxKeys) return;
    for (const key of [...this.#buckets.keys()])
      if (this.#refilled(key, now).tokens >= this.#burst) this.#buckets.delete(key);
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= this.#maxKeys) break;
      this.#buckets.delete(key);
    }
  }
}

/**
 * The key an account name's attempts are counted under: the forms a directory matches to the same
 * entry are one key. LDAP's caseIgnoreMatch (uid, sAMAccountName) folds case and compatibility
 * forms (full-width, superscript: 'ＰＥＲＳＯＮ4' and 'person⁴' find person4) and repeated spaces;
 * JavaScript's toLowerCase alone does not, so each spelling would get attempts of its own.
 */
export function accountKey(account: string): string {
  return account.normalize('NFKC').toLowerCase().normalize('NFKC').replace(/\s+/g, ' ').trim();
}
