import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { SyncEngine, type SyncProgress } from '../../../apps/desktop/electron/core/sync/engine.ts';
import { MemorySyncStore } from '../../../apps/desktop/electron/core/sync/memory-store.ts';
import { envelopeFor, FakeRelayTransport, FakeSyncCrypto } from './fakes.ts';

function setup(store = new MemorySyncStore(), relay = new FakeRelayTransport()) {
  const clock = new FakeClock();
  const crypto = new FakeSyncCrypto();
  const { logger, records } = createMemoryLogger();
  const applied: string[] = [];
  const progress: SyncProgress[] = [];
  const engine = new SyncEngine({
    transport: relay,
    crypto,
    store,
    clock,
    log: logger,
    random: () => 0.5,
    pageSize: 3,
    listeners: {
      applied: (_c, events) => applied.push(...events.map((e) => e.eventId)),
      progress: (p) => progress.push(p),
    },
  });
  return { engine, store, relay, clock, crypto, records, applied, progress };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const queue = (store: MemorySyncStore, id: string, channelId = 'ch-1', createdAt = 0) =>
  store.enqueue({ clientEventId: id, channelId, contentType: 'message', payload: { body: id }, createdAt });

describe('sync engine: outbox', () => {
  it('queues while offline and sends in order when the connection comes back', async () => {
    const t = setup();
    await t.engine.start();
    queue(t.store, 'm1');
    queue(t.store, 'm2');
    await t.engine.notifyQueued();
    expect(t.relay.log.get('ch-1')).toBeUndefined();
    t.relay.setState('online');
    await settle();
    await t.engine.idle();
    await t.engine.notifyQueued();
    expect(t.store.sent).toEqual(
      new Map([
        ['m1', 1],
        ['m2', 2],
      ]),
    );
    expect(t.store.outbox).toHaveLength(0);
  });

  it('retries with backoff and never lets a later message overtake a failed one', async () => {
    const t = setup();
    t.relay.setState('online');
    await t.engine.start();
    t.relay.failNextPublishes = 1;
    queue(t.store, 'first');
    queue(t.store, 'second');
    await t.engine.notifyQueued();
    expect(t.store.sent.size).toBe(0);
    expect(t.store.failures.map((f) => f.clientEventId)).toEqual(['first']);
    // Before the backoff ends nothing is sent, not even "second".
    t.clock.advance(100);
    await settle();
    expect(t.store.sent.size).toBe(0);
    t.clock.advance(60_000);
    await settle();
    await settle();
    expect([...t.store.sent.entries()]).toEqual([
      ['first', 1],
      ['second', 2],
    ]);
  });

  it('an event the relay refuses for good leaves the queue at once and holds back nothing after it', async () => {
    const t = setup();
    t.relay.setState('online');
    await t.engine.start();
    t.relay.refuse.set('refused', 'not_permitted');
    queue(t.store, 'before');
    queue(t.store, 'refused');
    queue(t.store, 'after');
    await t.engine.notifyQueued();
    expect([...t.store.sent.entries()]).toEqual([
      ['before', 1],
      ['after', 2],
    ]);
    expect(t.store.refused).toEqual([{ clientEventId: 'refused', code: 'not_permitted' }]);
    expect(t.store.outbox).toHaveLength(0);
    // Never tried again: no timer left, and a later flush sends nothing more.
    t.clock.advance(10 * 60_000);
    await settle();
    expect(t.relay.log.get('ch-1')).toHaveLength(2);
    expect(
      t.records.some(
        (r) => r.message === 'relay refused an own event for good' && r.fields?.['code'] === 'not_permitted',
      ),
    ).toBe(true);
  });

  it("the relay's not_member is retried while this device's own roster names its user, and final once it does not", async () => {
    const t = setup();
    t.relay.setState('online');
    await t.engine.start();
    // A restored relay lacks the channel's roster until a device gives it back.
    t.relay.refuse.set('lost', 'not_member');
    queue(t.store, 'lost');
    queue(t.store, 'next');
    await t.engine.notifyQueued();
    expect(t.store.refused).toEqual([]);
    expect(t.store.outbox.map((i) => i.clientEventId)).toEqual(['lost', 'next']);
    t.relay.refuse.delete('lost');
    t.clock.advance(60_000);
    await settle();
    await settle();
    expect([...t.store.sent.entries()]).toEqual([
      ['lost', 1],
      ['next', 2],
    ]);

    // Removed from the channel by the roster this device holds: the answer is final.
    t.crypto.notMemberOf.add('ch-2');
    t.relay.refuse.set('removed', 'not_member');
    queue(t.store, 'removed', 'ch-2');
    await t.engine.notifyQueued();
    expect(t.store.refused).toEqual([{ clientEventId: 'removed', code: 'not_member' }]);
  });

  it('a retry after a lost ack publishes the same bytes and gets the original seq (no duplicate)', async () => {
    const t = setup();
    t.relay.setState('online');
    await t.engine.start();
    t.relay.loseNextAck = true;
    queue(t.store, 'm1');
    await t.engine.notifyQueued();
    expect(t.store.sent.size).toBe(0);
    t.clock.advance(60_000);
    await settle();
    await settle();
    expect(t.store.sent.get('m1')).toBe(1);
    expect(t.relay.log.get('ch-1')).toHaveLength(1);
    expect(t.crypto.sealCount).toBe(1);
  });

  it('seals again when the epoch changed between attempts (a member was removed)', async () => {
    const t = setup();
    t.relay.setState('online');
    await t.engine.start();
    t.relay.failNextPublishes = 1;
    queue(t.store, 'm1');
    await t.engine.notifyQueued();
    t.crypto.epochs.set('ch-1', 2);
    t.clock.advance(60_000);
    await settle();
    await settle();
    expect(t.crypto.sealCount).toBe(2);
    const stored = JSON.parse(new TextDecoder().decode(t.relay.log.get('ch-1')![0]!.envelope)) as { epoch: number };
    expect(stored.epoch).toBe(2);
  });
});

describe('sync engine: receiving', () => {
  it('catches up every changed channel, the open channel first, in pages', async () => {
    const t = setup();
    for (let i = 1; i <= 5; i++)
      t.relay.append('ch-a', envelopeFor({ id: `a${i}`, sender: 'device-b', epoch: 1, body: i }));
    for (let i = 1; i <= 2; i++)
      t.relay.append('ch-b', envelopeFor({ id: `b${i}`, sender: 'device-b', epoch: 1, body: i }));
    t.engine.setOpenChannel('ch-b');
    t.relay.setState('online');
    await t.engine.start();
    await t.engine.idle();
    expect(t.relay.fetchCalls[0]!.channelId).toBe('ch-b');
    expect(t.relay.fetchCalls.filter((c) => c.channelId === 'ch-a').map((c) => c.afterSeq)).toEqual([0, 3]);
    expect(await t.store.cursors()).toEqual({ 'ch-a': 5, 'ch-b': 2 });
    expect(t.store.events.get('ch-a')!.map((e) => e.eventId)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(t.progress.at(-1)).toMatchObject({ connection: 'online', channelsRemaining: 0 });
  });

  it('applies the next live push directly, ignores duplicates, and pulls on a gap', async () => {
    const t = setup();
    t.relay.setState('online');
    await t.engine.start();
    const e1 = t.relay.append('ch-1', envelopeFor({ id: 'x1', sender: 'device-b', epoch: 1, body: 1 }));
    t.relay.push(e1);
    await settle();
    t.relay.push(e1);
    await settle();
    expect(t.store.events.get('ch-1')!.map((e) => e.eventId)).toEqual(['x1']);
    t.relay.append('ch-1', envelopeFor({ id: 'x2', sender: 'device-b', epoch: 1, body: 2 }));
    const e3 = t.relay.append('ch-1', envelopeFor({ id: 'x3', sender: 'device-b', epoch: 1, body: 3 }));
    t.relay.push(e3); // x2 never arrived live: a gap
    await settle();
    await settle();
    expect(t.store.events.get('ch-1')!.map((e) => e.eventId)).toEqual(['x1', 'x2', 'x3']);
    expect(t.relay.fetchCalls.at(-1)).toEqual({ channelId: 'ch-1', afterSeq: 1 });
  });

  it('keeps events it cannot decrypt yet, advances the cursor, and applies them when the key arrives', async () => {
    const t = setup();
    t.crypto.missingKeysFrom.add('device-c');
    t.relay.append('ch-1', envelopeFor({ id: 'k1', sender: 'device-c', epoch: 1, body: 'later' }));
    t.relay.append('ch-1', envelopeFor({ id: 'k2', sender: 'device-b', epoch: 1, body: 'now' }));
    t.relay.setState('online');
    await t.engine.start();
    await t.engine.idle();
    expect(t.store.events.get('ch-1')!.map((e) => e.eventId)).toEqual(['k2']);
    expect((await t.store.pending('ch-1')).map((w) => w.seq)).toEqual([1]);
    expect(await t.store.cursors()).toEqual({ 'ch-1': 2 });
    t.crypto.missingKeysFrom.clear();
    await t.engine.retryPending('ch-1');
    expect(t.store.events.get('ch-1')!.map((e) => e.eventId)).toEqual(['k1', 'k2']);
    expect(await t.store.pending('ch-1')).toEqual([]);
  });

  it('skips a forged event with a logged reason and goes on', async () => {
    const t = setup();
    t.relay.append('ch-1', envelopeFor({ id: 'f1', sender: 'device-x', epoch: 1, body: 'evil', forged: true }));
    t.relay.append('ch-1', envelopeFor({ id: 'ok', sender: 'device-b', epoch: 1, body: 'fine' }));
    t.relay.setState('online');
    await t.engine.start();
    await t.engine.idle();
    expect(t.store.events.get('ch-1')!.map((e) => e.eventId)).toEqual(['ok']);
    expect(t.records.some((r) => r.message === 'event rejected' && r.fields?.reason === 'bad_signature')).toBe(true);
  });

  it('a restarted engine resumes from the stored cursor without applying anything twice', async () => {
    const first = setup();
    first.relay.append('ch-1', envelopeFor({ id: 'r1', sender: 'device-b', epoch: 1, body: 1 }));
    first.relay.setState('online');
    await first.engine.start();
    await first.engine.idle();
    first.engine.stop();
    first.relay.append('ch-1', envelopeFor({ id: 'r2', sender: 'device-b', epoch: 1, body: 2 }));
    const second = setup(first.store, first.relay);
    await second.engine.start();
    await second.engine.idle();
    expect(first.store.events.get('ch-1')!.map((e) => e.eventId)).toEqual(['r1', 'r2']);
    expect(first.relay.fetchCalls.filter((c) => c.afterSeq === 0)).toHaveLength(1);
  });
});
