// The Transport contract: every implementation (relay over WebSocket, loopback in memory) must
// pass these. The factory gives two member devices of one channel and one outsider.
import { describe, expect, it } from 'vitest';
import {
  TransportError,
  type Transport,
  type TransportState,
  type WireEvent,
} from '../../../apps/desktop/electron/core/transport/transport.ts';

export interface ContractWorld {
  alice: Transport;
  bob: Transport;
  /** Not a member of `channelId`. */
  outsider: Transport;
  bobDeviceId: string;
  channelId: string;
  /** A valid signed record the relay would accept (a roster of a new channel). */
  record: Record<string, unknown>;
  /** Drops the transport's connection; it must come back by itself. */
  drop(t: Transport): void;
  dispose(): Promise<void>;
}

const text = (s: string) => new TextEncoder().encode(s);
let n = 0;
const eventId = () => `evt${process.pid}x${String(++n).padStart(6, '0')}`;

export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function withWorld(make: () => Promise<ContractWorld>, body: (w: ContractWorld) => Promise<void>): Promise<void> {
  const world = await make();
  try {
    await Promise.all([world.alice.connect(), world.bob.connect(), world.outsider.connect()]);
    await body(world);
  } finally {
    await world.dispose();
  }
}

export function transportContract(name: string, make: () => Promise<ContractWorld>): void {
  describe(`transport contract: ${name}`, () => {
    it('lets several callers await the same first connect', async () => {
      const world = await make();
      try {
        await Promise.all([world.alice.connect(), world.alice.connect(), world.alice.connect()]);
        expect(world.alice.state()).toBe('online');
      } finally {
        await world.dispose();
      }
    });

    it('connects, publishes with gapless seqs, and a retry returns the original seq', () =>
      withWorld(make, async ({ alice, channelId }) => {
        expect(alice.state()).toBe('online');
        await Promise.all([alice.connect(), alice.connect()]);
        const first = eventId();
        expect(await alice.publish(channelId, first, text('one'))).toMatchObject({ seq: 1 });
        expect(await alice.publish(channelId, eventId(), text('two'))).toMatchObject({ seq: 2 });
        expect(await alice.publish(channelId, first, text('one'))).toMatchObject({ seq: 1 });
      }));

    it('stamps every event with one relay time: the same in the ack, the push and the page, never decreasing, the original on a retry', () =>
      withWorld(make, async ({ alice, bob, channelId }) => {
        const pushed: WireEvent[] = [];
        bob.onPush((e) => pushed.push(e));
        const before = Date.now();
        const id = eventId();
        const first = await alice.publish(channelId, id, text('one'));
        const second = await alice.publish(channelId, eventId(), text('two'));
        expect(first.at).toBeGreaterThanOrEqual(before - 1000);
        expect(second.at).toBeGreaterThanOrEqual(first.at!);
        await new Promise((r) => setTimeout(r, 5));
        expect(await alice.publish(channelId, id, text('one'))).toEqual({
          seq: 1,
          at: first.at,
          incarnation: first.incarnation,
        });
        await until(() => pushed.length === 2);
        expect(pushed.map((e) => e.at)).toEqual([first.at, second.at]);
        expect((await bob.fetchPage(channelId, 0, 10)).map((e) => [e.seq, e.at])).toEqual([
          [1, first.at],
          [2, second.at],
        ]);
      }));

    it('names one relay incarnation in acks, pages and heads; cursors of another one get restore points', () =>
      withWorld(make, async ({ alice, bob, channelId }) => {
        const { incarnation } = await alice.publish(channelId, eventId(), text('one'));
        await alice.publish(channelId, eventId(), text('two'));
        expect(incarnation).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
        const page = await bob.readPage(channelId, 0, 10);
        expect(page).toMatchObject({ head: 2, historyStart: 1, incarnation });
        expect(page.events.map((e) => e.seq)).toEqual([1, 2]);
        expect(await bob.changedSince({}, incarnation!)).toEqual({ heads: { [channelId]: 2 }, incarnation });
        expect(await bob.changedSince({}, null)).toEqual({ heads: { [channelId]: 2 }, incarnation });
        // Cursors of another incarnation: nothing is shared with a relay that was never restored.
        expect(await bob.changedSince({ [channelId]: 2 }, 'another-incarnation')).toMatchObject({
          heads: {},
          incarnation,
          bases: { [channelId]: 0 },
        });
      }));

    it('pushes live events with their seq to the other members', () =>
      withWorld(make, async ({ alice, bob, outsider, channelId }) => {
        const got: WireEvent[] = [];
        const outsiderGot: WireEvent[] = [];
        bob.onPush((e) => got.push(e));
        outsider.onPush((e) => outsiderGot.push(e));
        await alice.publish(channelId, eventId(), text('hallo'));
        await alice.publish(channelId, eventId(), text('station 3'));
        await until(() => got.length === 2);
        expect(got.map((e) => [e.channelId, e.seq, new TextDecoder().decode(e.envelope)])).toEqual([
          [channelId, 1, 'hallo'],
          [channelId, 2, 'station 3'],
        ]);
        expect(outsiderGot).toEqual([]);
      }));

    it('answers changed channels past the cursors and pages in order', () =>
      withWorld(make, async ({ alice, bob, channelId }) => {
        for (let i = 0; i < 7; i++) await alice.publish(channelId, eventId(), text(`m${i}`));
        expect(await bob.changedChannels({})).toEqual({ [channelId]: 7 });
        expect(await bob.changedChannels({ [channelId]: 7 })).toEqual({});
        expect(await bob.changedChannels({ [channelId]: 3 })).toEqual({ [channelId]: 7 });
        const page1 = await bob.fetchPage(channelId, 0, 4);
        const page2 = await bob.fetchPage(channelId, 4, 4);
        expect([...page1, ...page2].map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect(new TextDecoder().decode(page2[2]!.envelope)).toBe('m6');
      }));

    it('refuses a non-member publish and read with not_member', () =>
      withWorld(make, async ({ outsider, channelId }) => {
        await expect(outsider.publish(channelId, eventId(), text('x'))).rejects.toMatchObject({ code: 'not_member' });
        await expect(outsider.fetchPage(channelId, 0, 10)).rejects.toMatchObject({ code: 'not_member' });
        expect(await outsider.changedChannels({})).toEqual({});
      }));

    it('delivers device mailbox items once, live and by fetch, until acked', () =>
      withWorld(make, async ({ alice, bob, bobDeviceId }) => {
        const live: string[] = [];
        bob.onMail((m) => live.push(m.messageId));
        await alice.sendMail(bobDeviceId, 'msgshare1', text('key share'));
        await alice.sendMail(bobDeviceId, 'msgshare1', text('key share'));
        await until(() => live.length === 1);
        const items = await bob.fetchMail(10);
        expect(items.map((i) => [i.messageId, new TextDecoder().decode(i.payload)])).toEqual([
          ['msgshare1', 'key share'],
        ]);
        await bob.ackMail(['msgshare1']);
        expect(await bob.fetchMail(10)).toEqual([]);
      }));

    it('stores blobs by content hash with progress and refuses unknown hashes', () =>
      withWorld(make, async ({ alice, bob, channelId }) => {
        const data = new Uint8Array(700 * 1024).map((_, i) => (i * 7) % 256);
        const progress: number[] = [];
        const { hash } = await alice.putBlob(data, { onProgress: (p) => progress.push(p.done) });
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
        expect(progress.at(-1)).toBe(data.length);
        // The relay lets members of a channel whose event references the blob read it.
        await alice.publish(channelId, eventId(), text('file'), { blobs: [hash] });
        const back = await bob.getBlob(hash);
        expect(back).toEqual(data);
        await expect(bob.getBlob('0'.repeat(64))).rejects.toMatchObject({ code: 'not_found' });
      }));

    it('serves directory records in order and takes an upload once', () =>
      withWorld(make, async ({ alice, bob, record }) => {
        const told: number[] = [];
        bob.onDirectory((pos) => told.push(pos));
        const before = (await bob.getRecords(0, 1000)).records.length;
        await alice.putRecord(record);
        await alice.putRecord(record);
        const after = (await bob.getRecords(0, 1000)).records;
        expect(after.length).toBe(before + 1);
        expect(after.at(-1)!.record.sig).toBe(record.sig);
        expect(after.map((r) => r.pos)).toEqual([...after.map((r) => r.pos)].sort((a, b) => a - b));
        // Other devices are told live that the directory grew.
        await until(() => told.includes(after.at(-1)!.pos));
      }));

    it('a record upload cut off by a dropped connection is sent again after the reconnect and kept once', () =>
      withWorld(make, async (w) => {
        const before = (await w.bob.getRecords(0, 1000)).records.length;
        const upload = w.alice.putRecord(w.record);
        w.drop(w.alice);
        await upload;
        await until(() => w.alice.state() === 'online');
        const after = (await w.bob.getRecords(0, 1000)).records;
        expect(after.length).toBe(before + 1);
        expect(after.at(-1)!.record.sig).toBe(w.record.sig);
      }));

    it('fails fast while not connected, reconnects by itself after a drop, and stops on close', () =>
      withWorld(make, async (w) => {
        const states: TransportState[] = [];
        w.bob.onState((s) => states.push(s));
        expect(w.bob.connection()).toMatchObject({ state: 'online', reconnectAttempt: 0 });
        w.drop(w.bob);
        await until(() => states.includes('connecting'));
        expect(w.bob.connection().state).not.toBe('offline');
        if (w.bob.state() !== 'online') {
          await expect(w.bob.publish(w.channelId, eventId(), text('x'))).rejects.toSatisfy(
            (e: unknown) => e instanceof TransportError && e.retryable,
          );
        }
        await until(() => w.bob.state() === 'online');
        expect(await w.bob.publish(w.channelId, eventId(), text('back'))).toMatchObject({ seq: 1 });
        await w.bob.close();
        expect(w.bob.state()).toBe('offline');
        await expect(w.bob.changedChannels({})).rejects.toBeInstanceOf(TransportError);
      }));
  });
}
