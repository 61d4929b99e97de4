// A channel whose relay log has missing seqs, or whose relay was restored from a backup, keeps
// working: declared gaps are skipped, undeclared ones retried with backoff (never a hot loop)
// while newer events flow on, and a restored relay's seqs are never mistaken for known ones.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { SyncEngine } from '../../../apps/desktop/electron/core/sync/engine.ts';
import { MemorySyncStore } from '../../../apps/desktop/electron/core/sync/memory-store.ts';
import type { GapRange } from '../../../apps/desktop/electron/core/sync/ports.ts';
import { envelopeFor, FakeRelayTransport, FakeSyncCrypto } from './fakes.ts';

function setup(device = 'device-a', relay = new FakeRelayTransport()) {
  const clock = new FakeClock();
  const store = new MemorySyncStore();
  const { logger, records } = createMemoryLogger();
  const applied: string[] = [];
  const gaps: Array<{ gaps: GapRange[]; attempt: number }> = [];
  const engine = new SyncEngine({
    transport: relay,
    crypto: new FakeSyncCrypto(device),
    store,
    clock,
    log: logger,
    random: () => 0.5,
    pageSize: 3,
    listeners: {
      applied: (_c, events) => applied.push(...events.map((e) => e.eventId)),
      gap: (_c, open, attempt) => gaps.push({ gaps: [...open], attempt }),
    },
  });
  return { engine, store, relay, clock, records, applied, gaps };
}

const settle = async (rounds = 5) => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
};
const other = (relay: FakeRelayTransport, id: string, channelId = 'ch-1') =>
  relay.append(channelId, envelopeFor({ id, sender: 'device-b', epoch: 1, body: { body: id } }));
const bodies = (store: MemorySyncStore, channelId = 'ch-1') =>
  (store.events.get(channelId) ?? []).map((e) => `${e.seq}:${e.eventId}`);

/** Lets `ms` of fake time pass in steps, with the event loop running in between. */
async function pass(clock: FakeClock, ms: number, step = 500): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await settle();
  }
}

describe('sync engine: gaps in a channel log', () => {
  it('skips what the relay declares deleted by retention and remembers where the history starts', async () => {
    const t = setup();
    for (let i = 1; i <= 10; i++) other(t.relay, `e${i}`);
    t.relay.expireThrough('ch-1', 6);
    t.relay.setState('online');
    await t.engine.start();
    await t.engine.idle();

    expect(bodies(t.store)).toEqual(['7:e7', '8:e8', '9:e9', '10:e10']);
    expect(await t.store.cursors()).toEqual({ 'ch-1': 10 });
    expect(t.store.historyStarts.get('ch-1')).toBe(7);
    expect(await t.store.gaps()).toEqual({});
    expect(t.gaps).toEqual([]);
    // Two pages of three and one short one: no asking again.
    expect(t.relay.fetchCalls.length).toBeLessThanOrEqual(3);
  });

  it('a device offline longer than the retention skips to the declared start', async () => {
    const t = setup();
    for (let i = 1; i <= 3; i++) other(t.relay, `e${i}`);
    t.relay.setState('online');
    await t.engine.start();
    await t.engine.idle();
    expect(await t.store.cursors()).toEqual({ 'ch-1': 3 });

    t.relay.setState('offline');
    for (let i = 4; i <= 9; i++) other(t.relay, `e${i}`);
    t.relay.expireThrough('ch-1', 7);
    t.relay.setState('online');
    await settle();
    await t.engine.idle();

    expect(bodies(t.store)).toEqual(['1:e1', '2:e2', '3:e3', '8:e8', '9:e9']);
    expect(t.store.historyStarts.get('ch-1')).toBe(8);
    expect(await t.store.gaps()).toEqual({});
  });

  it('every event of a channel expired: the cursor still reaches the head', async () => {
    const t = setup();
    for (let i = 1; i <= 4; i++) other(t.relay, `e${i}`);
    t.relay.expireThrough('ch-1', 4);
    t.relay.setState('online');
    await t.engine.start();
    await t.engine.idle();
    expect(await t.store.cursors()).toEqual({ 'ch-1': 4 });
    expect(t.relay.fetchCalls.length).toBe(1);
  });

  it('an undeclared gap: newer events arrive, the gap is asked for again with backoff (no hot loop), reported, and filled when the relay has it', async () => {
    const t = setup();
    for (let i = 1; i <= 8; i++) other(t.relay, `e${i}`);
    const lost = t.relay.lose('ch-1', 5);
    t.relay.setState('online');
    await t.engine.start();
    await t.engine.idle();

    expect(bodies(t.store)).toEqual(['1:e1', '2:e2', '3:e3', '4:e4', '6:e6', '7:e7', '8:e8']);
    expect(await t.store.cursors()).toEqual({ 'ch-1': 8 });
    expect(await t.store.gaps()).toEqual({ 'ch-1': [{ from: 5, to: 5 }] });
    expect(t.gaps[0]).toEqual({ gaps: [{ from: 5, to: 5 }], attempt: 0 });
    expect(t.records.some((r) => r.level === 'warn' && r.message.startsWith('gap in channel log'))).toBe(true);
    const afterPull = t.relay.fetchCalls.length;
    expect(afterPull).toBeLessThanOrEqual(4);

    // Ten seconds: a handful of retries, not thousands; newer events keep coming meanwhile.
    await pass(t.clock, 5_000);
    const pushed = other(t.relay, 'e9');
    t.relay.push(pushed);
    await pass(t.clock, 5_000);
    expect(bodies(t.store)).toContain('9:e9');
    const retries = t.relay.fetchCalls.length - afterPull;
    expect(retries).toBeGreaterThanOrEqual(1);
    expect(retries).toBeLessThanOrEqual(5);
    expect(t.gaps.at(-1)!.attempt).toBeGreaterThanOrEqual(1);

    // The relay has it again: the next retry fills the gap and stops asking.
    t.relay.restoreEvent(lost);
    await pass(t.clock, 5 * 60_000, 5_000);
    expect(bodies(t.store)).toContain('5:e5');
    expect(await t.store.gaps()).toEqual({});
    const settled = t.relay.fetchCalls.length;
    await pass(t.clock, 10 * 60_000, 10_000);
    expect(t.relay.fetchCalls.length).toBe(settled);
  });

  it('an undeclared gap that retention later declares is dropped, not asked for for ever', async () => {
    const t = setup();
    for (let i = 1; i <= 6; i++) other(t.relay, `e${i}`);
    t.relay.lose('ch-1', 2);
    t.relay.setState('online');
    await t.engine.start();
    await t.engine.idle();
    expect(await t.store.gaps()).toEqual({ 'ch-1': [{ from: 2, to: 2 }] });
    t.relay.expireThrough('ch-1', 3);
    await pass(t.clock, 5 * 60_000, 5_000);
    expect(await t.store.gaps()).toEqual({});
    const settled = t.relay.fetchCalls.length;
    await pass(t.clock, 10 * 60_000, 10_000);
    expect(t.relay.fetchCalls.length).toBe(settled);
  });
});

describe('sync engine: a relay restored from a backup', () => {
  it('never takes a new event for a known one, and sends its own events the relay lost again, once', async () => {
    const relay = new FakeRelayTransport();
    const a = setup('device-a', relay);
    relay.setState('online');
    await a.engine.start();
    a.store.enqueue({
      clientEventId: 'a1',
      channelId: 'ch-1',
      contentType: 'message',
      payload: { body: 'a1' },
      createdAt: 0,
    });
    await a.engine.notifyQueued();
    const backup = relay.backup();
    a.store.enqueue({
      clientEventId: 'a2',
      channelId: 'ch-1',
      contentType: 'message',
      payload: { body: 'a2' },
      createdAt: 0,
    });
    await a.engine.notifyQueued();
    relay.push(other(relay, 'b3'));
    await settle();
    await a.engine.idle();
    // (The twin crypto opens the device's own events too; the real one refuses them as replays.)
    expect(bodies(a.store)).toEqual(['1:a1', '2:a2', '3:b3']);
    expect(a.store.sent).toEqual(
      new Map([
        ['a1', 1],
        ['a2', 2],
      ]),
    );

    // The relay goes back to the backup (seq 1 only) and is marked restored: its seqs go on at
    // 102, 2..101 are declared gone.
    relay.setState('offline');
    relay.restore(backup, 'incarnation-2');
    relay.setState('online');
    await settle();
    await a.engine.idle();
    await settle();

    // a2 went out again in the new incarnation, under a new seq above every one the device saw.
    expect(relay.log.get('ch-1')!.map((e) => e.seq)).toEqual([1, 102]);
    expect(a.store.sentLog.get('a2')).toMatchObject({ seq: 102, incarnation: 'incarnation-2' });
    expect(await a.store.incarnation()).toBe('incarnation-2');

    // A new event comes after everything the device had, never at a seq it saw (3 was b3).
    relay.push(other(relay, 'c3'));
    await settle();
    await a.engine.idle();
    expect(bodies(a.store).at(-1)).toBe('103:c3');
    expect(bodies(a.store).filter((b) => b.startsWith('3:'))).toEqual(['3:b3']);
    // The skipped seqs are declared: no gap to ask for, no retention notice.
    expect(await a.store.cursors()).toEqual({ 'ch-1': 103 });
    expect(await a.store.gaps()).toEqual({});
    expect(a.gaps).toEqual([]);
    expect(a.store.historyStarts.has('ch-1')).toBe(false);

    // Each of a's events is on the relay exactly once.
    const ids = relay.log
      .get('ch-1')!
      .map((e) => (JSON.parse(new TextDecoder().decode(e.envelope)) as { id: string }).id);
    expect(ids).toEqual(['a1', 'a2', 'c3']);
  });

  it('a device that was offline through backup and restore gets every event once', async () => {
    const relay = new FakeRelayTransport();
    const a = setup('device-a', relay);
    relay.setState('online');
    await a.engine.start();
    const backup = relay.backup();
    a.store.enqueue({
      clientEventId: 'a1',
      channelId: 'ch-1',
      contentType: 'message',
      payload: { body: 'a1' },
      createdAt: 0,
    });
    await a.engine.notifyQueued();
    relay.setState('offline');
    relay.restore(backup, 'incarnation-2');
    relay.setState('online');
    await settle();
    await a.engine.idle();
    await settle();

    // Another device that never saw the relay before it was restored.
    const c = setup('device-c', relay);
    await c.engine.start();
    await c.engine.idle();
    expect(bodies(c.store)).toEqual(['1:a1']);
  });

  it('seqs a relay declares gone are skipped with a log entry naming them, never silently (a relay could hide events that way)', async () => {
    // A hostile relay withholds 2..4 and declares them gone instead of leaving a gap.
    class HidingRelay extends FakeRelayTransport {
      override async readPage(channelId: string, afterSeq: number, limit: number) {
        const page = await super.readPage(channelId, afterSeq, limit);
        return afterSeq < 4 ? { ...page, gone: [{ from: 2, to: 4 }] } : page;
      }
    }
    const relay = new HidingRelay();
    for (let i = 1; i <= 5; i++) other(relay, `e${i}`);
    relay.log.set(
      'ch-1',
      relay.log.get('ch-1')!.filter((e) => e.seq < 2 || e.seq > 4),
    );
    const t = setup('device-a', relay);
    relay.setState('online');
    await t.engine.start();
    await t.engine.idle();

    expect(bodies(t.store)).toEqual(['1:e1', '5:e5']);
    expect(await t.store.gaps()).toEqual({});
    const skipped = t.records.filter((r) => r.message.startsWith('seqs skipped: declared gone'));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ level: 'info', fields: { channelId: 'ch-1', from: 2, to: 4 } });
  });

  it('a push of another incarnation is not applied on the old cursors: the device syncs first', async () => {
    const relay = new FakeRelayTransport();
    const a = setup('device-a', relay);
    relay.setState('online');
    for (let i = 1; i <= 3; i++) other(relay, `e${i}`);
    await a.engine.start();
    await a.engine.idle();
    const backup = relay.backup();
    relay.restore(
      { ...backup, log: new Map([['ch-1', backup.log.get('ch-1')!.slice(0, 1)]]), heads: new Map([['ch-1', 1]]) },
      'incarnation-2',
    );
    const fresh = other(relay, 'n2');
    relay.push({ ...fresh, incarnation: 'incarnation-2' });
    await settle();
    await a.engine.idle();
    await settle();
    expect(bodies(a.store)).toEqual(['1:e1', '2:e2', '3:e3', '102:n2']);
    expect(await a.store.cursors()).toEqual({ 'ch-1': 102 });
  });
});
