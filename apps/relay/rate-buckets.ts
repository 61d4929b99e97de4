// The relay's rate buckets: per connection, per device (shared by a device's sockets in this
// process) and per device for directory records. A device's buckets outlive its sockets until they
// are full again, so reconnecting refills nothing.
import { TokenBucket, type RelayLimits } from './limits.ts';

export class RateBuckets {
  readonly #limits: RelayLimits;
  readonly #buckets = new Map<string, { frames: TokenBucket; bytes: TokenBucket }>();
  readonly #records = new Map<string, TokenBucket>();
  readonly #signIns = new Map<string, TokenBucket>();

  constructor(limits: RelayLimits) {
    this.#limits = limits;
  }

  connection(key: string): { frames: TokenBucket; bytes: TokenBucket } {
    let entry = this.#buckets.get(key);
    if (!entry) {
      entry = {
        frames: new TokenBucket(this.#limits.framesPerSecond, this.#limits.frameBurst),
        bytes: new TokenBucket(this.#limits.bytesPerSecond, this.#limits.byteBurst),
      };
      this.#buckets.set(key, entry);
    }
    return entry;
  }

  /** A directory agent's (`agent`) is larger, for its first sync, but bounded. */
  records(deviceId: string, agent = false): TokenBucket {
    let bucket = this.#records.get(deviceId);
    if (!bucket) {
      bucket = agent
        ? new TokenBucket(this.#limits.agentRecordsPerMinute / 60, this.#limits.agentRecordBurst)
        : new TokenBucket(this.#limits.recordsPerMinute / 60, this.#limits.recordBurst);
      this.#records.set(deviceId, bucket);
    }
    return bucket;
  }

  /** Sign-in requests from one network address (kept until full again, so reconnecting refills nothing). */
  signIn(address: string): TokenBucket {
    let bucket = this.#signIns.get(address);
    if (!bucket) {
      bucket = new TokenBucket(this.#limits.signInPerMinute / 60, this.#limits.signInBurst);
      this.#signIns.set(address, bucket);
    }
    return bucket;
  }

  forgetConnection(id: number): void {
    this.#buckets.delete(`conn:${id}`);
  }

  // A device's buckets outlive its sockets until they are full again, so closing every socket
  // and reconnecting refills nothing; forgetting a full bucket changes nothing.
  forgetFull(connected: (deviceId: string) => boolean): void {
    for (const [key, entry] of this.#buckets)
      if (!key.startsWith('conn:') && !connected(key) && entry.frames.full() && entry.bytes.full())
        this.#buckets.delete(key);
    for (const [deviceId, bucket] of this.#records)
      if (!connected(deviceId) && bucket.full()) this.#records.delete(deviceId);
    // Bounded by the addresses that asked within the last few minutes.
    for (const [address, bucket] of this.#signIns) if (bucket.full()) this.#signIns.delete(address);
  }
}
