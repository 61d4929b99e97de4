// The same passphrase sent twice at once (a double Enter, a renderer that repeats a call) starts
// one profile runtime, not two: otherwise the first is orphaned, keeps its relay socket, its open
// store and its DB key after the person signs out. Real relay process, real SQLCipher profile;
// the relay's own connection count is the witness.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';

const PASS = 'Sonnenblume-Station-3';

async function relayConnections(relay: ClinicRelay): Promise<number> {
  const response = await fetch(`${relay.url.replace(/^ws/, 'http')}/healthz`);
  return ((await response.json()) as { connections: number }).connections;
}

/** Polls the relay until it reports `count` sockets (at most 10 s), and answers the last count seen. */
async function settleAt(relay: ClinicRelay, count: number): Promise<number> {
  let seen = await relayConnections(relay);
  for (let i = 0; i < 100 && seen !== count; i++) {
    await sleep(100);
    seen = await relayConnections(relay);
  }
  return seen;
}

describe('signing in to one profile twice at once', () => {
  let relay: ClinicRelay;
  let client: CoreClient;
  let dataDir: string;
  let profileId: string;

  beforeAll(async () => {
    relay = await startClinicRelay();
    dataDir = await mkdtemp(join(tmpdir(), 'kf-signin-race-'));
    client = await startCoreClient({ dataDir });
    ({ profileId } = await client.value('org.create', { orgName: 'Klinikum Nord', displayName: 'Anna Admin', relayUrl: relay.url, setupCode: relay.setupCode, passphrase: PASS }));
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await relay?.relay.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('starts one runtime; signing out leaves no socket, store or key behind', async () => {
    await client.value('session.signOut', {});
    expect(await settleAt(relay, 0)).toBe(0);
    const results = await Promise.all([client.call('session.signIn', { profileId, passphrase: PASS }), client.call('session.signIn', { profileId, passphrase: PASS })]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(await settleAt(relay, 1)).toBe(1);
    await client.value('session.signOut', {});
    expect(await settleAt(relay, 0)).toBe(0);
  }, 60_000);
});
