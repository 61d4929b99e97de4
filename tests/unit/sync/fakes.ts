// Test twins for the sync engine's neighbours: a relay with the relay's ordering rules (gapless
// seq per channel, idempotent publish by client event id) and a crypto layer whose envelopes
// are JSON, with switches for missing keys, forgeries and epoch changes.
import type {
  ChangedHeads,
  GapRange,
  OpenResult,
  OutboxItem,
  SealedOutgoing,
  SyncCrypto,
  SyncTransport,
  TransportState,
  WireEvent,
  WirePage,
} from '../../../apps/desktop/electron/core/sync/ports.ts';

export class FakeRelayTransport implements SyncTransport {
  #state: TransportState = 'offline';
  readonly log = new Map<string, WireEvent[]>();
  /** Per channel: the last seq ever given (seqs are never reused, whatever was deleted). */
  readonly #heads = new Map<string, number>();
  /** Per channel: the highest seq deleted by retention (declared: history starts after it). */
  readonly #floors = new Map<string, number>();
  /** Per channel: the restore point (the lowest head a restore left it at). */
  readonly #bases = new Map<string, number>();
  /** Per channel: seqs a restore skipped (declared gone, ascending). */
  readonly #gone = new Map<string, GapRange[]>();
  incarnation = 'incarnation-1';
  #byClientId = new Map<string, number>();
  readonly #stateListeners = new Set<(s: TransportState) => void>();
  readonly #pushListeners = new Set<(e: WireEvent) => void>();
  readonly fetchCalls: Array<{ channelId: string; afterSeq: number }> = [];
  /** Fail the next N publishes before storing them. */
  failNextPublishes = 0;
  /** Store the next publish, then fail as if the ack was lost. */
  loseNextAck = false;
  /** Refuse publishes of these client event ids for good, as the relay does a non-member's or an oversized one. */
  readonly refuse = new Map<string, string>();

  state(): TransportState {
    return this.#state;
  }
  setState(state: TransportState): void {
    this.#state = state;
    this.#stateListeners.forEach((l) => l(state));
  }
  onState(listener: (s: TransportState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }
  onPush(listener: (e: WireEvent) => void): () => void {
    this.#pushListeners.add(listener);
    return () => this.#pushListeners.delete(listener);
  }
  push(event: WireEvent): void {
    this.#pushListeners.forEach((l) => l(event));
  }
  /** Appends as another device would, returning the stored event (not pushed). */
  append(channelId: string, envelope: Uint8Array): WireEvent {
    const list = this.log.get(channelId) ?? [];
    const event = { channelId, seq: (this.#heads.get(channelId) ?? 0) + 1, envelope };
    this.#heads.set(channelId, event.seq);
    list.push(event);
    this.log.set(channelId, list);
    return event;
  }
  /** Retention: deletes the channel's events up to `seq` and declares it (as the relay's store does). */
  expireThrough(channelId: string, seq: number): void {
    this.log.set(
      channelId,
      (this.log.get(channelId) ?? []).filter((e) => e.seq > seq),
    );
    this.#floors.set(channelId, Math.max(this.#floors.get(channelId) ?? 0, seq));
  }
  /** A relay that lost an event and says nothing. */
  lose(channelId: string, seq: number): WireEvent {
    const list = this.log.get(channelId) ?? [];
    const at = list.findIndex((e) => e.seq === seq);
    return list.splice(at, 1)[0]!;
  }
  /** Puts a lost event back (the relay found it again). */
  restoreEvent(event: WireEvent): void {
    const list = this.log.get(event.channelId) ?? [];
    list.push(event);
    list.sort((a, b) => a.seq - b.seq);
  }
  /** What a backup holds. */
  backup(): { log: Map<string, WireEvent[]>; heads: Map<string, number>; byClientId: Map<string, number> } {
    return {
      log: new Map([...this.log].map(([c, l]) => [c, [...l]])),
      heads: new Map(this.#heads),
      byClientId: new Map(this.#byClientId),
    };
  }
  /**
   * Restore from a backup and `relay restore`: a new incarnation, restore points at the heads,
   * and seqs that go on `jump` above them (the skipped ones declared gone), as the relay's store does.
   */
  restore(backup: ReturnType<FakeRelayTransport['backup']>, incarnation: string, jump = 100): void {
    this.log.clear();
    for (const [c, l] of backup.log) this.log.set(c, [...l]);
    this.#heads.clear();
    for (const [c, h] of backup.heads) {
      this.#heads.set(c, h + jump);
      this.#bases.set(c, Math.min(this.#bases.get(c) ?? h, h));
      this.#gone.set(c, [...(this.#gone.get(c) ?? []), { from: h + 1, to: h + jump }]);
    }
    this.#byClientId = new Map(backup.byClientId);
    this.incarnation = incarnation;
  }
  async publish(
    channelId: string,
    clientEventId: string,
    envelope: Uint8Array,
  ): Promise<{ seq: number; incarnation: string }> {
    if (this.#state !== 'online') throw new Error('offline');
    if (this.failNextPublishes > 0) {
      this.failNextPublishes--;
      throw new Error('relay unavailable');
    }
    const refusal = this.refuse.get(clientEventId);
    if (refusal !== undefined)
      throw Object.assign(new Error(`refused: ${refusal}`), { code: refusal, refusedForGood: true });
    const key = `${channelId}/${clientEventId}`;
    let seq = this.#byClientId.get(key);
    if (seq === undefined) {
      seq = this.append(channelId, envelope).seq;
      this.#byClientId.set(key, seq);
    }
    if (this.loseNextAck) {
      this.loseNextAck = false;
      throw new Error('connection lost before ack');
    }
    return { seq, incarnation: this.incarnation };
  }
  async changedSince(cursors: Readonly<Record<string, number>>, incarnation: string | null): Promise<ChangedHeads> {
    if (this.#state !== 'online') throw new Error('offline');
    const heads: Record<string, number> = {};
    for (const [channel, head] of this.#heads) if (head > (cursors[channel] ?? 0)) heads[channel] = head;
    if (incarnation === null || incarnation === this.incarnation) return { heads, incarnation: this.incarnation };
    // Every channel the device may read (here: every channel it or the relay knows); 0 where the
    // channel has no restore point (it began after the restore, or the backup did not have it).
    const channels = new Set([...this.#heads.keys(), ...Object.keys(cursors)]);
    return {
      heads,
      incarnation: this.incarnation,
      bases: Object.fromEntries([...channels].map((c) => [c, this.#bases.get(c) ?? 0])),
    };
  }
  /**
   * The pre-incarnation calls, so these twins also drive an engine that knows only them (to show
   * that a test fails there). Both count as fetches.
   */
  async changedChannels(cursors: Readonly<Record<string, number>>): Promise<Record<string, number>> {
    return (await this.changedSince(cursors, null)).heads;
  }
  async fetchPage(channelId: string, afterSeq: number, limit: number): Promise<WireEvent[]> {
    return (await this.readPage(channelId, afterSeq, limit)).events;
  }
  /** A runaway puller fails here instead of spinning for ever. */
  maxFetches = 1_000;
  async readPage(channelId: string, afterSeq: number, limit: number): Promise<WirePage> {
    if (this.#state !== 'online') throw new Error('offline');
    if (this.fetchCalls.length >= this.maxFetches) throw new Error('too many fetches');
    this.fetchCalls.push({ channelId, afterSeq });
    const events = (this.log.get(channelId) ?? [])
      .filter((e) => e.seq > afterSeq)
      .slice(0, limit)
      .map((e) => ({ ...e }));
    const head = this.#heads.get(channelId) ?? 0;
    const covers = events.length >= limit ? events.at(-1)!.seq : head;
    const gone = (this.#gone.get(channelId) ?? []).filter((g) => g.to > afterSeq && g.from <= covers);
    return {
      events,
      head,
      historyStart: (this.#floors.get(channelId) ?? 0) + 1,
      ...(gone.length > 0 ? { gone } : {}),
      incarnation: this.incarnation,
    };
  }
}

interface FakeEnvelope {
  id: string;
  sender: string;
  epoch: number;
  body: unknown;
  forged?: boolean;
}

export const envelopeFor = (fields: FakeEnvelope): Uint8Array => new TextEncoder().encode(JSON.stringify(fields));

export class FakeSyncCrypto implements SyncCrypto {
  epochs = new Map<string, number>();
  /** Senders whose chain key this device does not have yet. */
  missingKeysFrom = new Set<string>();
  sealCount = 0;
  readonly device: string;
  constructor(device = 'device-a') {
    this.device = device;
  }
  epoch(channelId: string): number {
    return this.epochs.get(channelId) ?? 1;
  }
  async seal(item: OutboxItem): Promise<SealedOutgoing> {
    this.sealCount++;
    const epoch = this.epoch(item.channelId);
    return { epoch, envelope: envelopeFor({ id: item.clientEventId, sender: this.device, epoch, body: item.payload }) };
  }
  isCurrentEpoch(channelId: string, epoch: number): boolean {
    return epoch === this.epoch(channelId);
  }
  /** Channels whose roster, as this device holds it, no longer names its user. */
  readonly notMemberOf = new Set<string>();
  isMember(channelId: string): boolean {
    return !this.notMemberOf.has(channelId);
  }
  async open(wire: WireEvent): Promise<OpenResult> {
    let parsed: FakeEnvelope;
    try {
      parsed = JSON.parse(new TextDecoder().decode(wire.envelope)) as FakeEnvelope;
    } catch {
      return { kind: 'rejected', reason: 'malformed' };
    }
    if (parsed.forged) return { kind: 'rejected', reason: 'bad_signature' };
    if (this.missingKeysFrom.has(parsed.sender))
      return { kind: 'missing_key', detail: `no chain key from ${parsed.sender}` };
    return {
      kind: 'event',
      event: {
        eventId: parsed.id,
        channelId: wire.channelId,
        seq: wire.seq,
        senderDeviceId: parsed.sender,
        senderUserId: parsed.sender.replace('device', 'user'),
        createdAt: 0,
        contentType: 'message',
        payload: parsed.body,
      },
    };
  }
}
