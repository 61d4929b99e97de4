// The same passphrase sent twice at once (a double Enter, a renderer that repeats a call) starts
// one profile runtime, not two: otherwise the first is orphaned, keeps its relay socket, its open
// store and its DB key after the person signs out. And a profile whose runtime ends (12 hours,
// PIN limit, admin) while its passphrase is being checked at the lock screen is started again,
// not left "signed in" with nothing behind it. Real relay process, real SQLCipher profile; the
// relay's own connection count is the witness.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argon2idSecrets, type SecretKdf } from '../../../apps/desktop/electron/core/session/secret-kdf.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { JumpClock } from '../../harness/jump-clock.ts';

const PASS = 'Sonnenblume-Station-3';
const PIN = '593017';

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

/** Argon2id runs that can be held at their start, so a test can act while a passphrase is checked. */
function holdable(): SecretKdf & { hold(): { started: Promise<void>; release(): void } } {
  let held: { started: () => void; gate: Promise<void> } | null = null;
  return {
    verify: argon2idSecrets.verify,
    unwrap: async (...args: Parameters<SecretKdf['unwrap']>) => {
      const current = held;
      held = null;
      if (current) {
        current.started();
        await current.gate;
      }
      return argon2idSecrets.unwrap(...args);
    },
    hold() {
      let started!: () => void;
      let release!: () => void;
      const startedPromise = new Promise<void>((resolve) => (started = resolve));
      held = { started, gate: new Promise<void>((resolve) => (release = resolve)) };
      return { started: startedPromise, release };
    },
  };
}

describe('signing in to one profile while something else happens to it', () => {
  let relay: ClinicRelay;
  let client: CoreClient;
  let dataDir: string;
  let profileId: string;
  const clock = new JumpClock();
  const secrets = holdable();

  beforeAll(async () => {
    relay = await startClinicRelay();
    dataDir = await mkdtemp(join(tmpdir(), 'kf-signin-race-'));
    client = await startCoreClient({ dataDir, clock, secrets });
    ({ profileId } = await client.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: PASS,
    }));
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await relay?.relay.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('twice at once starts one runtime; signing out leaves no socket, store or key behind', async () => {
    await client.value('session.signOut', {});
    expect(await settleAt(relay, 0)).toBe(0);
    const results = await Promise.all([
      client.call('session.signIn', { profileId, passphrase: PASS }),
      client.call('session.signIn', { profileId, passphrase: PASS }),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(await settleAt(relay, 1)).toBe(1);
    await client.value('session.signOut', {});
    expect(await settleAt(relay, 0)).toBe(0);
  }, 60_000);

  it('a runtime that ends while the passphrase is checked at the lock screen is started again', async () => {
    await client.value('session.signIn', { profileId, passphrase: PASS });
    await client.value('session.setPin', { pin: PIN });
    await client.value('session.lock', {});
    const held = secrets.hold();
    const signingIn = client.call('session.signIn', { profileId, passphrase: PASS });
    await held.started;
    // The 12 hours run out while Argon2id works: the session ends and the runtime stops.
    clock.jump(13 * 3_600_000);
    held.release();
    expect((await signingIn).ok).toBe(true);
    expect(await client.value('session.status', {})).toMatchObject({ state: 'unlocked', activeProfileId: profileId });
    expect(await client.call('channels.list', {})).toMatchObject({ ok: true });
    expect(await settleAt(relay, 1)).toBe(1);
  }, 60_000);
});
