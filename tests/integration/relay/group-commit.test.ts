// Group commit across connections (apps/relay/group-commit.ts), on SQLite and PostgreSQL:
// publishes from many sockets in one turn are stored in one store call, none is acked before its
// commit returned, a refused publish in a group does not fail the others, and after a SIGKILL
// right behind the acks every acked publish is in the log under its acked seq, the log gapless.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import { TransportError, type WireEvent } from '../../../apps/desktop/electron/core/transport/transport.ts';
import { createRelayLog, silentLog } from '../../../apps/relay/log.ts';
import { startRelay, type Relay } from '../../../apps/relay/relay.ts';
import { openPostgresStore } from '../../../apps/relay/store/postgres.ts';
import { openSqliteStore } from '../../../apps/relay/store/sqlite.ts';
import type { AppendItem, AppendResult, RelayStore } from '../../../apps/relay/store/store.ts';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';
import { deviceTransport, seedRecords, startTestRelay, TestOrg, testId, type TestDevice } from '../../harness/relay.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../transport/contract.ts';

const text = (s: string) => new TextEncoder().encode(s);
const untext = (b: Uint8Array) => new TextDecoder().decode(b);
const WAIT = 30_000;

async function world(members: number) {
  const org = await TestOrg.create();
  const users = Array.from({ length: members }, () => org.addUser());
  const devices = users.map((u) => org.addDevice(u));
  const outsider = org.addDevice(org.addUser());
  const channelId = testId('chan');
  org.setRoster(channelId, users);
  return { org, devices, outsider, channelId };
}

/**
 * The real store, with its appendBatch held at a gate the test opens: while a commit is held, the
 * test sees what the relay hands to the store next. Every call reaches the real store.
 */
function gatedStore(real: RelayStore) {
  let open!: () => void;
  let gate = new Promise<void>((resolve) => (open = resolve));
  const calls: number[] = [];
  let poison: string | null = null;
  const store: RelayStore = {
    ...real,
    async appendBatch(items: readonly AppendItem[]): Promise<AppendResult[]> {
      calls.push(items.length);
      await gate;
      // A store failure caused by one connection's publish (what a failing row would do).
      if (poison !== null && items.some((i) => i.clientEventId === poison)) throw new Error('injected store failure');
      return real.appendBatch(items);
    },
  };
  return {
    store,
    calls,
    open: () => open(),
    close: () => {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    poison: (clientEventId: string) => (poison = clientEventId),
  };
}

async function readLog(t: RelayTransport, channelId: string): Promise<WireEvent[]> {
  const log: WireEvent[] = [];
  for (let after = 0; ;) {
    const page = await t.fetchPage(channelId, after, 200);
    if (page.length === 0) return log;
    log.push(...page);
    after = page.at(-1)!.seq;
  }
}

/** Settles a promise into a flag the test can look at while it is pending. */
function watch<T>(p: Promise<T>) {
  const w = { settled: false, value: undefined as T | undefined, error: undefined as unknown, done: p };
  w.done = p.then(
    (v) => {
      w.settled = true;
      w.value = v;
      return v;
    },
    (e: unknown) => {
      w.settled = true;
      w.error = e;
      throw e;
    },
  );
  w.done.catch(() => {});
  return w;
}

type StoreKind = 'sqlite' | 'postgres';

function groupCommitSuite(kind: StoreKind, databaseUrl: () => Promise<string>) {
  async function inProcess(members: number, log = silentLog) {
    const w = await world(members);
    const dataDir = await mkdtemp(join(tmpdir(), 'kf-group-'));
    const real =
      kind === 'sqlite'
        ? openSqliteStore(join(dataDir, 'relay.db'))
        : await openPostgresStore(await databaseUrl(), { poolSize: 4 });
    const trust = await seedRecords(real, w.org);
    const gated = gatedStore(real);
    const relay: Relay = await startRelay({
      store: gated.store,
      trust,
      log,
      host: '127.0.0.1',
      port: 0,
      limits: {},
      envelopeCheck: null,
    });
    const transports = w.devices.map((d) => deviceTransport(relay.url, d));
    await Promise.all(transports.map((t) => t.connect()));
    const dispose = async () => {
      gated.open();
      await Promise.all(transports.map((t) => t.close()));
      await relay.close();
      await rm(dataDir, { recursive: true, force: true });
    };
    return { ...w, relay, gated, transports, dispose };
  }

  it(
    'publishes from 8 sockets that arrive while a commit is held go to the store in one call, acked only after it',
    { timeout: 60_000 },
    async () => {
      const { relay, gated, transports, channelId, dispose } = await inProcess(8);
      try {
        const first = watch(transports[0]!.publish(channelId, 'evtfirst', text('evtfirst')));
        await until(() => gated.calls.length === 1, WAIT);
        const rest = transports.slice(1).map((t, i) => watch(t.publish(channelId, `evtrest${i}`, text(`evtrest${i}`))));
        // Every publish reached the relay: in a store call or waiting for the next group.
        await until(() => {
          const inStore = gated.calls.reduce((a, b) => a + b, 0);
          return inStore === 8 || inStore + relay.stats().publishesWaiting === 8;
        }, WAIT);
        // The store has not returned: nobody may have an ack (an ack means durable).
        expect([first, ...rest].filter((w) => w.settled)).toHaveLength(0);
        gated.open();
        const acks = await Promise.all([first.done, ...rest.map((w) => w.done)]);
        // The first call held one publish; the other seven sockets' publishes went in one call.
        expect(gated.calls).toEqual([1, 7]);
        expect(acks.map((a) => a.seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        const log = await readLog(transports[1]!, channelId);
        const bySeq = new Map(log.map((e) => [e.seq, untext(e.envelope)]));
        expect(bySeq.get(acks[0]!.seq)).toBe('evtfirst');
        acks.slice(1).forEach((a, i) => expect(bySeq.get(a.seq)).toBe(`evtrest${i}`));
      } finally {
        await dispose();
      }
    },
  );

  it(
    'a refused publish in a group (taken id, retry, not a member) fails none of the others; seqs stay gapless',
    { timeout: 60_000 },
    async () => {
      const { outsider, relay, gated, transports, channelId, dispose } = await inProcess(6);
      const stranger = deviceTransport(relay.url, outsider);
      await stranger.connect();
      try {
        gated.open();
        const original = await transports[0]!.publish(channelId, 'evtknown', text('evtknown'));
        gated.close();
        const held = watch(transports[0]!.publish(channelId, 'evtheld00', text('evtheld00')));
        await until(() => gated.calls.length === 2, WAIT);
        const group = [
          watch(transports[1]!.publish(channelId, 'evtfresh1', text('evtfresh1'))),
          // Another device's client event id: refused, stores nothing.
          watch(transports[2]!.publish(channelId, 'evtknown', text('not mine'))),
          // The first device's retry: answered with the original seq.
          watch(transports[0]!.publish(channelId, 'evtknown', text('evtknown'))),
          // Two devices naming one new id in the same group: the first in the group stores it.
          watch(transports[3]!.publish(channelId, 'evtsame00', text('evtsame00'))),
          watch(transports[4]!.publish(channelId, 'evtfresh2', text('evtfresh2'))),
          // Not a member: refused before the group.
          watch(stranger.publish(channelId, 'evtstranger', text('evtstranger'))),
        ];
        // transports[0]'s retry waits behind its held publish (per-connection order); the held one
        // and the 4 others of the group are in the store or waiting, the stranger's was refused.
        await until(() => group[5]!.settled, WAIT);
        await until(() => gated.calls.slice(1).reduce((a, b) => a + b, 0) + relay.stats().publishesWaiting >= 5, WAIT);
        const same = watch(transports[5]!.publish(channelId, 'evtsame00', text('evtsame00 other')));
        await until(() => gated.calls.slice(1).reduce((a, b) => a + b, 0) + relay.stats().publishesWaiting >= 6, WAIT);
        gated.open();
        await Promise.allSettled([held.done, same.done, ...group.map((w) => w.done)]);
        expect(held.value?.seq).toBe(2);
        expect((group[2]!.value ?? { seq: -1 }).seq).toBe(original.seq);
        for (const refused of [group[1]!, same]) {
          expect(refused.error).toBeInstanceOf(TransportError);
          expect((refused.error as TransportError).code).toBe('conflict');
        }
        expect((group[5]!.error as TransportError).code).toBe('not_member');
        const stored = [group[0]!, group[3]!, group[4]!].map((w) => w.value!.seq);
        expect(stored.sort((a, b) => a - b)).toEqual([3, 4, 5]);
        const log = await readLog(transports[1]!, channelId);
        expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(log.map((e) => untext(e.envelope)).sort()).toEqual(
          ['evtfresh1', 'evtfresh2', 'evtheld00', 'evtknown', 'evtsame00'].sort(),
        );
      } finally {
        await stranger.close();
        await dispose();
      }
    },
  );

  it(
    "a store failure on one connection's publish fails only that connection's publishes",
    { timeout: 60_000 },
    async () => {
      const { relay, gated, transports, channelId, dispose } = await inProcess(4);
      try {
        gated.poison('evtpoison');
        const held = watch(transports[0]!.publish(channelId, 'evtheld00', text('evtheld00')));
        await until(() => gated.calls.length === 1, WAIT);
        const group = [
          watch(transports[1]!.publish(channelId, 'evtok1000', text('evtok1000'))),
          watch(transports[2]!.publish(channelId, 'evtpoison', text('evtpoison'))),
          watch(transports[3]!.publish(channelId, 'evtok2000', text('evtok2000'))),
        ];
        await until(() => gated.calls.slice(1).reduce((a, b) => a + b, 0) + relay.stats().publishesWaiting === 3, WAIT);
        gated.open();
        await Promise.allSettled([held.done, ...group.map((w) => w.done)]);
        expect(held.value?.seq).toBe(1);
        expect((group[1]!.error as TransportError).code).toBe('unavailable');
        expect([group[0]!.value!.seq, group[2]!.value!.seq].sort()).toEqual([2, 3]);
        const log = (await readLog(transports[0]!, channelId)).map((e) => untext(e.envelope));
        expect(log[0]).toBe('evtheld00');
        expect(log.slice(1).sort()).toEqual(['evtok1000', 'evtok2000']);
      } finally {
        await dispose();
      }
    },
  );

  it(
    "a group's pushes to a device that reads promptly leave as they are written: 2.2 MB in one turn do not pause it",
    { timeout: 60_000 },
    async () => {
      // A device is paused (its pushes dropped, `lag` sent) when its send buffer passes
      // sendBufferPauseBytes (1 MiB): that buffer must be what the peer has not read, not the
      // frames of this turn held back in a corked socket.
      const lines: string[] = [];
      const { gated, relay, transports, channelId, dispose } = await inProcess(
        13,
        createRelayLog((line) => lines.push(line), 'info'),
      );
      try {
        const reader = transports[0]!;
        const seen = new Set<number>();
        reader.onPush((e: WireEvent) => {
          if (e.channelId === channelId) seen.add(e.seq);
        });
        const big = (tag: string) => {
          const bytes = new Uint8Array(200 * 1024).fill(0x61);
          bytes.set(text(tag));
          return bytes;
        };
        const held = watch(transports[1]!.publish(channelId, 'evtheld00', big('evtheld00')));
        await until(() => gated.calls.length === 1, WAIT);
        // Eleven sockets, 200 KiB apiece: one group, fanned out to the reader in one turn.
        const group = transports
          .slice(2)
          .map((t, s) => watch(t.publish(channelId, `evtbig${s}00`, big(`evtbig${s}00`))));
        await until(() => relay.stats().publishesWaiting === 11, WAIT);
        gated.open();
        await Promise.all([held.done, ...group.map((w) => w.done)]);
        const paused = () => lines.filter((l) => l.includes('push paused'));
        await until(() => seen.size === 12 || paused().length > 0, WAIT);
        expect(paused()).toEqual([]);
        expect(seen.size).toBe(12);
      } finally {
        await dispose();
      }
    },
  );

  it(
    'SIGKILL right behind the acks of 8 publishing sockets: every acked publish is stored under its seq, the log gapless',
    { timeout: 90_000 },
    async () => {
      const { org, devices, channelId } = await world(8);
      const relay = await startTestRelay({
        org,
        mode: 'process',
        ...(kind === 'postgres' ? { databaseUrl: await databaseUrl() } : {}),
      });
      const transports = devices.map((d: TestDevice) => deviceTransport(relay.url, d));
      try {
        await Promise.all(transports.map((t) => t.connect()));
        const acked = new Map<string, number>();
        const perSocket = 150;
        // SIGKILL from the ack that makes 200: more acks are on the wire behind it.
        let killed: Promise<void> | null = null;
        // Each socket keeps 16 publishes in flight until the kill ends them.
        const all = Promise.allSettled(
          transports.flatMap((t, s) => {
            let next = 0;
            return Array.from({ length: 16 }, async () => {
              while (next < perSocket) {
                const id = `evtkill${s}x${String(next++).padStart(3, '0')}`;
                const ack = await t.publish(channelId, id, text(id));
                acked.set(id, ack.seq);
                if (acked.size === 200) killed = relay.kill();
              }
            });
          }),
        );
        await until(() => killed !== null, WAIT);
        await killed;
        await all;
        expect(acked.size).toBeLessThan(8 * perSocket);
        await relay.restart();
        const reader = transports[0]!;
        await until(() => reader.state() === 'online', WAIT);
        const log = await readLog(reader, channelId);
        expect(log.map((e) => e.seq)).toEqual(Array.from({ length: log.length }, (_, i) => i + 1));
        const seqOf = new Map(log.map((e) => [untext(e.envelope), e.seq]));
        expect(seqOf.size).toBe(log.length);
        for (const [id, seq] of acked) expect(seqOf.get(id)).toBe(seq);
      } finally {
        await Promise.all(transports.map((t) => t.close()));
        await relay.dispose();
      }
    },
  );
}

describe('group commit on SQLite', () => {
  groupCommitSuite('sqlite', () => Promise.reject(new Error('no database URL for SQLite')));
});

describe.skipIf(!postgresAvailable())('group commit on PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  groupCommitSuite('postgres', () => cluster.createDatabase());
});
