// Faults: the relay process is SIGKILLed during a burst of publishes and restarted (nothing
// lost, nothing doubled, order kept); the socket drops in the middle of a catch-up, an upload
// and a download (each resumes where it was).
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';
import type { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import { TransportError, type WireEvent } from '../../../apps/desktop/electron/core/transport/transport.ts';
import { deviceTransport, startTestRelay, TestOrg, testId } from '../../harness/relay.ts';
import { until } from '../transport/contract.ts';

const text = (s: string) => new TextEncoder().encode(s);

async function setup() {
  const org = await TestOrg.create();
  const [ua, ub] = [org.addUser(), org.addUser()];
  const a = org.addDevice(ua);
  const b = org.addDevice(ub);
  const channelId = testId('chan');
  org.setRoster(channelId, [ua, ub]);
  return { org, a, b, channelId };
}

/** Retries a request until it succeeds, waiting out drops (what the outbox and puller do). */
async function persist<T>(t: RelayTransport, work: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof TransportError) || !error.retryable || Date.now() > deadline) throw error;
      await until(() => t.state() === 'online', Math.max(100, deadline - Date.now()));
    }
  }
}

/**
 * `kill`: SIGKILL, nothing cleaned up. `term`: SIGTERM, the graceful stop, which must end the
 * process with code 0 within its bound (10 s) while publishes are in flight.
 */
async function killDuringBurst(databaseUrl?: string, how: 'kill' | 'term' = 'kill'): Promise<void> {
  const { org, a, b, channelId } = await setup();
  const relay = await startTestRelay({ org, mode: 'process', ...(databaseUrl ? { databaseUrl } : {}) });
  const alice = deviceTransport(relay.url, a);
  const bob = deviceTransport(relay.url, b);
  try {
    await Promise.all([alice.connect(), bob.connect()]);
    const total = 300;
    const ids = Array.from({ length: total }, (_, i) => `evtburst${String(i).padStart(5, '0')}`);
    const acked = new Map<number, number>();
    // A sender with up to 16 publishes in flight, resending unacked ones in order after a drop.
    let killed = false;
    const sender = (async () => {
      let next = 0;
      while (next < total) {
        const batch = ids.slice(next, next + 16);
        const results = await Promise.allSettled(
          batch.map((id, k) => alice.publish(channelId, id, text(`m${next + k}`))),
        );
        let ok = 0;
        for (const r of results) {
          if (r.status !== 'fulfilled') break;
          acked.set(next + ok, r.value.seq);
          ok++;
        }
        next += ok;
        if (ok < batch.length) await until(() => alice.state() === 'online', 20_000);
      }
    })();
    await until(() => acked.size >= 100, 20_000);
    if (how === 'kill') await relay.kill();
    else {
      const started = Date.now();
      await relay.stop();
      expect(relay.lastExit).toEqual({ code: 0, signal: null });
      // The bound is the relay's own (it exits 1 past it); the margin is for a loaded machine.
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(relay.output()).toMatch(/"msg":"stopped"/);
    }
    const ackedAtKill = acked.size;
    killed = true;
    await relay.restart();
    await sender;
    expect(killed).toBe(true);
    expect(ackedAtKill).toBeLessThan(total);
    // The log, as any client reads it after the restart: seqs 1..300, each message once, in order.
    const log: WireEvent[] = [];
    for (let after = 0; ;) {
      const page = await persist(bob, () => bob.fetchPage(channelId, after, 100));
      if (page.length === 0) break;
      log.push(...page);
      after = page.at(-1)!.seq;
    }
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(log.map((e) => new TextDecoder().decode(e.envelope))).toEqual(
      Array.from({ length: total }, (_, i) => `m${i}`),
    );
    // Every ack the client saw names the seq the message really has.
    for (const [i, seq] of acked) expect(seq).toBe(i + 1);
  } finally {
    await Promise.all([alice.close(), bob.close()]);
    await relay.dispose();
  }
}

describe('relay faults', () => {
  it(
    'SIGKILL during a burst on SQLite, restart: no message lost, none duplicated, order kept',
    { timeout: 60_000 },
    () => killDuringBurst(),
  );

  it(
    'SIGTERM during a burst on SQLite: exits 0 within the bound, restart: no message lost, none duplicated, order kept',
    { timeout: 60_000 },
    () => killDuringBurst(undefined, 'term'),
  );

  it('socket dropped mid-catch-up: the pull resumes from its cursor, nothing missed or doubled', async () => {
    const { org, a, b, channelId } = await setup();
    const relay = await startTestRelay({ org });
    const alice = deviceTransport(relay.url, a);
    const bob = deviceTransport(relay.url, b);
    try {
      await alice.connect();
      for (let i = 0; i < 1000; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, k) =>
            alice.publish(channelId, `evtsync${String(i + k).padStart(5, '0')}`, text(`s${i + k}`)),
          ),
        );
      }
      await bob.connect();
      const heads = await bob.changedChannels({});
      expect(heads[channelId]).toBe(1000);
      const got: number[] = [];
      let cursor = 0;
      let pages = 0;
      while (cursor < heads[channelId]!) {
        const page = await persist(bob, () => bob.fetchPage(channelId, cursor, 50));
        got.push(...page.map((e) => e.seq));
        cursor = page.at(-1)!.seq;
        if (++pages === 5) bob.dropConnection();
      }
      expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    } finally {
      await Promise.all([alice.close(), bob.close()]);
      await relay.dispose();
    }
  });

  it('socket dropped mid-upload and mid-download: both resume from the bytes already transferred', async () => {
    const { org, a, b, channelId } = await setup();
    const relay = await startTestRelay({ org });
    const alice = deviceTransport(relay.url, a);
    const bob = deviceTransport(relay.url, b);
    try {
      await Promise.all([alice.connect(), bob.connect()]);
      const data = new Uint8Array(randomBytes(3 * 1024 * 1024 + 123));
      const upProgress: number[] = [];
      let dropped = false;
      const { hash } = await alice.putBlob(data, {
        onProgress: (p) => {
          upProgress.push(p.done);
          if (!dropped && p.done >= 1024 * 1024) {
            dropped = true;
            alice.dropConnection();
          }
        },
      });
      expect(dropped).toBe(true);
      const afterDrop = upProgress.slice(upProgress.findIndex((d) => d >= 1024 * 1024) + 1);
      // The first status after the reconnect reports what the relay already held: no restart from 0.
      expect(afterDrop[0]).toBeGreaterThanOrEqual(1024 * 1024);
      expect(upProgress.at(-1)).toBe(data.length);
      await persist(alice, () => alice.publish(channelId, 'evtfile00001', new Uint8Array([1]), { blobs: [hash] }));

      const downProgress: number[] = [];
      let droppedDown = false;
      const back = await bob.getBlob(hash, {
        onProgress: (p) => {
          downProgress.push(p.done);
          if (!droppedDown && p.done >= 1024 * 1024) {
            droppedDown = true;
            bob.dropConnection();
          }
        },
      });
      expect(droppedDown).toBe(true);
      expect(back).toEqual(data);
      expect(downProgress.every((d, i) => i === 0 || d > downProgress[i - 1]!)).toBe(true);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
      await relay.dispose();
    }
  });

  it('refuses a blob whose bytes do not match its hash, and enforces size and quota', async () => {
    const { org, a } = await setup();
    const relay = await startTestRelay({
      org,
      limits: { maxBlobBytes: 2 * 1024 * 1024, blobQuotaBytes: 3 * 1024 * 1024 },
    });
    const alice = deviceTransport(relay.url, a);
    try {
      await alice.connect();
      await expect(alice.putBlob(new Uint8Array(2 * 1024 * 1024 + 1))).rejects.toMatchObject({ code: 'too_large' });
      await alice.putBlob(new Uint8Array(2 * 1024 * 1024).fill(1));
      await expect(alice.putBlob(new Uint8Array(2 * 1024 * 1024).fill(2))).rejects.toMatchObject({
        code: 'quota_exceeded',
      });
      const store = relay.store!;
      // A lying upload: the hash claims other bytes; the relay deletes it and says so.
      const { RawClient } = await import('./raw-client.ts');
      const raw = await RawClient.open(relay.url);
      await raw.authenticate(a);
      const fake = 'ab'.repeat(32);
      expect(await raw.request({ t: 'blob_begin', hash: fake, size: 4 })).toMatchObject({
        t: 'blob_status',
        received: 0,
      });
      expect(await raw.requestBinary({ t: 'blob_chunk', hash: fake, offset: 0 }, new Uint8Array(4))).toMatchObject({
        code: 'hash_mismatch',
      });
      expect(await store.blobState(fake)).toBeNull();

      // Two connections: the first hashes as it sends; meanwhile the second fails the blob (it is
      // deleted) and begins it again with other bytes. The first's running hash must not vouch
      // for that new row: the relay reads the bytes back and refuses them.
      const real = randomBytes(8);
      const address = createHash('sha256').update(real).digest('hex');
      const other = await RawClient.open(relay.url);
      await other.authenticate(a);
      await raw.request({ t: 'blob_begin', hash: address, size: 8 });
      await raw.requestBinary({ t: 'blob_chunk', hash: address, offset: 0 }, real.subarray(0, 4));
      expect(
        await other.requestBinary({ t: 'blob_chunk', hash: address, offset: 4 }, Buffer.from('XXXX')),
      ).toMatchObject({ code: 'hash_mismatch' });
      await other.request({ t: 'blob_begin', hash: address, size: 8 });
      await other.requestBinary({ t: 'blob_chunk', hash: address, offset: 0 }, Buffer.from('GGGG'));
      expect(await raw.requestBinary({ t: 'blob_chunk', hash: address, offset: 4 }, real.subarray(4, 8))).toMatchObject(
        { code: 'hash_mismatch' },
      );
      expect(await store.blobState(address)).toBeNull();
      other.close();
      raw.close();
    } finally {
      await alice.close();
      await relay.dispose();
    }
  });
});

describe('client faults', () => {
  it(
    'client SIGKILLed between publish and ack, restarted: everything resent once, deduplicated, in order',
    { timeout: 30_000 },
    async () => {
      const { spawn } = await import('node:child_process');
      const { fileURLToPath } = await import('node:url');
      const { org, a, b, channelId } = await setup();
      const relay = await startTestRelay({ org });
      try {
        const ids = Array.from({ length: 40 }, (_, i) => `evtkill${String(i).padStart(5, '0')}`);
        const child = spawn(
          process.execPath,
          [
            fileURLToPath(new URL('./kill-client-child.ts', import.meta.url)),
            JSON.stringify({
              url: relay.url,
              deviceId: a.deviceId,
              secretKey: Buffer.from(a.keys.signing.secretKey).toString('base64url'),
              channelId,
              ids,
            }),
          ],
          { stdio: ['ignore', 'ignore', 'inherit'] },
        );
        const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
          child.once('exit', (_code, sig) => resolve(sig)),
        );
        expect(signal).toBe('SIGKILL');
        // The relay had stored some of them before the client died: the resend below must not double them.
        await new Promise((r) => setTimeout(r, 200));
        const storedBefore = (await relay.store!.heads([channelId])).get(channelId) ?? 0;
        expect(storedBefore).toBeGreaterThan(0);
        // The restarted client resends its whole outbox with the same client event ids.
        const alice = deviceTransport(relay.url, a);
        await alice.connect();
        const acks = [];
        for (let i = 0; i < ids.length; i++) acks.push(await alice.publish(channelId, ids[i]!, text(`k${i}`)));
        expect(acks.map((x) => x.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        const bob = deviceTransport(relay.url, b);
        await bob.connect();
        const log = await bob.fetchPage(channelId, 0, 100);
        expect(log.map((e) => new TextDecoder().decode(e.envelope))).toEqual(
          Array.from({ length: 40 }, (_, i) => `k${i}`),
        );
        await Promise.all([alice.close(), bob.close()]);
      } finally {
        await relay.dispose();
      }
    },
  );
});

describe.skipIf(!postgresAvailable())('relay faults on PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  it(
    'SIGKILL during a burst on PostgreSQL, restart: no message lost, none duplicated, order kept',
    { timeout: 60_000 },
    async () => killDuringBurst(await cluster.createDatabase()),
  );
});

describe('reconnect', () => {
  it(
    'backs off with growing attempts while the relay is down and is online again when it returns',
    { timeout: 30_000 },
    async () => {
      const { org, a } = await setup();
      const relay = await startTestRelay({ org, mode: 'process' });
      const alice = deviceTransport(relay.url, a, { backoff: { baseMs: 100, maxMs: 400 } });
      try {
        await alice.connect();
        await relay.kill();
        await until(() => alice.connection().reconnectAttempt >= 3, 10_000);
        const info = alice.connection();
        expect(info.state).toBe('connecting');
        await relay.restart();
        await until(() => alice.state() === 'online', 10_000);
        expect(alice.connection()).toMatchObject({ state: 'online', reconnectAttempt: 0, nextRetryAt: null });
      } finally {
        await alice.close();
        await relay.dispose();
      }
    },
  );
});
