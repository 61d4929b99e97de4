// size: one socket's state (frame queue, backpressure, corking, flood log) and the auth handshake that sets its device; the requests are in *-requests.ts.
// One device's WebSocket: the auth handshake, then one handler per frame type. Frames of a
// connection are handled one after another (a device's publishes keep their order), every frame
// is parsed with its schema first, and every failure becomes an error frame with a stable code:
// nothing a device sends can throw out of here.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { encodeBinaryFrame, splitBinaryFrame } from '@klinikfunk/protocol/relay/binary-frame.ts';
import {
  authChallengeText,
  enrolLookupText,
  CLOSE_CODES,
  RELAY_PROTOCOL_VERSION,
  type ClientFrame,
  type RelayErrorCode,
  type ServerFrame,
} from '@klinikfunk/protocol/relay/frames.ts';
import { frameForVersion, relayServesVersion, versionRefusalText } from '@klinikfunk/protocol/relay/version-window.ts';
import { blobBegin, blobChunk, blobDiscard, blobGet, type UploadHashes } from './blob-requests.ts';
import { fetchPage, sync } from './channel-requests.ts';
import { parseBinaryClientFrame, parseTextClientFrame } from './client-frame-parse.ts';
import type { ConnectionContext, RequestScope } from './connection-context.ts';
import { devicesSeen, dirGet, dirPut } from './directory-requests.ts';
import { FrameError, unb64 } from './frame-error.ts';
import type { TokenBucket } from './limits.ts';
import type { RelayLog } from './log.ts';
import { mailAck, mailFetch, mailPut } from './mail-requests.ts';
import { escalationAck, escalationPut } from './escalation-requests.ts';
import { publishBatch, type PublishFrame } from './publish-requests.ts';
import type { DeviceIdentity } from './trust.ts';
import type { SignInOutcome } from '@klinikfunk/protocol/wire/directory-sign-in.ts';

export type { ConnectionContext } from './connection-context.ts';

let nextConnectionId = 1;
const PRE_AUTH_FRAME_BYTES = 64 * 1024;
/** Frames an unauthenticated socket may have queued: hello, enrol_lookup, auth and a ping need no more. */
const PRE_AUTH_QUEUED_FRAMES = 8;
/** How often a connection waiting for its send buffer to drain looks again. */
const DRAIN_POLL_MS = 20;
/** Most publishes stored in one transaction. */
const PUBLISH_BATCH = 64;

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
  #authTimer: NodeJS.Timeout;
  /** A sign-in with the directory password was asked on this socket (one per socket). */
  #signInAsked = false;
  /** SHA-256 of uploads this connection began from byte 0, so completing one needs no read-back. */
  readonly #uploadHashes: UploadHashes = new Map();
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
        // A directory agent's publish goes to #handle, which refuses it like any non-directory frame.
        if (frame.t === 'publish' && this.#device && !this.#agent) {
          const batch = [frame];
          while (batch.length < PUBLISH_BATCH && this.#inbox[0]?.t === 'publish')
            batch.push(this.#take() as PublishFrame);
          await this.#guard(batch, () => publishBatch(this.#requestScope(this.#device!), batch, this));
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

  #requestScope(device: DeviceIdentity): RequestScope {
    return {
      ctx: this.#ctx,
      log: this.#log,
      device,
      agent: this.#agent,
      send: (frame) => this.send(frame),
      reject: (id, code, message) => this.#reject(id, code, message),
    };
  }

  #requireDevice(): DeviceIdentity {
    if (!this.#device) throw new FrameError('not_authenticated', 'authenticate first (hello, auth)');
    return this.#device;
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
      case 'signin_info':
        return this.#signInInfo(frame);
      case 'signin_request':
        return this.#signInRequest(frame);
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
      case 'blob_discard':
      case 'dir_get':
      case 'dir_put':
      case 'devices_seen':
      case 'signin_answer':
      case 'esc_put':
      case 'esc_ack':
        break;
      default: {
        const _unhandled: never = frame;
        break;
      }
    }
    const device = this.#requireDevice();
    if (this.#agent) {
      if (frame.t !== 'dir_get' && frame.t !== 'dir_put' && frame.t !== 'signin_answer')
        throw new FrameError(
          'not_permitted',
          'a directory agent session reads and stores directory records and answers sign-ins only',
        );
      // A revocation closes the session when it is stored, but an end date passes without a record:
      // the session may read no further once its delegation has ended.
      const still = this.#ctx.trust.checkAgentKey(device.deviceId);
      if (!still.ok) {
        this.send({ t: 'error', id: frame.id, code: 'revoked', message: still.reason });
        this.close(CLOSE_CODES.revoked, still.reason.slice(0, 100));
        return;
      }
    }
    const scope = this.#requestScope(device);
    switch (frame.t) {
      case 'publish':
        return publishBatch(scope, [frame], this);
      case 'sync':
        return sync(scope, frame, device);
      case 'fetch':
        return fetchPage(scope, frame);
      case 'mail_put':
        return mailPut(scope, frame);
      case 'mail_fetch':
        return mailFetch(scope, frame);
      case 'mail_ack':
        return mailAck(scope, frame);
      case 'blob_begin':
        return blobBegin(scope, this.#uploadHashes, frame, device);
      case 'blob_chunk':
        return blobChunk(scope, this.#uploadHashes, frame, device);
      case 'blob_get':
        return blobGet(scope, frame);
      case 'blob_discard':
        return blobDiscard(scope, frame, device);
      case 'dir_put':
        return dirPut(scope, frame);
      case 'devices_seen':
        return devicesSeen(scope, frame);
      case 'dir_get':
        return dirGet(scope, frame);
      case 'signin_answer':
        return this.#signInAnswer(frame);
      case 'esc_put':
        return escalationPut(scope, frame);
      case 'esc_ack':
        return escalationAck(scope, frame);
    }
  }

  #signInInfo(frame: Extract<ClientFrame, { t: 'signin_info' }>): void {
    if (this.#device || !this.#helloDeviceId)
      throw new FrameError('bad_frame', 'signin_info belongs between hello and auth');
    const records = this.#ctx.trust.signInInfo();
    this.send({
      t: 'dir_records',
      id: frame.id,
      records: records.map((record, i) => ({ pos: i + 1, record: record as unknown as Record<string, unknown> })),
    });
  }

  /**
   * A new workstation's sealed sign-in for the directory agent. The relay's own refusals (no such
   * delegation, no agent connected, too many from this address) come as outcomes like the agent's,
   * so the workstation shows one kind of answer. The socket gets the sign-in timeout to authenticate.
   */
  async #signInRequest(frame: Extract<ClientFrame, { t: 'signin_request' }>): Promise<void> {
    if (this.#device || !this.#helloDeviceId || this.#signInAsked)
      throw new FrameError('bad_frame', 'one signin_request between hello and auth');
    this.#signInAsked = true;
    const result = (outcome: SignInOutcome) => this.send({ t: 'signin_result', id: frame.id, outcome });
    const bucket = this.#ctx.signInBucket(this.remote);
    if (!bucket.take(1)) {
      this.#log.warn('sign-in refused', { remote: this.remote, reason: 'rate_limited' });
      return result({ ok: false, code: 'rate_limited', retryAfterSeconds: bucket.waitSeconds(1) });
    }
    if (!this.#ctx.trust.allowsSignIn(frame.delegationId)) {
      this.#log.warn('sign-in refused', { remote: this.remote, reason: 'not_enabled', delegation: frame.delegationId });
      return result({ ok: false, code: 'not_enabled', retryAfterSeconds: null });
    }
    clearTimeout(this.#authTimer);
    this.#authTimer = setTimeout(() => {
      if (!this.#device) this.close(CLOSE_CODES.authTimeout, 'no authentication in time');
    }, this.#ctx.limits.signInTimeoutMs + this.#ctx.limits.authTimeoutMs);
    const outcome = await this.#ctx.signIns.forward(frame.delegationId, this.remote, frame.sealed);
    this.#log.info('sign-in answered', {
      remote: this.remote,
      delegation: frame.delegationId,
      outcome: outcome.ok ? 'enrolled' : outcome.code,
    });
    if (!this.#closed) result(outcome);
  }

  #signInAnswer(frame: Extract<ClientFrame, { t: 'signin_answer' }>): void {
    if (!this.#agent) throw new FrameError('not_permitted', 'only a directory agent answers sign-ins');
    if (!this.#ctx.signIns.answer(this, frame.rid, frame.outcome))
      throw new FrameError('not_found', 'no sign-in waits under this rid (answered late?)');
    this.send({ t: 'ok', id: frame.id });
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
}
