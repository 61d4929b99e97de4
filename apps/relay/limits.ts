// Relay limits: sizes, rates and buffers. Defaults suit a clinic; every value can be set by the
// config file, environment or flags (apps/relay/config.ts).
import { MAX_FRAME_BYTES } from '@klinikfunk/protocol/relay/frames.ts';

export interface RelayLimits {
  /** Largest frame accepted; bigger ones get `frame_too_large` (4x this closes the socket). */
  maxFrameBytes: number;
  /** Live pushes pause (and the device gets a `lag` frame) above this many unsent bytes. */
  sendBufferPauseBytes: number;
  /** A connection whose unsent bytes pass this is closed (4008): relay memory stays bounded. */
  sendBufferMaxBytes: number;
  /** Frames a connection may have queued for processing; more get `rate_limited`. */
  maxQueuedFrames: number;
  /** Bytes of frames a connection may have queued (bounds relay memory per connection). */
  maxQueuedBytes: number;
  /** Token bucket per device: frames per second and burst. */
  framesPerSecond: number;
  frameBurst: number;
  /** Token bucket per device: bytes per second and burst. */
  bytesPerSecond: number;
  byteBurst: number;
  /** A connection that sent this many bad frames is closed (1002). */
  maxBadFrames: number;
  maxBlobBytes: number;
  /** Items waiting in one device's mailbox; more get `quota_exceeded` (a device that never comes back). */
  maxMailboxItems: number;
  /**
   * Items one sender may have waiting in one recipient's mailbox: a flooder fills only its own
   * share, so other devices' key shares still arrive.
   */
  maxMailboxItemsPerPair: number;
  /** Items one sender may have waiting across all mailboxes. */
  maxMailboxItemsPerSender: number;
  /** Mail items older than this are deleted (hourly), whatever the event retention. */
  mailMaxAgeMs: number;
  /**
   * Token bucket per device for directory records it publishes (dir_put), except org-signed
   * ones (only admins hold the org key): every stored record makes every device refetch.
   */
  recordsPerMinute: number;
  recordBurst: number;
  /**
   * Token bucket per directory agent (key-holder delegation) for the records it signs: a first
   * sync stores thousands at once, but a stolen agent key still cannot flood every device.
   */
  agentRecordsPerMinute: number;
  agentRecordBurst: number;
  /**
   * Sign-in requests with the directory password (signin_request) per network address: each one
   * costs the directory an LDAP search and bind. The directory agent limits per account too.
   */
  signInPerMinute: number;
  signInBurst: number;
  /** Milliseconds the relay waits for the directory agent's answer to a sign-in. */
  signInTimeoutMs: number;
  /** Channels one device may create (its first roster of a channel) in any 24 hours. */
  channelsPerDevicePerDay: number;
  /** Escalations one device may have pending (steps not yet released or acknowledged); more get `quota_exceeded`. */
  maxPendingEscalationsPerDevice: number;
  blobQuotaBytes: number;
  /** Milliseconds to send hello and auth. */
  authTimeoutMs: number;
  /** WebSocket ping interval; a connection silent for two intervals is dropped. */
  heartbeatMs: number;
  maxConnections: number;
  /** Authenticated sockets per device; a newer one closes the oldest (4010). */
  maxConnectionsPerDevice: number;
  /** Sockets from one address that have not authenticated yet; more are closed at once (1013). */
  maxUnauthenticatedPerAddress: number;
  /** Unreferenced complete blobs are kept this long (time to publish the event), incomplete uploads this long. */
  blobGraceMs: number;
  incompleteBlobMaxAgeMs: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  maxFrameBytes: MAX_FRAME_BYTES,
  sendBufferPauseBytes: 1024 * 1024,
  sendBufferMaxBytes: 16 * 1024 * 1024,
  maxQueuedFrames: 256,
  maxQueuedBytes: 8 * 1024 * 1024,
  framesPerSecond: 500,
  frameBurst: 2000,
  // Frame bytes (base64 on the wire): about a gigabit LAN per device, so a large scan uploads at
  // disk speed while a runaway client still cannot starve the relay for long.
  bytesPerSecond: 128 * 1024 * 1024,
  byteBurst: 256 * 1024 * 1024,
  maxBadFrames: 50,
  maxBlobBytes: 200 * 1024 * 1024,
  maxMailboxItems: 10_000,
  // Key shares: one per channel and sender-key rotation; 2,000 for one offline device is months
  // of a busy colleague's channels.
  maxMailboxItemsPerPair: 2_000,
  maxMailboxItemsPerSender: 50_000,
  mailMaxAgeMs: 30 * 24 * 3600_000,
  recordsPerMinute: 30,
  recordBurst: 60,
  agentRecordsPerMinute: 1_200,
  agentRecordBurst: 5_000,
  signInPerMinute: 6,
  signInBurst: 20,
  signInTimeoutMs: 30_000,
  channelsPerDevicePerDay: 50,
  // Urgent messages awaiting acknowledgement from one workstation: far above a night shift's, and
  // each holds at most 4 steps of 64 sealed items in one frame (1 MiB), so one device's share stays
  // bounded (about 200 MiB).
  maxPendingEscalationsPerDevice: 200,
  blobQuotaBytes: 2 * 1024 * 1024 * 1024,
  authTimeoutMs: 5_000,
  heartbeatMs: 20_000,
  maxConnections: 20_000,
  maxConnectionsPerDevice: 4,
  // A terminal server with many sessions connects from one address, but each socket is
  // unauthenticated for a round trip only.
  maxUnauthenticatedPerAddress: 32,
  blobGraceMs: 24 * 3600_000,
  incompleteBlobMaxAgeMs: 7 * 24 * 3600_000,
};

/** Classic token bucket; `take` returns false when the cost does not fit. */
export class TokenBucket {
  #tokens: number;
  #last: number;
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;

  constructor(ratePerSecond: number, burst: number, now: () => number = Date.now) {
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#tokens = burst;
    this.#now = now;
    this.#last = now();
  }

  take(cost = 1): boolean {
    this.#refill();
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }

  /** Whole seconds until `cost` tokens are there again (at least 1). */
  waitSeconds(cost = 1): number {
    this.#refill();
    return Math.max(1, Math.ceil((cost - this.#tokens) / this.#rate));
  }

  /** True when the bucket is back at its burst: forgetting it then changes nothing. */
  full(): boolean {
    this.#refill();
    return this.#tokens >= this.#burst;
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#rate);
    this.#last = now;
  }
}
