// One device's WebSocket: the auth handshake, then one handler per frame type. Frames of a
// connection are handled one after another (a device's publishes keep their order), every frame
// is parsed with its schema first, and every failure becomes an error frame with a stable code:
// nothing a device sends can throw out of here.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import { encodeBinaryFrame, splitBinaryFrame } from '@klinikfunk/protocol/relay/binary-frame.ts';
import {
  authChallengeText,
  BLOB_CHUNK_BYTES,
  blobChunkHeader,
  enrolLookupText,
  CLOSE_CODES,
  clientFrame,
  MAX_ENVELOPE_BYTES,
  MAX_MAILBOX_BYTES,
  RELAY_PROTOCOL_VERSION,
  type ClientFrame,
  type DeviceSeen,
  type RelayErrorCode,
  type ServerFrame,
} from '@klinikfunk/protocol/relay/frames.ts';
import { frameForVersion, relayServesVersion, versionRefusalText } from '@klinikfunk/protocol/relay/version-window.ts';
import { bytesEqual, fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { parseEnvelope } from '@klinikfunk/protocol/wire/envelope-layout.ts';
import type { RelayLimits, TokenBucket } from './limits.ts';
import type { RelayLog } from './log.ts';
import type { AppendItem, AppendResult, BlobAccess, MailQuotaHit, RelayStore } from './store/store.ts';
import type { DeviceIdentity, TrustVerifier } from './trust.ts';

export interface ConnectionContext {
  store: RelayStore;
  trust: TrustVerifier;
  limits: RelayLimits;
  log: RelayLog;
  relayId: string;
  /**
   * When set, every published envelope must parse (packages/protocol/wire/envelope-layout.ts) and its
   * header must name this organisation, the publish frame's channel and client event id, and the
   * authenticated device as sender. Off only for tests that publish arbitrary bytes.
   */
  envelopeCheck: { orgIdRaw: Uint8Array } | null;
  /**
   * Stores publishes (store.appendBatch rules) together with other connections' publishes of the
   * same event-loop turn (group-commit.ts); resolves once they are durable.
   */
  append(items: readonly AppendItem[]): Promise<AppendResult[]>;
  /** Per-device rate buckets, shared by a device's connections in this process. */
  buckets(key: string): { frames: TokenBucket; bytes: TokenBucket };
  /**
   * Per-device bucket for directory records (kept while the device is away, so reconnecting refills
   * nothing); a directory agent's (`agent`) is larger, for its first sync.
   */
  recordBucket(deviceId: string, agent?: boolean): TokenBucket;
  onAuthenticated(conn: Connection): void;
  onClosed(conn: Connection): void;
  /** A new event was stored: push it to the channel's other subscribers. */
  committed(channelId: string, seq: number, envelope: Uint8Array, at: number, from: Connection): void;
  /** Presence of every device in the directory (devices_seen; the caller checked the admin role). */
  devicesSeen(): Promise<DeviceSeen[]>;
  mailed(
    toDeviceId: string,
    item: { messageId: string; fromDeviceId: string; payload: Uint8Array; storedAt: number },
  ): void;
  draining(): boolean;
  /**
   * A request was answered `unavailable` because its handler threw (the store, nearly always):
   * counted, and the store's health checked now. True while the store is known to be failing
   * (then the request's own log line is debug: the state change was logged once).
   */
  requestFailed(error: unknown): boolean;
}

/** Why an envelope's header does not match its publish frame, or null when it does. */
function headerMismatch(
  envelope: Uint8Array,
  frame: PublishFrame,
  device: DeviceIdentity,
  orgIdRaw: Uint8Array,
): string | null {
  const parsed = parseEnvelope(envelope);
  if (!parsed.ok) return parsed.reason;
  const header = parsed.envelope.header;
  if (!bytesEqual(header.orgIdRaw, orgIdRaw)) return 'another organisation';
  if (header.channelId !== frame.channelId) return 'another channel';
  if (header.senderDeviceId !== device.deviceId) return 'another sender device';
  if (toBase64Url(header.clientEventId) !== frame.clientEventId) return 'another client event id';
  return null;
}

class FrameError extends Error {
  readonly code: RelayErrorCode;
  constructor(code: RelayErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

type ParsedFrame = { success: true; data: ClientFrame } | { success: false; reason: string };

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.join('.') ?? '';
  return `${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}`.slice(0, 300);
}

function parseTextClientFrame(json: unknown): ParsedFrame {
  if ((json as { t?: unknown } | null)?.t === 'blob_chunk')
    return { success: false, reason: 'blob chunks travel as binary frames (see docs/relay-protocol.md)' };
  const parsed = clientFrame.safeParse(json);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, reason: issueText(parsed.error) };
}

/** The only binary frame a device sends is blob_chunk: a checked header and 1..BLOB_CHUNK_BYTES of data. */
function parseBinaryClientFrame(json: unknown, data: Uint8Array): ParsedFrame {
  const parsed = blobChunkHeader.safeParse(json);
  if (!parsed.success) return { success: false, reason: issueText(parsed.error) };
  if (data.length === 0 || data.length > BLOB_CHUNK_BYTES)
    return { success: false, reason: `blob chunk of ${data.length} bytes (1 to ${BLOB_CHUNK_BYTES})` };
  return { success: true, data: { ...parsed.data, data } };
}

/** Frame bytes: the frame schema passed only canonical base64url, so a refusal here is a schema gap, answered as bad_frame. */
const unb64 = (text: string): Uint8Array => {
  const bytes = fromBase64Url(text);
  if (!bytes) throw new FrameError('bad_frame', 'not canonical base64url');
  return bytes;
};

const MAIL_QUOTA_TEXT: Record<MailQuotaHit, (l: RelayLimits) => string> = {
  sender_recipient_full: (l) =>
    `this device has ${l.maxMailboxItemsPerPair} items waiting for the recipient; it must fetch them first`,
  sender_full: (l) =>
    `this device has ${l.maxMailboxItemsPerSender} mailbox items waiting in all; recipients must fetch them first`,
  recipient_full: (l) => `the recipient mailbox is full (${l.maxMailboxItems} items)`,
};

let nextConnectionId = 1;
const PRE_AUTH_FRAME_BYTES = 64 * 1024;
/** Frames an unauthenticated socket may have queued: hello, enrol_lookup, auth and a ping need no more. */
const PRE_AUTH_QUEUED_FRAMES = 8;
/** How often a connection waiting for its send buffer to drain looks again. */
const DRAIN_POLL_MS = 20;
/** Uploads a connection hashes as they arrive; beyond this (abandoned begins) completion reads back. */
const MAX_RUNNING_HASHES = 8;
/** Most publishes stored in one transaction. */
const PUBLISH_BATCH = 64;
type PublishFrame = Extract<ClientFrame, { t: 'publish' }>;

export class Connection {
  readonly id = nextConnectionId++;
  /** The peer's address (per-address limits on unauthenticated sockets). */
  readonly remote: string;
  readonly #ws: WebSocket;
  /** The WebSocket's TCP (or TLS) socket, corked while a turn's frames for it are written. */
  readonly #socket: Socket | null;
  #corked = false;
  readonly #ctx: ConnectionContext;
  readonly #log: RelayLog;
  readonly #nonce = randomBytes(32).toString('base64url');
  #helloDeviceId: string | null = null;
  /** The protocol version the device announced in hello (inside the window); frames go out in its shape. */
  #version = RELAY_PROTOCOL_VERSION;
  #appVersion: string | null = null;
  #device: DeviceIdentity | null = null;
  /** Authenticated with a key-holder delegation's key (the directory agent): directory frames only. */
  #agent = false;
  #queue: Promise<void> = Promise.resolve();
  readonly #inbox: ClientFrame[] = [];
  #inboxBytes = 0;
  readonly #frameBytes = new WeakMap<ClientFrame, number>();
  #pumping = false;
  #badFrames = 0;
  #lastFloodLog = 0;
  #floodSuppressed = 0;
  #lagTimer: NodeJS.Timeout | null = null;
  #alive = true;
  #closed = false;
  readonly #connBuckets: { frames: TokenBucket; bytes: TokenBucket };
  readonly #authTimer: NodeJS.Timeout;
  /** SHA-256 of uploads this connection began from byte 0, so completing one needs no read-back. */
  readonly #uploadHashes = new Map<string, { hash: Hash; at: number; generation: number }>();
  /** Channels this device may read; kept current by the hub on roster changes. */
  channels = new Set<string>();
  /** The relay protocol version the client said in hello (metrics), null before. */
  protocolVersion: number | null = null;

  constructor(ws: WebSocket, ctx: ConnectionContext, remote: string, socket: Socket | null = null) {
    this.#ws = ws;
    this.#socket = socket;
    this.#ctx = ctx;
    this.remote = remote;
    this.#log = ctx.log.child('conn', { conn: this.id });
    this.#connBuckets = ctx.buckets(`conn:${this.id}`);
    this.#log.debug('connection opened', { remote });
    this.#authTimer = setTimeout(() => {
      if (!this.#device) this.close(CLOSE_CODES.authTimeout, 'no authentication in time');
    }, ctx.limits.authTimeoutMs);
    ws.on('message', (data, isBinary) => this.#onMessage(data as Buffer, isBinary));
    ws.on('pong', () => (this.#alive = true));
    ws.on('close', (code) => this.#onClose(code));
    ws.on('error', (error) => this.#log.warn('socket error', { error: error.message }));
  }

  /** Bytes queued for this socket and not yet written to the kernel. */
  get buffered(): number {
    return this.#ws.bufferedAmount;
  }

  /** A directory agent's session (no device: no presence, no channels). */
  get agent(): boolean {
    return this.#agent;
  }

  get device(): DeviceIdentity | null {
    return this.#device;
  }

  /** What the device said in hello: its protocol version and app version (null: a v3 device says none). */
  get announced(): { protocol: number; appVersion: string | null } {
    return { protocol: this.#version, appVersion: this.#appVersion };
  }

  /** Closed or closing: no longer counts as one of its device's sockets. */
  get closing(): boolean {
    return this.#closed;
  }

  /** Heartbeat tick: false when the peer did not answer the last ping (then it is terminated). */
  heartbeat(): boolean {
    if (!this.#alive) {
      this.#log.info('heartbeat missed, dropping');
      this.#ws.terminate();
      return false;
    }
    this.#alive = false;
    this.#ws.ping();
    return true;
  }

  /** Resolves when every frame received so far has been handled (graceful shutdown). */
  settled(): Promise<void> {
    return this.#queue;
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#authTimer);
    this.#log.info('closing', { code, reason });
    // A peer that does not read would not see the close frame behind its unread data: cut it off
    // now rather than hold that data (a device replaced by its newer sockets, say) for seconds.
    if (this.#ws.bufferedAmount > this.#ctx.limits.sendBufferPauseBytes) {
      this.#ws.terminate();
      return;
    }
    this.#ws.close(code, reason);
    // A peer that never answers the close handshake is cut off.
    setTimeout(() => this.#ws.terminate(), 2000).unref();
  }

  /**
   * Live push of a pre-serialised frame; skipped (and the device told to pull) while lagging.
   * Pushes (push, mail_push, dir_push) are the same in every version of the window; a version
   * bump that changes one must serialise it per version (packages/protocol/relay/version-window.ts).
   */
  pushRaw(text: string): void {
    if (this.#closed || this.#ws.readyState !== this.#ws.OPEN || this.#lagTimer) return;
    const buffered = this.#ws.bufferedAmount;
    if (buffered > this.#ctx.limits.sendBufferPauseBytes) {
      // Pause: drop pushes (they are in the store) until the buffer drained, then tell the
      // device once that it missed some, so it pulls by seq.
      this.#log.info('push paused: device reads too slowly', { buffered });
      this.#lagTimer = setInterval(() => {
        if (this.#closed) return this.#stopLagTimer();
        if (this.#ws.bufferedAmount > this.#ctx.limits.sendBufferPauseBytes / 2) return;
        this.#stopLagTimer();
        this.#log.info('push resumed');
        this.#ws.send(JSON.stringify({ t: 'lag' } satisfies ServerFrame));
      }, 200);
      return;
    }
    this.#cork();
    this.#ws.send(text);
    this.#flushLarge();
  }

  /**
   * Frames written to this socket in one turn (pushes of a group commit, acks, answers) leave in
   * one write: the socket is corked at the first and uncorked once the turn's callbacks and
   * promise reactions ran, instead of one writev per frame.
   */
  #cork(): void {
    const socket = this.#socket;
    if (this.#corked || !socket || socket.destroyed) return;
    this.#corked = true;
    socket.cork();
    process.nextTick(() => {
      this.#corked = false;
      socket.uncork();
    });
  }

  /**
   * Writes out what the socket holds corked once it reaches half the pause bound (and corks again
   * for the rest of the turn). The send buffer (bufferedAmount, which counts corked bytes) then
   * means what the peer has not read, as the pause and close bounds expect, and a turn that fans
   * out a large group holds about the pause bound per socket in memory instead of all of it. Half,
   * not less: each write out is a system call more (the fan-out bench ran slower at 64 and 256 KiB).
   */
  #flushLarge(): void {
    const socket = this.#socket;
    if (!this.#corked || !socket || socket.writableLength < this.#ctx.limits.sendBufferPauseBytes / 2) return;
    socket.uncork();
    socket.cork();
  }

  #stopLagTimer(): void {
    if (this.#lagTimer) clearInterval(this.#lagTimer);
    this.#lagTimer = null;
  }

  send(frame: ServerFrame): void {
    if (this.#closed || this.#ws.readyState !== this.#ws.OPEN) return;
    if (this.#ws.bufferedAmount > this.#ctx.limits.sendBufferMaxBytes) {
      this.close(CLOSE_CODES.tooSlow, 'send buffer full');
      return;
    }
    this.#cork();
    if (frame.t === 'blob_data') {
      const { data, ...header } = frame;
      this.#ws.send(encodeBinaryFrame(header, data));
    } else {
      this.#ws.send(JSON.stringify(frameForVersion(frame, this.#version)));
    }
    this.#flushLarge();
  }

  #onClose(code: number): void {
    this.#closed = true;
    this.#stopLagTimer();
    clearTimeout(this.#authTimer);
    this.#log.debug('connection closed', { code, device: this.#device?.deviceId });
    this.#ctx.onClosed(this);
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (this.#closed) return;
    const bytes = data.length;
    // Before authentication only hello, auth (with a certificate of ~1 KB) and ping make sense.
    const limit = this.#device ? this.#ctx.limits.maxFrameBytes : PRE_AUTH_FRAME_BYTES;
    if (bytes > limit) {
      this.#reject(
        undefined,
        'frame_too_large',
        `frame of ${bytes} bytes, limit ${limit}${this.#device ? '' : ' before authentication'}`,
      );
      return;
    }
    let json: unknown;
    let payload: Uint8Array | null = null;
    if (isBinary) {
      const split = splitBinaryFrame(data);
      if (!split.ok) {
        this.#reject(undefined, 'bad_frame', split.reason);
        return;
      }
      json = split.header;
      payload = split.data;
    } else {
      try {
        json = JSON.parse(data.toString('utf8'));
      } catch {
        this.#reject(undefined, 'bad_frame', 'not JSON');
        return;
      }
    }
    const rawId = (json as { id?: unknown } | null)?.id;
    const requestId = typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId > 0 ? rawId : undefined;
    // Rate limits count every frame, valid or not; the answer names the request so the device's
    // pending call ends at once instead of timing out.
    const buckets = this.#device ? this.#ctx.buckets(this.#device.deviceId) : this.#connBuckets;
    if (!buckets.frames.take(1) || !buckets.bytes.take(bytes)) {
      this.#reject(requestId, 'rate_limited', 'too many frames or bytes; slow down');
      return;
    }
    const parsed = payload ? parseBinaryClientFrame(json, payload) : parseTextClientFrame(json);
    if (!parsed.success) {
      this.#reject(requestId, 'bad_frame', parsed.reason);
      return;
    }
    // Frames already queued are finished on shutdown; new ones are turned away.
    if (this.#ctx.draining()) {
      this.#reject('id' in parsed.data ? parsed.data.id : undefined, 'unavailable', 'relay shutting down; reconnect');
      return;
    }
    if (
      this.#inbox.length >= (this.#device ? this.#ctx.limits.maxQueuedFrames : PRE_AUTH_QUEUED_FRAMES) ||
      this.#inboxBytes + bytes > this.#ctx.limits.maxQueuedBytes
    ) {
      this.#reject('id' in parsed.data ? parsed.data.id : undefined, 'rate_limited', 'too many frames in flight');
      return;
    }
    this.#inbox.push(parsed.data);
    this.#inboxBytes += bytes;
    this.#frameBytes.set(parsed.data, bytes);
    if (!this.#pumping) this.#queue = this.#pump();
  }

  /**
   * Handles queued frames in arrival order. Publishes that are queued back to back are stored in
   * one transaction (group commit: one fsync for the lot) and acked in order afterwards.
   */
  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#inbox.length > 0) {
        // Backpressure: nothing more is read from the store for a device that does not read its
        // answers (a blob download it never takes); its queue fills and further frames get
        // rate_limited, so relay memory per socket stays bounded.
        if (!(await this.#drained())) return;
        const frame = this.#take()!;
        if (frame.t === 'publish' && this.#device) {
          const batch = [frame];
          while (batch.length < PUBLISH_BATCH && this.#inbox[0]?.t === 'publish')
            batch.push(this.#take() as PublishFrame);
          await this.#guard(batch, () => this.#publishBatch(batch, this.#device!));
        } else {
          await this.#guard([frame], () => this.#handle(frame));
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Waits until the send buffer is below the pause bound; false when the socket closed meanwhile. */
  async #drained(): Promise<boolean> {
    const bound = this.#ctx.limits.sendBufferPauseBytes;
    while (!this.#closed && this.#ws.bufferedAmount > bound)
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    if (this.#closed) {
      this.#inbox.length = 0;
      this.#inboxBytes = 0;
    }
    return !this.#closed;
  }

  #take(): ClientFrame | undefined {
    const frame = this.#inbox.shift();
    if (frame) {
      this.#inboxBytes -= this.#frameBytes.get(frame) ?? 0;
      this.#frameBytes.delete(frame);
    }
    return frame;
  }

  async #guard(frames: ClientFrame[], work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      for (const frame of frames) {
        const id = 'id' in frame ? frame.id : undefined;
        if (error instanceof FrameError) this.#reject(id, error.code, error.message);
        else {
          const known = this.#ctx.requestFailed(error);
          this.#log[known ? 'debug' : 'error']('handler failed', {
            type: frame.t,
            error: error instanceof Error ? error.message : String(error),
          });
          this.#reject(id, 'unavailable', 'the relay could not complete this request; retry later');
        }
      }
    }
  }

  async #publishBatch(frames: PublishFrame[], device: DeviceIdentity): Promise<void> {
    const accepted: Array<{ frame: PublishFrame; envelope: Uint8Array }> = [];
    for (const frame of frames) {
      if (!this.#ctx.trust.isMember(frame.channelId, device.userId)) {
        this.#reject(frame.id, 'not_member', 'not a current member of this channel');
        continue;
      }
      const envelope = fromBase64Url(frame.envelope);
      if (!envelope) {
        this.#reject(frame.id, 'bad_frame', 'envelope: not canonical base64url');
        continue;
      }
      if (envelope.length > MAX_ENVELOPE_BYTES) {
        this.#reject(frame.id, 'too_large', 'envelope too large');
        continue;
      }
      const mismatch = this.#ctx.envelopeCheck
        ? headerMismatch(envelope, frame, device, this.#ctx.envelopeCheck.orgIdRaw)
        : null;
      if (mismatch) {
        this.#reject(frame.id, 'bad_frame', `envelope header: ${mismatch}`);
        continue;
      }
      accepted.push({ frame, envelope });
    }
    if (accepted.length === 0) return;
    // A publish may reference only blobs its sender may read: its own uploads, or blobs an event
    // of one of its channels references. Otherwise listing a hash would unlock the blob for the
    // channel's members and pin it against the GC.
    const listed = accepted.flatMap(({ frame }) => frame.blobs ?? []);
    if (listed.length > 0) {
      const access = await this.#ctx.store.blobAccess(listed);
      for (let i = accepted.length - 1; i >= 0; i--) {
        const { frame } = accepted[i]!;
        const foreign = (frame.blobs ?? []).find((hash) => {
          const blob = access.get(hash);
          return blob !== undefined && !this.#mayRead(blob, device);
        });
        if (foreign === undefined) continue;
        this.#reject(
          frame.id,
          'not_permitted',
          `blob ${foreign.slice(0, 12)}… is another device's and in none of your channels`,
        );
        accepted.splice(i, 1);
      }
      if (accepted.length === 0) return;
    }
    const results = await this.#ctx.append(
      accepted.map(({ frame, envelope }) => ({
        channelId: frame.channelId,
        clientEventId: frame.clientEventId,
        senderDeviceId: device.deviceId,
        envelope,
        blobHashes: frame.blobs ?? [],
      })),
    );
    accepted.forEach(({ frame, envelope }, i) => {
      const result = results[i]!;
      if (result.taken) {
        this.#reject(frame.id, 'conflict', 'another device published an event with this client event id here');
        return;
      }
      this.send({
        t: 'ack',
        id: frame.id,
        channelId: frame.channelId,
        seq: result.seq,
        duplicate: result.duplicate,
        at: result.at,
        incarnation: this.#ctx.store.incarnation(),
      });
      if (!result.duplicate) this.#ctx.committed(frame.channelId, result.seq, envelope, result.at, this);
    });
  }

  #reject(id: number | undefined, code: RelayErrorCode, message: string): void {
    // A flood is logged once a second per connection, with the count, not once per frame.
    const now = Date.now();
    if (code !== 'rate_limited' || now - this.#lastFloodLog >= 1000) {
      this.#log.info('frame rejected', {
        code,
        reason: message,
        device: this.#device?.deviceId,
        ...(code === 'rate_limited' ? { suppressed: this.#floodSuppressed } : {}),
      });
      if (code === 'rate_limited') {
        this.#lastFloodLog = now;
        this.#floodSuppressed = 0;
      }
    } else this.#floodSuppressed++;
    // A device that does not read its answers gets no more error frames piled up for it.
    if (this.#ws.bufferedAmount <= this.#ctx.limits.sendBufferPauseBytes)
      this.send({ t: 'error', ...(id !== undefined ? { id } : {}), code, message });
    if (code === 'bad_frame' || code === 'frame_too_large') {
      if (++this.#badFrames >= this.#ctx.limits.maxBadFrames)
        this.close(CLOSE_CODES.protocolError, 'too many bad frames');
    }
  }

  #requireDevice(): DeviceIdentity {
    if (!this.#device) throw new FrameError('not_authenticated', 'authenticate first (hello, auth)');
    return this.#device;
  }

  /** The uploader, or a device whose user belongs to a channel with a retained event referencing the blob. */
  #mayRead(blob: BlobAccess, device: DeviceIdentity): boolean {
    return (
      blob.ownerDeviceId === device.deviceId ||
      blob.channels.some((channel) => this.#ctx.trust.isMember(channel, device.userId))
    );
  }

  #requireMember(channelId: string, device: DeviceIdentity): void {
    if (!this.#ctx.trust.isMember(channelId, device.userId))
      throw new FrameError('not_member', 'not a current member of this channel');
  }

  async #handle(frame: ClientFrame): Promise<void> {
    switch (frame.t) {
      case 'hello':
        return this.#hello(frame);
      case 'auth':
        return this.#auth(frame);
      case 'ping':
        return this.send({ t: 'pong', id: frame.id, serverTime: Date.now() });
      case 'enrol_lookup':
        return this.#enrolLookup(frame);
      case 'wipe_done':
        return this.#wipeDone(frame);
      // The rest needs an authenticated device: handled below.
      case 'publish':
      case 'sync':
      case 'fetch':
      case 'mail_put':
      case 'mail_fetch':
      case 'mail_ack':
      case 'blob_begin':
      case 'blob_chunk':
      case 'blob_get':
      case 'dir_get':
      case 'dir_put':
      case 'devices_seen':
        break;
      default: {
        const _unhandled: never = frame;
        break;
      }
    }
    const device = this.#requireDevice();
    if (this.#agent) {
      if (frame.t !== 'dir_get' && frame.t !== 'dir_put')
        throw new FrameError('not_permitted', 'a directory agent session reads and stores directory records only');
      // A revocation closes the session when it is stored, but an end date passes without a record:
      // the session may read no further once its delegation has ended.
      const still = this.#ctx.trust.checkAgentKey(device.deviceId);
      if (!still.ok) {
        this.send({ t: 'error', id: frame.id, code: 'revoked', message: still.reason });
        this.close(CLOSE_CODES.revoked, still.reason.slice(0, 100));
        return;
      }
    }
    const { store, trust } = this.#ctx;
    switch (frame.t) {
      case 'publish':
        return this.#publishBatch([frame], device);
      case 'sync':
        return this.#sync(frame, device);
      case 'fetch': {
        this.#requireMember(frame.channelId, device);
        // History first, then the page: every event up to that head is visible to the page, so a
        // short page that ends below the head means the relay lacks those seqs (a real gap).
        const history = (await store.histories([frame.channelId])).get(frame.channelId);
        const events = await store.page(frame.channelId, frame.afterSeq, frame.limit);
        const head = history?.head ?? 0;
        // What the page covers: up to its last event when full (more follow), else up to the head.
        const covers = events.length >= frame.limit ? events.at(-1)!.seq : head;
        const gone = history?.base != null ? await store.goneRanges(frame.channelId, frame.afterSeq, covers) : [];
        return this.send({
          t: 'page',
          id: frame.id,
          channelId: frame.channelId,
          events: events.map((e) => ({ seq: e.seq, envelope: toBase64Url(e.envelope), at: e.at })),
          head,
          historyStart: history?.historyStart ?? 1,
          ...(gone.length > 0 ? { gone } : {}),
          incarnation: store.incarnation(),
        });
      }
      case 'mail_put': {
        if (!trust.isActive(frame.toDeviceId)) throw new FrameError('not_found', 'no such active device');
        const payload = unb64(frame.payload);
        if (payload.length > MAX_MAILBOX_BYTES) throw new FrameError('too_large', 'mailbox payload too large');
        const { limits } = this.#ctx;
        const storedAt = Date.now();
        const fresh = await store.mailPut(frame.toDeviceId, frame.messageId, device.deviceId, payload, storedAt, {
          perRecipient: limits.maxMailboxItems,
          perSenderRecipient: limits.maxMailboxItemsPerPair,
          perSender: limits.maxMailboxItemsPerSender,
        });
        if (typeof fresh === 'string') throw new FrameError('quota_exceeded', MAIL_QUOTA_TEXT[fresh](limits));
        this.send({ t: 'ok', id: frame.id });
        if (fresh)
          this.#ctx.mailed(frame.toDeviceId, {
            messageId: frame.messageId,
            fromDeviceId: device.deviceId,
            payload,
            storedAt,
          });
        return;
      }
      case 'mail_fetch': {
        const items = await store.mailFetch(device.deviceId, frame.limit);
        return this.send({
          t: 'mail',
          id: frame.id,
          items: items.map((i) => ({
            messageId: i.messageId,
            fromDeviceId: i.fromDeviceId,
            payload: toBase64Url(i.payload),
            storedAt: i.storedAt,
          })),
        });
      }
      case 'mail_ack':
        await store.mailAck(device.deviceId, frame.messageIds);
        return this.send({ t: 'ok', id: frame.id });
      case 'blob_begin':
        return this.#blobBegin(frame, device);
      case 'blob_chunk':
        return this.#blobChunk(frame, device);
      case 'blob_get': {
        // A blob the device may not read is answered like one that does not exist.
        const access = (await store.blobAccess([frame.hash])).get(frame.hash);
        if (!access?.complete || !this.#mayRead(access, device)) throw new FrameError('not_found', 'no such blob');
        const state = await store.blobState(frame.hash);
        if (!state?.complete) throw new FrameError('not_found', 'no such blob');
        if (frame.offset > state.size) throw new FrameError('conflict', 'offset past the end');
        const data = await store.blobRead(frame.hash, frame.offset, Math.min(frame.length, state.size - frame.offset));
        return this.send({
          t: 'blob_data',
          id: frame.id,
          hash: frame.hash,
          offset: frame.offset,
          size: state.size,
          data,
        });
      }
      case 'dir_put': {
        const creates = await this.#checkRecordLimits(frame.record, device);
        const result = await trust.admit(frame.record);
        if (!result.ok) throw new FrameError('record_rejected', result.reason);
        if (creates && !result.duplicate)
          await store.noteChannelCreated(creates.creator, creates.channelId, Date.now());
        this.#log.info('record stored', {
          type: result.type,
          pos: result.pos,
          duplicate: result.duplicate,
          device: device.deviceId,
        });
        return this.send({ t: 'ok', id: frame.id });
      }
      case 'devices_seen': {
        // Admin role from the org-signed user record: the relay cannot be told otherwise.
        if (!trust.isAdmin(device.userId))
          throw new FrameError(
            'not_permitted',
            'only devices of an organisation admin may ask when devices were online',
          );
        return this.send({ t: 'devices_seen_result', id: frame.id, devices: await this.#ctx.devicesSeen() });
      }
      case 'dir_get': {
        const entries = await store.dirList(frame.after, frame.limit);
        return this.send({
          t: 'dir_records',
          id: frame.id,
          records: entries.map((e) => ({ pos: e.pos, record: JSON.parse(e.json) as Record<string, unknown> })),
        });
      }
    }
  }

  /**
   * Heads past the device's cursors; when the device names another incarnation (a restored
   * database, or a new one), also every channel's restore point, so it can reset its cursors.
   */
  async #sync(frame: Extract<ClientFrame, { t: 'sync' }>, device: DeviceIdentity): Promise<void> {
    const { store, trust } = this.#ctx;
    const channels = trust.channelsOf(device.userId);
    const histories = await store.histories(channels);
    const incarnation = store.incarnation();
    const changed: Record<string, number> = {};
    for (const [channel, h] of histories) if (h.head > (frame.cursors[channel] ?? 0)) changed[channel] = h.head;
    let bases: Record<string, number> | undefined;
    if (frame.incarnation !== undefined && frame.incarnation !== incarnation) {
      // A channel without a restore point began after the last restore: nothing in it is shared.
      bases = Object.fromEntries(channels.map((channel) => [channel, histories.get(channel)?.base ?? 0]));
      this.#log.info('device from another incarnation', { device: device.deviceId, channels: channels.length });
    }
    this.send({ t: 'changed', id: frame.id, heads: changed, incarnation, ...(bases ? { bases } : {}) });
  }

  /**
   * Directory spam: a record not signed by the organisation costs a token of the device's record
   * bucket, and a first roster of a channel counts against its signer's channels per day. Returns
   * the channel and the device that made it when the record would create a channel.
   */
  async #checkRecordLimits(
    record: Record<string, unknown>,
    device: DeviceIdentity,
  ): Promise<{ channelId: string; creator: string } | null> {
    const signer = record.signer as { kind?: unknown; id?: unknown } | undefined;
    if (signer?.kind === 'org') return null;
    const { limits, store, trust } = this.#ctx;
    if (this.#agent) {
      // The agent's own records come under an org-signed grant and a first sync stores thousands,
      // so its bucket is larger than a device's, but bounded: a stolen agent key cannot make every
      // device refetch without end. Anyone else's record (a device's new channel) is no business
      // of the agent, and would pass here uncounted against its signer.
      if (signer?.kind !== 'delegate' || signer.id !== device.deviceId)
        throw new FrameError('not_permitted', 'a directory agent stores records its delegation signed only');
      if (!this.#ctx.recordBucket(device.deviceId, true).take(1))
        throw new FrameError(
          'rate_limited',
          `more than ${limits.agentRecordsPerMinute} directory records a minute from this directory agent; slow down`,
        );
      return null;
    }
    if (!this.#ctx.recordBucket(device.deviceId).take(1))
      throw new FrameError(
        'rate_limited',
        `more than ${limits.recordsPerMinute} directory records a minute from this device; slow down`,
      );
    const body = record.body as { channelId?: unknown; prevHash?: unknown } | undefined;
    if (record.type !== 'roster' || body?.prevHash !== null || typeof body.channelId !== 'string') return null;
    // The device that signed it made the channel: one that gives back another's roster (a relay
    // restored from a backup, client/directory-sync.ts afterRestore) made none, and uploading
    // through another device is no way round the signer's cap.
    const creator = signer?.kind === 'device' && typeof signer.id === 'string' ? signer.id : device.deviceId;
    const known = trust.checkDevice(creator);
    const creatorUser = known.ok ? known.device.userId : device.userId;
    // A retry of a creation (the channel exists and names its creator or this user) is no new channel.
    if (trust.isMember(body.channelId, creatorUser) || trust.isMember(body.channelId, device.userId)) return null;
    const created = await store.channelsCreatedSince(creator, Date.now() - 24 * 3600_000);
    if (created >= limits.channelsPerDevicePerDay)
      throw new FrameError(
        'quota_exceeded',
        `${creator === device.deviceId ? 'this device' : 'the device that signed this roster'} created ${created} channels in the last 24 hours (limit ${limits.channelsPerDevicePerDay}); try again tomorrow or ask IT`,
      );
    return { channelId: body.channelId, creator };
  }

  #hello(frame: Extract<ClientFrame, { t: 'hello' }>): void {
    if (this.#device || this.#helloDeviceId) throw new FrameError('bad_frame', 'hello was sent already');
    if (!relayServesVersion(frame.v)) {
      this.#log.info('protocol version outside the window', { device: frame.deviceId, protocol: frame.v });
      this.send({ t: 'error', code: 'unsupported_version', message: versionRefusalText(frame.v) });
      this.close(CLOSE_CODES.protocolError, 'unsupported version');
      return;
    }
    this.#helloDeviceId = frame.deviceId;
    this.protocolVersion = frame.v;
    this.#version = frame.v;
    this.#appVersion = frame.app ?? null;
    // The challenge names the version this connection speaks from now on.
    this.send({ t: 'challenge', v: frame.v, nonce: this.#nonce, relayId: this.#ctx.relayId });
  }

  #enrolLookup(frame: Extract<ClientFrame, { t: 'enrol_lookup' }>): void {
    if (this.#device || !this.#helloDeviceId)
      throw new FrameError('bad_frame', 'enrol_lookup belongs between hello and auth');
    const message = new TextEncoder().encode(enrolLookupText(this.#nonce, frame.enrolmentId));
    const found = this.#ctx.trust.enrolmentLookup(frame.enrolmentId, message, unb64(frame.signature));
    if (!found.ok) {
      this.#log.warn('enrolment lookup refused', { enrolment: frame.enrolmentId, reason: found.reason });
      throw new FrameError('not_found', found.reason);
    }
    this.#log.info('enrolment lookup', { enrolment: frame.enrolmentId });
    this.send({
      t: 'dir_records',
      id: frame.id,
      records: found.records.map((record, i) => ({ pos: i + 1, record: record as unknown as Record<string, unknown> })),
    });
  }

  /**
   * The one thing a revoked device may still store: its signed confirmation of a wipe order for
   * it. The directory decides (signer's key, an order for this device, not confirmed before).
   */
  async #wipeDone(frame: Extract<ClientFrame, { t: 'wipe_done' }>): Promise<void> {
    const deviceId = this.#helloDeviceId;
    if (this.#device || !deviceId) throw new FrameError('bad_frame', 'wipe_done belongs between hello and auth');
    const signer = frame.record.signer as { kind?: unknown; id?: unknown } | undefined;
    if (frame.record.type !== 'wipe_done' || signer?.kind !== 'device' || signer.id !== deviceId)
      throw new FrameError('record_rejected', 'only a wipe_done record signed by the hello device');
    const result = await this.#ctx.trust.admit(frame.record);
    if (!result.ok) {
      this.#log.warn('wipe confirmation refused', { device: deviceId, reason: result.reason });
      throw new FrameError('record_rejected', result.reason);
    }
    this.#log.warn('wipe confirmed by device', { device: deviceId, pos: result.pos, duplicate: result.duplicate });
    this.send({ t: 'ok', id: frame.id });
  }

  async #auth(frame: Extract<ClientFrame, { t: 'auth' }>): Promise<void> {
    const deviceId = this.#helloDeviceId;
    if (this.#device || !deviceId) throw new FrameError('bad_frame', 'auth without hello, or twice');
    const { trust } = this.#ctx;
    const refuse = (code: 'auth_failed' | 'revoked', reason: string) => {
      this.#log.warn('auth refused', { device: deviceId, code, reason });
      this.send({ t: 'error', id: frame.id, code, message: reason });
      // A revoked device's close reason says why (user inactive, or the device), for its notice.
      this.close(
        code === 'revoked' ? CLOSE_CODES.revoked : CLOSE_CODES.authFailed,
        code === 'revoked' ? reason.slice(0, 100) : code,
      );
    };
    if (frame.certificate) {
      const body = frame.certificate.body as { deviceId?: unknown } | undefined;
      if (frame.certificate.type !== 'device' || body?.deviceId !== deviceId)
        return refuse('auth_failed', 'certificate is not for this device');
      const admitted = await trust.admit(frame.certificate);
      if (!admitted.ok)
        return refuse(
          admitted.reason.startsWith('revoked') ? 'revoked' : 'auth_failed',
          `certificate refused: ${admitted.reason}`,
        );
    }
    const message = new TextEncoder().encode(authChallengeText(this.#nonce, deviceId));
    const check = trust.checkDevice(deviceId);
    const agent = !check.ok && !frame.certificate ? trust.checkAgentKey(deviceId) : null;
    if (agent?.ok) {
      if (!trust.verifyAuth(agent.device, message, unb64(frame.signature)))
        return refuse('auth_failed', 'bad signature');
      if (this.#closed) return;
      this.#agent = true;
      this.#device = agent.device;
      clearTimeout(this.#authTimer);
      this.#log.info('directory agent authenticated', { delegation: deviceId });
      this.send({ t: 'auth_ok', id: frame.id, deviceId, userId: deviceId, serverTime: Date.now() });
      this.#ctx.onAuthenticated(this);
      return;
    }
    if (agent && !agent.ok && check.ok === false && check.reason === 'unknown device')
      return refuse(agent.code, agent.reason);
    if (!check.ok) {
      // A revoked device that still proves its key learns of its wipe orders before it is shut out.
      const wipes = trust.wipeOrdersFor(deviceId, message, unb64(frame.signature));
      if (wipes.length > 0) {
        this.#log.warn('wipe orders delivered', { device: deviceId, orders: wipes.length });
        this.send({ t: 'wipe', records: wipes });
      }
      return refuse(check.code, check.reason);
    }
    if (!trust.verifyAuth(check.device, message, unb64(frame.signature))) return refuse('auth_failed', 'bad signature');
    // The socket may have closed while the certificate was stored (an await): onClosed already ran
    // without a device, so registering one now would leave it "online" for good.
    if (this.#closed) return;
    this.#device = check.device;
    clearTimeout(this.#authTimer);
    this.#log.info('authenticated', { device: deviceId, user: check.device.userId });
    this.send({ t: 'auth_ok', id: frame.id, deviceId, userId: check.device.userId, serverTime: Date.now() });
    this.#ctx.onAuthenticated(this);
  }

  async #blobBegin(frame: Extract<ClientFrame, { t: 'blob_begin' }>, device: DeviceIdentity): Promise<void> {
    const { store, limits } = this.#ctx;
    if (frame.size > limits.maxBlobBytes) throw new FrameError('too_large', `blob over ${limits.maxBlobBytes} bytes`);
    let state = await store.blobState(frame.hash);
    if (state && state.ownerDeviceId !== device.deviceId) {
      // Another device's upload: only a reader of the complete blob learns its state (it needs no
      // upload then); anyone else learns neither size nor progress, and cannot touch it.
      const access = (await store.blobAccess([frame.hash])).get(frame.hash);
      if (!access?.complete || !this.#mayRead(access, device))
        throw new FrameError('not_permitted', "this hash names another device's upload");
    }
    if (!state) {
      const used = await store.blobUsage(device.deviceId);
      if (used + frame.size > limits.blobQuotaBytes)
        throw new FrameError('quota_exceeded', 'blob quota of this device is used up');
    }
    const begun = await store.blobBegin(frame.hash, frame.size, device.deviceId, Date.now());
    if (begun === 'conflict') throw new FrameError('conflict', 'a blob with this hash and another size exists');
    state = begun;
    if (!state.complete && state.received === 0 && this.#uploadHashes.size < MAX_RUNNING_HASHES)
      this.#uploadHashes.set(frame.hash, { hash: createHash('sha256'), at: 0, generation: state.generation });
    this.send({
      t: 'blob_status',
      id: frame.id,
      hash: frame.hash,
      size: state.size,
      received: state.received,
      complete: state.complete,
    });
  }

  async #blobChunk(frame: Extract<ClientFrame, { t: 'blob_chunk' }>, device: DeviceIdentity): Promise<void> {
    const { store } = this.#ctx;
    const { data } = frame;
    const state = await store.blobAppend(frame.hash, frame.offset, data, device.deviceId);
    if (state === 'not_owner') throw new FrameError('not_found', 'no upload of this device with this hash');
    if (state === 'conflict') {
      this.#uploadHashes.delete(frame.hash);
      const now = await store.blobState(frame.hash);
      throw new FrameError(
        'conflict',
        `chunk does not continue the upload (relay holds ${now?.received ?? 0} bytes${now?.complete ? ', complete' : ''})`,
      );
    }
    // The running hash covers the blob only if this connection appended every byte from 0 in
    // order to the same row; otherwise (a resumed upload, another connection in between, the blob
    // deleted and begun again by someone else: another generation) the bytes are read back.
    const running = this.#uploadHashes.get(frame.hash);
    if (running?.at === frame.offset && running.generation === state.generation) {
      running.hash.update(data);
      running.at += data.length;
    } else {
      this.#uploadHashes.delete(frame.hash);
    }
    if (state.received === state.size) {
      this.#uploadHashes.delete(frame.hash);
      let hash = running?.at === state.size ? running.hash : null;
      if (!hash) {
        hash = createHash('sha256');
        for (let at = 0; at < state.size; at += 4 * 1024 * 1024)
          hash.update(await store.blobRead(frame.hash, at, Math.min(4 * 1024 * 1024, state.size - at)));
      }
      if (hash.digest('hex') !== frame.hash) {
        await store.blobDelete(frame.hash);
        throw new FrameError('hash_mismatch', 'uploaded bytes do not match the hash; upload again');
      }
      await store.blobMarkComplete(frame.hash);
      state.complete = true;
    }
    this.send({
      t: 'blob_status',
      id: frame.id,
      hash: frame.hash,
      size: state.size,
      received: state.received,
      complete: state.complete,
    });
  }
}
