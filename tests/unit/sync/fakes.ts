// Test twins for the sync engine's neighbours: a relay with the relay's ordering rules (gapless
// seq per channel, idempotent publish by client event id) and a crypto layer whose envelopes
// are JSON, with switches for missing keys, forgeries and epoch changes.
import type {
  OpenResult,
  OutboxItem,
  SealedOutgoing,
  SyncCrypto,
  SyncTransport,
  TransportState,
  WireEvent,
} from '../../../electron/core/sync/ports.ts';

export class FakeRelayTransport implements SyncTransport {
  #state: TransportState = 'offline';
  readonly log = new Map<string, WireEvent[]>();
  readonly #byClientId = new Map<string, number>();
  readonly #stateListeners = new Set<(s: TransportState) => void>();
  readonly #pushListeners = new Set<(e: WireEvent) => void>();
  readonly fetchCalls: Array<{ channelId: string; afterSeq: number }> = [];
  /** Fail the next N publishes before storing them. */
  failNextPublishes = 0;
  /** Store the next publish, then fail as if the ack was lost. */
  loseNextAck = false;

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
    const event = { channelId, seq: list.length + 1, envelope };
    list.push(event);
    this.log.set(channelId, list);
    return event;
  }
  async publish(channelId: string, clientEventId: string, envelope: Uint8Array): Promise<{ seq: number }> {
    if (this.#state !== 'online') throw new Error('offline');
    if (this.failNextPublishes > 0) {
      this.failNextPublishes--;
      throw new Error('relay unavailable');
    }
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
    return { seq };
  }
  async changedChannels(cursors: Readonly<Record<string, number>>): Promise<Record<string, number>> {
    const heads: Record<string, number> = {};
    for (const [channel, list] of this.log) if (list.length > (cursors[channel] ?? 0)) heads[channel] = list.length;
    return heads;
  }
  async fetchPage(channelId: string, afterSeq: number, limit: number): Promise<WireEvent[]> {
    this.fetchCalls.push({ channelId, afterSeq });
    return (this.log.get(channelId) ?? []).filter((e) => e.seq > afterSeq).slice(0, limit);
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
  async open(wire: WireEvent): Promise<OpenResult> {
    let parsed: FakeEnvelope;
    try {
      parsed = JSON.parse(new TextDecoder().decode(wire.envelope)) as FakeEnvelope;
    } catch {
      return { kind: 'rejected', reason: 'malformed' };
    }
    if (parsed.forged) return { kind: 'rejected', reason: 'bad_signature' };
    if (this.missingKeysFrom.has(parsed.sender)) return { kind: 'missing_key', detail: `no chain key from ${parsed.sender}` };
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
