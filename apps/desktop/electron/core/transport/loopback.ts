// In-memory transport with the relay's rules: gapless seq per channel, idempotent publish by
// client event id, membership checks, device mailboxes, content-addressed blobs, a directory
// log. One LoopbackHub stands in for the relay; each device gets a LoopbackTransport on it.
// Used by tests and the single-process demo; passes the same contract suite as the relay.
import { createHash, randomBytes } from 'node:crypto';
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

const CHUNK = 256 * 1024;

export interface LoopbackHubOptions {
  /** May this device read and publish to the channel? Default: everyone may. */
  canAccess?: (deviceId: string, channelId: string) => boolean;
  /** Accepts a signed record for the directory, or returns why not. Default: accept. */
  admitRecord?: (record: Record<string, unknown>) => string | null;
}

export class LoopbackHub {
  readonly #logs = new Map<string, WireEvent[]>();
  readonly #byClientId = new Map<string, WireEvent>();
  readonly #mailboxes = new Map<string, Map<string, MailboxMessage>>();
  readonly #blobs = new Map<string, Uint8Array>();
  readonly #records: Array<{ pos: number; record: Record<string, unknown> }> = [];
  readonly #transports = new Set<LoopbackTransport>();
  readonly #options: LoopbackHubOptions;
  /** Like a relay database's: one per hub (a loopback relay is never restored). */
  readonly incarnation = randomBytes(12).toString('base64url');

  constructor(options: LoopbackHubOptions = {}) {
    this.#options = options;
  }

  /** A transport for one device (starts offline; call connect()). */
  transport(deviceId: string): LoopbackTransport {
    return new LoopbackTransport(this, deviceId);
  }

  /** Test hook: drops every connection (they reconnect by themselves after `delayMs`). */
  dropAll(delayMs = 0): void {
    for (const t of this.#transports) t.dropConnection(delayMs);
  }

  /** @internal */ attach(t: LoopbackTransport): void {
    this.#transports.add(t);
  }
  /** @internal */ detach(t: LoopbackTransport): void {
    this.#transports.delete(t);
  }

  canAccess(deviceId: string, channelId: string): boolean {
    return this.#options.canAccess?.(deviceId, channelId) ?? true;
  }

  publish(from: LoopbackTransport, channelId: string, clientEventId: string, envelope: Uint8Array): PublishResult {
    const key = `${channelId}\n${clientEventId}`;
    const known = this.#byClientId.get(key);
    if (known !== undefined) return { seq: known.seq, at: known.at!, incarnation: this.incarnation };
    const log = this.#logs.get(channelId) ?? [];
    // Relay time as the relay stamps it: this process's clock, never before the previous event.
    const at = Math.max(Date.now(), log.at(-1)?.at ?? 0);
    const event: WireEvent = { channelId, seq: log.length + 1, envelope: envelope.slice(), at };
    log.push(event);
    this.#logs.set(channelId, log);
    this.#byClientId.set(key, event);
    for (const t of this.#transports) if (t !== from && this.canAccess(t.deviceId, channelId)) t.deliver(event);
    return { seq: event.seq, at, incarnation: this.incarnation };
  }

  changedSince(deviceId: string, cursors: Readonly<Record<string, number>>, incarnation: string | null): ChangedHeads {
    const heads = this.changed(deviceId, cursors);
    if (incarnation === null || incarnation === this.incarnation) return { heads, incarnation: this.incarnation };
    // Cursors of another relay: nothing is shared with this one.
    const bases: Record<string, number> = {};
    for (const channel of this.#logs.keys()) if (this.canAccess(deviceId, channel)) bases[channel] = 0;
    return { heads, incarnation: this.incarnation, bases };
  }

  readPage(channelId: string, afterSeq: number, limit: number): ChannelPage {
    const events = this.page(channelId, afterSeq, limit);
    return { events, head: this.#logs.get(channelId)?.length ?? 0, historyStart: 1, incarnation: this.incarnation };
  }

  changed(deviceId: string, cursors: Readonly<Record<string, number>>): Record<string, number> {
    const heads: Record<string, number> = {};
    for (const [channel, log] of this.#logs)
      if (this.canAccess(deviceId, channel) && log.length > (cursors[channel] ?? 0)) heads[channel] = log.length;
    return heads;
  }

  page(channelId: string, afterSeq: number, limit: number): WireEvent[] {
    return (this.#logs.get(channelId) ?? [])
      .slice(afterSeq, afterSeq + limit)
      .map((e) => ({ ...e, envelope: e.envelope.slice() }));
  }

  mailPut(fromDeviceId: string, toDeviceId: string, messageId: string, payload: Uint8Array): void {
    const box = this.#mailboxes.get(toDeviceId) ?? new Map<string, MailboxMessage>();
    this.#mailboxes.set(toDeviceId, box);
    if (box.has(messageId)) return;
    const message: MailboxMessage = { messageId, fromDeviceId, payload: payload.slice(), storedAt: Date.now() };
    box.set(messageId, message);
    for (const t of this.#transports) if (t.deviceId === toDeviceId) t.deliverMail(message);
  }

  mailFetch(deviceId: string, limit: number): MailboxMessage[] {
    return [...(this.#mailboxes.get(deviceId)?.values() ?? [])].slice(0, limit);
  }

  mailAck(deviceId: string, ids: readonly string[]): void {
    const box = this.#mailboxes.get(deviceId);
    for (const id of ids) box?.delete(id);
  }

  blobPut(hash: string, bytes: Uint8Array): void {
    if (!this.#blobs.has(hash)) this.#blobs.set(hash, bytes.slice());
  }

  blob(hash: string): Uint8Array | undefined {
    return this.#blobs.get(hash);
  }

  /** Blobs the events published here named: a discard leaves them. */
  readonly #referenced = new Set<string>();
  blobsReferenced(hashes: readonly string[]): void {
    for (const hash of hashes) this.#referenced.add(hash);
  }

  blobDiscard(hashes: readonly string[]): void {
    for (const hash of hashes) if (!this.#referenced.has(hash)) this.#blobs.delete(hash);
  }

  putRecord(record: Record<string, unknown>): void {
    const refusal = this.#options.admitRecord?.(record) ?? null;
    if (refusal) throw new TransportError('record_rejected', refusal);
    const sig = record.sig;
    if (typeof sig === 'string' && this.#records.some((r) => r.record.sig === sig)) return;
    const pos = this.#records.length + 1;
    this.#records.push({ pos, record: structuredClone(record) });
    for (const t of this.#transports) t.deliverDirectory(pos);
  }

  records(after: number, limit: number): DirectoryPage {
    return { records: this.#records.slice(after, after + limit) };
  }
}

export class LoopbackTransport implements Transport {
  readonly deviceId: string;
  readonly #hub: LoopbackHub;
  #state: TransportState = 'offline';
  #stopped = true;
  readonly #stateListeners = new Listeners<TransportState>();
  readonly #pushListeners = new Listeners<WireEvent>();
  readonly #mailListeners = new Listeners<MailboxMessage>();
  readonly #fatalListeners = new Listeners<TransportError>();
  readonly #dirListeners = new Listeners<number>();
  readonly #wipeListeners = new Listeners<Array<Record<string, unknown>>>();

  constructor(hub: LoopbackHub, deviceId: string) {
    this.#hub = hub;
    this.deviceId = deviceId;
  }

  state(): TransportState {
    return this.#state;
  }
  connection(): ConnectionInfo {
    return {
      state: this.#state,
      reconnectAttempt: this.#state === 'connecting' && !this.#stopped ? 1 : 0,
      nextRetryAt: null,
      problem: null,
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
  /** The loopback hub has no revocation; wipe orders travel in its directory only. */
  onWipe(listener: (records: Array<Record<string, unknown>>) => void): () => void {
    return this.#wipeListeners.add(listener);
  }
  /** @internal */ deliverDirectory(pos: number): void {
    queueMicrotask(() => this.#dirListeners.emit(pos));
  }

  async connect(): Promise<void> {
    this.#stopped = false;
    this.#setState('connecting');
    await Promise.resolve();
    if (this.#stopped) throw new TransportError('closed', 'transport closed');
    this.#hub.attach(this);
    this.#setState('online');
  }

  async close(): Promise<void> {
    this.#stopped = true;
    this.#hub.detach(this);
    this.#setState('offline');
  }

  /** Test hook: the link drops and comes back after `delayMs`, like a relay restart. */
  dropConnection(delayMs = 0): void {
    if (this.#state !== 'online') return;
    this.#hub.detach(this);
    this.#setState('connecting');
    setTimeout(() => {
      if (this.#stopped) return;
      this.#hub.attach(this);
      this.#setState('online');
    }, delayMs);
  }

  /** @internal */ deliver(event: WireEvent): void {
    queueMicrotask(() => this.#pushListeners.emit({ ...event, envelope: event.envelope.slice() }));
  }
  /** @internal */ deliverMail(message: MailboxMessage): void {
    queueMicrotask(() => this.#mailListeners.emit({ ...message, payload: message.payload.slice() }));
  }

  async publish(
    channelId: string,
    clientEventId: string,
    envelope: Uint8Array,
    options: { blobs?: readonly string[] } = {},
  ): Promise<PublishResult> {
    this.#requireOnline();
    this.#requireAccess(channelId);
    this.#hub.blobsReferenced(options.blobs ?? []);
    return this.#hub.publish(this, channelId, clientEventId, envelope);
  }
  async changedChannels(cursors: Readonly<Record<string, number>>): Promise<Record<string, number>> {
    this.#requireOnline();
    return this.#hub.changed(this.deviceId, cursors);
  }
  async fetchPage(channelId: string, afterSeq: number, limit: number): Promise<WireEvent[]> {
    this.#requireOnline();
    this.#requireAccess(channelId);
    return this.#hub.page(channelId, afterSeq, limit);
  }
  async changedSince(cursors: Readonly<Record<string, number>>, incarnation: string | null): Promise<ChangedHeads> {
    this.#requireOnline();
    return this.#hub.changedSince(this.deviceId, cursors, incarnation);
  }
  async readPage(channelId: string, afterSeq: number, limit: number): Promise<ChannelPage> {
    this.#requireOnline();
    this.#requireAccess(channelId);
    return this.#hub.readPage(channelId, afterSeq, limit);
  }
  async sendMail(toDeviceId: string, messageId: string, payload: Uint8Array): Promise<void> {
    this.#requireOnline();
    this.#hub.mailPut(this.deviceId, toDeviceId, messageId, payload);
  }
  async fetchMail(limit: number): Promise<MailboxMessage[]> {
    this.#requireOnline();
    return this.#hub.mailFetch(this.deviceId, limit);
  }
  async ackMail(messageIds: readonly string[]): Promise<void> {
    this.#requireOnline();
    this.#hub.mailAck(this.deviceId, messageIds);
  }
  async putBlob(bytes: Uint8Array, options: BlobOptions = {}): Promise<{ hash: string }> {
    await this.#waitOnline(options.timeoutMs ?? 60_000);
    const hash = createHash('sha256').update(bytes).digest('hex');
    options.onHash?.(hash);
    for (let done = 0; done < bytes.length;) {
      done = Math.min(bytes.length, done + CHUNK);
      options.onProgress?.({ done, total: bytes.length });
    }
    this.#hub.blobPut(hash, bytes);
    return { hash };
  }
  async discardBlobs(hashes: readonly string[]): Promise<void> {
    this.#requireOnline();
    this.#hub.blobDiscard(hashes);
  }
  async getBlob(hash: string, options: BlobOptions = {}): Promise<Uint8Array> {
    await this.#waitOnline(options.timeoutMs ?? 60_000);
    const blob = this.#hub.blob(hash);
    if (!blob) throw new TransportError('not_found', 'no such blob');
    // As the relay transport: bytes that are not what the hash names never reach the caller.
    if (createHash('sha256').update(blob).digest('hex') !== hash)
      throw new TransportError('hash_mismatch', 'downloaded blob does not match its hash');
    options.onProgress?.({ done: blob.length, total: blob.length });
    return blob.slice();
  }
  async putRecord(record: Record<string, unknown>): Promise<void> {
    // Like the relay transport: a record upload (an admin's action) waits out a dropped connection.
    await this.#waitOnline(RECORD_UPLOAD_TIMEOUT_MS);
    this.#hub.putRecord(record);
  }
  async getRecords(after: number, limit: number): Promise<DirectoryPage> {
    this.#requireOnline();
    return this.#hub.records(after, limit);
  }

  #requireOnline(): void {
    if (this.#state !== 'online') throw new TransportError('offline', 'not connected');
  }
  #requireAccess(channelId: string): void {
    if (!this.#hub.canAccess(this.deviceId, channelId))
      throw new TransportError('not_member', 'not a current member of this channel');
  }
  async #waitOnline(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#state !== 'online') {
      if (this.#stopped) throw new TransportError('closed', 'transport closed');
      if (Date.now() > deadline) throw new TransportError('timeout', 'not connected in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  #setState(state: TransportState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#stateListeners.emit(state);
  }
}
