// size: one socket's lifecycle (dial, auth, heartbeat, reconnect) and the requests that wait on it; splitting the dial (#openSocket) out is the next seam.
// Transport over a WebSocket to the Klinikfunk relay (apps/relay/). One socket per device:
// hello -> challenge -> auth (signed by the device key through a callback; no key material
// here) -> online. A heartbeat ping every `heartbeatMs` notices a dead link; a drop moves to
// `connecting` and reconnects with exponential backoff and full jitter; on `online` the sync
// engine resumes from its cursors. Requests in flight when the socket drops fail with a
// retryable `disconnected`; blob transfers resume by themselves from what the relay holds.
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import type { LogFields } from '@klinikfunk/node-common/logger.ts';
import type { RelayDial, RelayNetwork } from '../net/relay-network.ts';
import { closeError, createRelaySocket, encodeClientFrame, parseServerFrame, relayError } from './relay-socket.ts';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { encodeBinaryFrame } from '@klinikfunk/protocol/relay/binary-frame.ts';
import { backoffDelay, RECONNECT_BACKOFF } from '../sync/backoff.ts';
import {
  authChallengeText,
  BLOB_CHUNK_BYTES,
  MAX_EVENT_BLOBS,
  appVersionSchema,
  RELAY_PROTOCOL_VERSION,
  type ClientFrame,
  type DeviceSeen,
  type ServerFrame,
} from '@klinikfunk/protocol/relay/frames.ts';
import {
  Listeners,
  TransportError,
  type BlobOptions,
  type ChangedHeads,
  type ChannelPage,
  type ConnectionInfo,
  type DirectoryPage,
  type MailboxMessage,
  type PublishResult,
  type Transport,
  type TransportState,
  type WireEvent,
  RECORD_UPLOAD_TIMEOUT_MS,
} from './transport.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';
import type { SealedEscalation } from './escalation-frames.ts';

export interface RelayTransportOptions {
  /** ws://127.0.0.1:port (loopback) or wss://relay.klinik.example */
  url: string;
  deviceId: string;
  /** Signs with the device's Ed25519 key (the crypto module holds it). */
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** The device certificate, sent on the first connection after enrolment. */
  certificate?: () => Record<string, unknown> | null;
  heartbeatMs?: number;
  requestTimeoutMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  random?: () => number;
  /** Trust store and proxy from policy and OS (net/relay-network.ts); the app always passes it. */
  network?: RelayNetwork;
  /**
   * This build's app version, told to the relay in hello (protocol v4) so the admin's device list
   * shows which workstations still wait for an update. Left out when it is not a plain version.
   */
  appVersion?: string;
  /** TLS options for wss without a network (a test pinning its own CA). */
  tls?: { ca?: string | Buffer };
  log?: (message: string, fields?: LogFields) => void;
}

type Pending = {
  resolve: (frame: ServerFrame) => void;
  reject: (error: TransportError) => void;
  timer: NodeJS.Timeout;
};
type Request = ClientFrame extends infer F ? (F extends { id: number } ? Omit<F, 'id'> : never) : never;

const b64 = toBase64Url;
/** Frame bytes: the frame schema passed only canonical base64url, so null here would be a schema gap. */
const unb64 = (text: string): Uint8Array => {
  const bytes = fromBase64Url(text);
  if (!bytes) throw new TransportError('protocol', 'relay sent bytes that are not canonical base64url');
  return bytes;
};
/** Blob chunks in flight per transfer: enough to hide the round trip, few enough for the relay's per-connection queue. */
const BLOB_WINDOW = 6;

export class RelayTransport implements Transport {
  readonly #opts: Required<Pick<RelayTransportOptions, 'heartbeatMs' | 'requestTimeoutMs' | 'backoff' | 'random'>> &
    RelayTransportOptions;
  #state: TransportState = 'offline';
  #ws: WebSocket | null = null;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #stateListeners = new Listeners<TransportState>();
  readonly #pushListeners = new Listeners<WireEvent>();
  readonly #mailListeners = new Listeners<MailboxMessage>();
  readonly #fatalListeners = new Listeners<TransportError>();
  readonly #dirListeners = new Listeners<number>();
  readonly #wipeListeners = new Listeners<Array<Record<string, unknown>>>();
  #attempt = 0;
  #problem: ConnectionInfo['problem'] = null;
  #stopped = true;
  /** Counts connection attempts that wait for the network layer; see #open. */
  #dialSeq = 0;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #nextRetryAt: number | null = null;
  #heartbeatTimer: NodeJS.Timeout | null = null;
  #lastHeard = 0;
  #firstOnline: { promise: Promise<void>; resolve: () => void; reject: (e: TransportError) => void } | null = null;
  /** The discards asked so far, one after another (see discardBlobs). */
  #discarding: Promise<void> = Promise.resolve();
  /** The socket whose relay answered `bad_frame` to `blob_discard` (a relay of the release before). */
  #discardUnknownOn: WebSocket | null = null;

  constructor(options: RelayTransportOptions) {
    this.#opts = {
      heartbeatMs: 15_000,
      requestTimeoutMs: 15_000,
      backoff: RECONNECT_BACKOFF,
      random: Math.random,
      ...options,
    };
  }

  state(): TransportState {
    return this.#state;
  }
  connection(): ConnectionInfo {
    return {
      state: this.#state,
      reconnectAttempt: this.#attempt,
      nextRetryAt: this.#nextRetryAt,
      problem: this.#problem,
    };
  }
  onState(listener: (state: TransportState) => void): () => void {
    return this.#stateListeners.add(listener);
  }
  onPush(listener: (event: WireEvent) => void): () => void {
    return this.#pushListeners.add(listener);
  }
  onMail(listener: (message: MailboxMessage) => void): () => void {
    return this.#mailListeners.add(listener);
  }
  onFatal(listener: (error: TransportError) => void): () => void {
    return this.#fatalListeners.add(listener);
  }
  onDirectory(listener: (pos: number) => void): () => void {
    return this.#dirListeners.add(listener);
  }
  onWipe(listener: (records: Array<Record<string, unknown>>) => void): () => void {
    return this.#wipeListeners.add(listener);
  }

  connect(): Promise<void> {
    if (this.#state === 'online') return Promise.resolve();
    // Every caller until the first 'online' (or refusal) shares one promise.
    if (this.#firstOnline) return this.#firstOnline.promise;
    let settle!: { resolve: () => void; reject: (e: TransportError) => void };
    const first = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    this.#firstOnline = { promise: first, ...settle };
    if (this.#stopped) {
      this.#stopped = false;
      this.#attempt = 0;
      this.#open();
    }
    return first;
  }

  async close(): Promise<void> {
    this.#stopped = true;
    this.#dialSeq++; // A dial under way opens nothing.
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#nextRetryAt = null;
    const ws = this.#ws;
    this.#teardown(new TransportError('closed', 'transport closed'));
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1000, 'client closing');
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1000).unref();
      });
    }
    this.#firstOnline?.reject(new TransportError('closed', 'transport closed'));
    this.#firstOnline = null;
    this.#setState('offline');
  }

  /** Test hook and "network changed" hint: drop the socket now; the transport reconnects. */
  dropConnection(): void {
    if (this.#ws) this.#lost(this.#ws);
  }

  /** The socket is gone or going: stop sending on it at once; its 'close' event does the rest. */
  #lost(ws: WebSocket): void {
    if (this.#ws === ws && this.#state === 'online') this.#setState('connecting');
    ws.terminate();
  }

  async publish(
    channelId: string,
    clientEventId: string,
    envelope: Uint8Array,
    options?: { blobs?: readonly string[] },
  ): Promise<PublishResult> {
    const frame = await this.#request(
      {
        t: 'publish',
        channelId,
        clientEventId,
        envelope: b64(envelope),
        ...(options?.blobs?.length ? { blobs: [...options.blobs] } : {}),
      },
      'ack',
    );
    return { seq: frame.seq, at: frame.at, incarnation: frame.incarnation };
  }

  async changedChannels(cursors: Readonly<Record<string, number>>): Promise<Record<string, number>> {
    return (await this.#request({ t: 'sync', cursors: { ...cursors } }, 'changed')).heads;
  }

  async changedSince(cursors: Readonly<Record<string, number>>, incarnation: string | null): Promise<ChangedHeads> {
    const frame = await this.#request(
      { t: 'sync', cursors: { ...cursors }, ...(incarnation !== null ? { incarnation } : {}) },
      'changed',
    );
    return { heads: frame.heads, incarnation: frame.incarnation, ...(frame.bases ? { bases: frame.bases } : {}) };
  }

  async fetchPage(channelId: string, afterSeq: number, limit: number): Promise<WireEvent[]> {
    return (await this.readPage(channelId, afterSeq, limit)).events;
  }

  async readPage(channelId: string, afterSeq: number, limit: number): Promise<ChannelPage> {
    const page = await this.#request({ t: 'fetch', channelId, afterSeq, limit }, 'page');
    return {
      events: page.events.map((e) => ({ channelId, seq: e.seq, envelope: unb64(e.envelope), at: e.at })),
      head: page.head,
      historyStart: page.historyStart,
      ...(page.gone ? { gone: page.gone } : {}),
      incarnation: page.incarnation,
    };
  }

  /**
   * When each device of the organisation was last connected, and whether it is now. Admin devices
   * only: the relay answers `not_permitted` unless this device's user is an admin.
   */
  async devicesSeen(): Promise<DeviceSeen[]> {
    return (await this.#request({ t: 'devices_seen' }, 'devices_seen_result')).devices;
  }

  async sendMail(toDeviceId: string, messageId: string, payload: Uint8Array): Promise<void> {
    await this.#request({ t: 'mail_put', toDeviceId, messageId, payload: b64(payload) }, 'ok');
  }

  async fetchMail(limit: number): Promise<MailboxMessage[]> {
    const frame = await this.#request({ t: 'mail_fetch', limit }, 'mail');
    return frame.items.map((i) => ({
      messageId: i.messageId,
      fromDeviceId: i.fromDeviceId,
      payload: unb64(i.payload),
      storedAt: i.storedAt,
    }));
  }

  async ackMail(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length > 0) await this.#request({ t: 'mail_ack', messageIds: [...messageIds] }, 'ok');
  }

  /**
   * Hands the relay an urgent message's pre-sealed escalation steps (docs/relay-protocol.md
   * "Escalations"). Sent again with the same id after a lost answer, it is taken once.
   */
  async putEscalation(escalation: SealedEscalation): Promise<void> {
    await this.#request(
      {
        t: 'esc_put',
        escalationId: escalation.escalationId,
        tokenHash: b64(escalation.tokenHash),
        steps: escalation.steps.map((s) => ({
          delayMs: s.delayMs,
          items: s.items.map((i) => ({ toDeviceId: i.toDeviceId, messageId: i.messageId, payload: b64(i.payload) })),
        })),
      },
      'ok',
    );
  }

  /** Stops an escalation's pending steps with its token (`not_permitted` when the token is not its own). */
  async ackEscalation(escalationId: string, token: Uint8Array): Promise<void> {
    await this.#request({ t: 'esc_ack', escalationId, token: b64(token) }, 'ok');
  }

  async putRecord(record: Record<string, unknown>): Promise<void> {
    // An admin waits for this answer: a connection dropped before or during the upload is waited
    // out and the record sent again (the relay takes a record it already holds as done).
    await this.#resuming({ timeoutMs: RECORD_UPLOAD_TIMEOUT_MS }, async () => {
      await this.#request({ t: 'dir_put', record }, 'ok');
    });
  }

  async getRecords(after: number, limit: number): Promise<DirectoryPage> {
    return { records: (await this.#request({ t: 'dir_get', after, limit }, 'dir_records')).records };
  }

  async putBlob(bytes: Uint8Array, options: BlobOptions = {}): Promise<{ hash: string }> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    options.onHash?.(hash);
    const total = bytes.length;
    await this.#resuming(options, async () => {
      const status = await this.#request({ t: 'blob_begin', hash, size: total }, 'blob_status');
      options.onProgress?.({ done: status.received, total });
      if (status.complete) return;
      // Several chunks in flight: the relay handles a connection's frames in order, so each one
      // continues the previous; a refused chunk fails the rest, and the resume starts over from
      // what the relay holds.
      const offsets: number[] = [];
      for (let at = status.received; at < total; at += BLOB_CHUNK_BYTES) offsets.push(at);
      await this.#pipelined(offsets, (offset) =>
        this.#request(
          { t: 'blob_chunk', hash, offset, data: bytes.subarray(offset, Math.min(total, offset + BLOB_CHUNK_BYTES)) },
          'blob_status',
        ).then((s) => options.onProgress?.({ done: s.received, total })),
      );
    });
    return { hash };
  }

  /**
   * One discard at a time, and none on a connection whose relay answered `bad_frame` to one: the
   * relay of the release before does not know the frame, and every bad frame counts toward the
   * few it allows a connection before closing it (`maxBadFrames`), so a workstation dropping many
   * uploads would lose its connection. A new connection asks again (the relay may be updated).
   */
  discardBlobs(hashes: readonly string[]): Promise<void> {
    const run = this.#discarding.then(() => this.#discardNow(hashes));
    this.#discarding = run.catch(() => {});
    return run;
  }

  async #discardNow(hashes: readonly string[]): Promise<void> {
    for (let at = 0; at < hashes.length; at += MAX_EVENT_BLOBS) {
      const ws = this.#ws;
      if (ws !== null && ws === this.#discardUnknownOn)
        throw new TransportError('bad_frame', 'this relay does not know blob_discard; its blob cleanup removes them');
      try {
        await this.#request({ t: 'blob_discard', hashes: hashes.slice(at, at + MAX_EVENT_BLOBS) }, 'ok');
      } catch (error) {
        if (error instanceof TransportError && error.code === 'bad_frame') this.#discardUnknownOn = ws;
        throw error;
      }
    }
  }

  async getBlob(hash: string, options: BlobOptions = {}): Promise<Uint8Array> {
    let buffer: Uint8Array | null = null;
    let done = 0;
    await this.#resuming(options, async () => {
      const fetchAt = async (offset: number) => {
        const frame = await this.#request({ t: 'blob_get', hash, offset, length: BLOB_CHUNK_BYTES }, 'blob_data');
        buffer ??= new Uint8Array(frame.size);
        const { data } = frame;
        if (frame.offset + data.length > frame.size)
          throw new TransportError('protocol', 'relay sent a chunk past the end');
        if (data.length === 0 && frame.offset < frame.size)
          throw new TransportError('protocol', 'relay sent an empty chunk');
        buffer.set(data, frame.offset);
        return { size: frame.size, end: frame.offset + data.length };
      };
      const first = await fetchAt(done);
      done = first.end;
      options.onProgress?.({ done, total: first.size });
      const offsets: number[] = [];
      for (let at = done; at < first.size; at += BLOB_CHUNK_BYTES) offsets.push(at);
      await this.#pipelined(offsets, async (offset) => {
        const { end, size } = await fetchAt(offset);
        // In-order answers: `done` only ever moves to the end of a contiguous prefix.
        done = Math.max(done, end);
        options.onProgress?.({ done, total: size });
      });
    });
    const result = buffer ?? new Uint8Array(0);
    if (createHash('sha256').update(result).digest('hex') !== hash)
      throw new TransportError('hash_mismatch', 'downloaded blob does not match its hash');
    return result;
  }

  /** Runs `step` for each item with at most BLOB_WINDOW in flight; the first failure ends it (after the rest settle). */
  async #pipelined<T>(items: readonly T[], step: (item: T) => Promise<void>): Promise<void> {
    const inFlight: Array<Promise<void>> = [];
    let failure: unknown = null;
    for (const item of items) {
      if (failure !== null) break;
      const run = step(item).catch((error: unknown) => {
        failure ??= error;
      });
      inFlight.push(run);
      if (inFlight.length >= BLOB_WINDOW) await inFlight.shift();
    }
    await Promise.all(inFlight);
    if (failure !== null) throw failure;
  }

  /** Runs a transfer, waiting for the connection and starting again (from the relay's state) after a drop. */
  async #resuming(options: BlobOptions, transfer: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      try {
        await this.#waitOnline(deadline - Date.now());
        await transfer();
        return;
      } catch (error) {
        const retry = error instanceof TransportError && (error.retryable || error.code === 'conflict');
        if (!retry || Date.now() >= deadline || this.#stopped) throw error;
        if (this.#state === 'online') await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  #waitOnline(timeoutMs: number): Promise<void> {
    if (this.#state === 'online') return Promise.resolve();
    if (this.#stopped) return Promise.reject(new TransportError('closed', 'transport closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          off();
          reject(new TransportError('timeout', 'relay not reachable in time'));
        },
        Math.max(0, timeoutMs),
      );
      const off = this.onState((state) => {
        if (state === 'online') {
          clearTimeout(timer);
          off();
          resolve();
        } else if (state === 'offline') {
          clearTimeout(timer);
          off();
          reject(new TransportError('closed', 'transport stopped'));
        }
      });
    });
  }

  #request<T extends ServerFrame['t']>(frame: Request, expect: T): Promise<Extract<ServerFrame, { t: T }>> {
    const ws = this.#ws;
    if (this.#state !== 'online' || !ws)
      return Promise.reject(new TransportError('offline', 'not connected to the relay'));
    if (ws.readyState !== WebSocket.OPEN) {
      this.#lost(ws);
      return Promise.reject(new TransportError('disconnected', 'connection lost'));
    }
    return this.#send(ws, frame, expect);
  }

  #send<T extends ServerFrame['t']>(ws: WebSocket, frame: Request, expect: T): Promise<Extract<ServerFrame, { t: T }>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new TransportError('timeout', `no answer to ${frame.t} in time`));
      }, this.#opts.requestTimeoutMs);
      this.#pending.set(id, {
        resolve: (answer) => {
          if (answer.t === expect) resolve(answer as Extract<ServerFrame, { t: T }>);
          else reject(new TransportError('protocol', `expected ${expect}, got ${answer.t}`));
        },
        reject,
        timer,
      });
      // Blob chunks go as binary messages (packages/protocol/relay/binary-frame.ts), everything else as JSON.
      const message =
        frame.t === 'blob_chunk'
          ? encodeBinaryFrame({ t: frame.t, id, hash: frame.hash, offset: frame.offset }, frame.data)
          : encodeClientFrame({ ...frame, id });
      ws.send(message, (error) => {
        if (!error) return;
        const pending = this.#pending.get(id);
        if (!pending) return;
        clearTimeout(pending.timer);
        this.#pending.delete(id);
        this.#lost(ws);
        reject(new TransportError('disconnected', 'socket closed while sending'));
      });
    });
  }

  #setState(state: TransportState, force = false): void {
    if (this.#state === state && !force) return;
    this.#state = state;
    this.#stateListeners.emit(state);
  }

  #open(): void {
    if (this.#stopped) return;
    this.#setState('connecting');
    const network = this.#opts.network;
    if (!network) return this.#openSocket(null);
    // Only the newest attempt may open its socket: a close() and connect() while this dial is
    // under way start another one, and this one's socket would be left connected, never closed.
    const attempt = ++this.#dialSeq;
    network.dial(this.#opts.url).then(
      (dial) => {
        if (attempt === this.#dialSeq) this.#openSocket(dial);
      },
      (error: unknown) => {
        if (attempt !== this.#dialSeq) return;
        // Nothing to connect through (should not happen: dial catches its own failures): try again later.
        this.#opts.log?.('connection not prepared', { error: loggable(error) });
        this.#scheduleReconnect();
      },
    );
  }

  #openSocket(dial: RelayDial | null): void {
    if (this.#stopped) return;
    const ws = createRelaySocket(this.#opts.url, dial, this.#opts.tls);
    this.#ws = ws;
    this.#lastHeard = Date.now();
    let challenge: ((nonce: string) => void) | null = null;
    let challengedYet = false;
    const challenged = new Promise<string>((resolve) => (challenge = resolve));

    ws.on('open', () => {
      const app = appVersionSchema.safeParse(this.#opts.appVersion);
      ws.send(
        encodeClientFrame({
          t: 'hello',
          v: RELAY_PROTOCOL_VERSION,
          deviceId: this.#opts.deviceId,
          ...(app.success ? { app: app.data } : {}),
        }),
      );
      // #authenticate handles its own failures (drop and reconnect); the catch is belt and braces.
      this.#authenticate(ws, challenged).catch((error: unknown) =>
        this.#opts.log?.('authentication failed', { error: loggable(error) }),
      );
    });
    ws.on('message', (data, isBinary) => {
      this.#lastHeard = Date.now();
      const parsed = parseServerFrame(data, isBinary);
      if (!parsed.ok) return this.#opts.log?.(parsed.reason);
      const frame = parsed.frame;
      if (frame.t === 'challenge') {
        challengedYet = true;
        return challenge?.(frame.nonce);
      }
      // Before the challenge only hello was sent: a relay that cannot parse it speaks an older
      // protocol (the previous release refuses hello's `app` as an unknown key, with bad_frame
      // rather than unsupported_version), which is the workstation updated before the relay.
      if (!challengedYet && frame.t === 'error' && frame.code === 'bad_frame' && frame.id === undefined) {
        this.#opts.log?.('relay refused hello', { code: frame.code, message: frame.message });
        return this.#relayVersionProblem();
      }
      this.#dispatch(frame);
    });
    ws.on('pong', () => (this.#lastHeard = Date.now()));
    ws.on('error', (error) => {
      const problem = dial?.problem(error) ?? null;
      this.#opts.log?.('socket error', { error: error.message, ...(problem ? { problem, via: dial?.via } : {}) });
      // A network reason holds until an attempt fails for another reason or succeeds.
      const previousWasNetwork = this.#problem !== null && this.#problem !== 'relay_version';
      if (problem !== this.#problem && (problem !== null || previousWasNetwork)) {
        this.#problem = problem;
        // Same state, new reason: listeners refresh the connection view.
        this.#setState(this.#state, true);
      }
    });
    ws.on('close', (code, reason) => {
      if (this.#ws !== ws) return;
      this.#teardown(new TransportError('disconnected', `connection closed (${code})`));
      const { fatal, error } = closeError(code, reason.toString());
      if (fatal) {
        this.#stopped = true;
        this.#setState('offline');
        this.#firstOnline?.reject(error);
        this.#firstOnline = null;
        this.#fatalListeners.emit(error);
        return;
      }
      this.#scheduleReconnect();
    });
  }

  async #authenticate(ws: WebSocket, challenged: Promise<string>): Promise<void> {
    try {
      const nonce = await Promise.race([
        challenged,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new TransportError('timeout', 'no challenge')), this.#opts.requestTimeoutMs),
        ),
      ]);
      const signature = await this.#opts.sign(new TextEncoder().encode(authChallengeText(nonce, this.#opts.deviceId)));
      const certificate = this.#opts.certificate?.() ?? null;
      await this.#send(
        ws,
        { t: 'auth', signature: b64(signature), ...(certificate ? { certificate } : {}) },
        'auth_ok',
      );
      if (this.#ws !== ws) return;
      this.#attempt = 0;
      this.#problem = null;
      this.#startHeartbeat(ws);
      this.#setState('online');
      this.#firstOnline?.resolve();
      this.#firstOnline = null;
    } catch (error) {
      // Auth refusals come with a close code (handled in 'close'); anything else: drop and retry.
      this.#opts.log?.('authentication did not complete', { error: loggable(error) });
      if (error instanceof TransportError && (error.code === 'auth_failed' || error.code === 'revoked')) return;
      ws.terminate();
    }
  }

  #dispatch(frame: ServerFrame): void {
    switch (frame.t) {
      case 'push':
        return this.#pushListeners.emit({
          channelId: frame.channelId,
          seq: frame.seq,
          envelope: unb64(frame.envelope),
          at: frame.at,
          incarnation: frame.incarnation,
        });
      case 'mail_push':
        return this.#mailListeners.emit({
          messageId: frame.item.messageId,
          fromDeviceId: frame.item.fromDeviceId,
          payload: unb64(frame.item.payload),
          storedAt: frame.item.storedAt,
        });
      case 'wipe':
        return this.#wipeListeners.emit(frame.records);
      case 'dir_push':
        return this.#dirListeners.emit(frame.pos);
      case 'lag':
        // Pushes were dropped: announce online again so the consumer pulls by seq.
        if (this.#state === 'online') this.#setState('online', true);
        return;
      // Answers to a request (or a relay error): matched by id below.
      case 'ack':
      case 'auth_ok':
      case 'blob_data':
      case 'blob_status':
      case 'challenge':
      case 'changed':
      case 'devices_seen_result':
      case 'dir_records':
      case 'error':
      case 'mail':
      case 'ok':
      case 'page':
      case 'pong':
      case 'signin_result':
        break;
      // Directory agent sessions only; a device never asks for one.
      case 'signin_forward':
        return;
      default: {
        const _unhandled: never = frame;
        break;
      }
    }
    const id = 'id' in frame ? frame.id : undefined;
    if (id === undefined) {
      if (frame.t !== 'error') return;
      this.#opts.log?.('relay error', { code: frame.code, message: frame.message });
      if (frame.code === 'unsupported_version') this.#relayVersionProblem();
      return;
    }
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if (frame.t === 'error') pending.reject(relayError(frame));
    else pending.resolve(frame);
  }

  /** The relay speaks another protocol version: said in the connection info until an attempt succeeds. */
  #relayVersionProblem(): void {
    if (this.#problem !== null) return;
    this.#problem = 'relay_version';
    // Same state, new reason: listeners refresh the connection view.
    this.#setState(this.#state, true);
  }

  #startHeartbeat(ws: WebSocket): void {
    if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
    const interval = this.#opts.heartbeatMs;
    this.#heartbeatTimer = setInterval(() => {
      if (Date.now() - this.#lastHeard > interval * 2.5) {
        this.#opts.log?.('heartbeat lost, reconnecting');
        this.#lost(ws);
        return;
      }
      this.#send(ws, { t: 'ping' }, 'pong').catch(() => {});
    }, interval);
    this.#heartbeatTimer.unref?.();
  }

  #teardown(error: TransportError): void {
    if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = null;
    this.#ws = null;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.#pending.delete(id);
    }
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    this.#setState('connecting');
    const delay = backoffDelay(this.#opts.backoff, this.#attempt++, this.#opts.random);
    this.#nextRetryAt = Date.now() + delay;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#nextRetryAt = null;
      this.#open();
    }, delay);
  }
}
