// Issue 14, item 6: a relay that answers "revoked" and then sends a wipe order that fails
// verification used to leave the profile unlocked, offline and silent ("Wird gesendet" forever).
// Every fatal refusal must end in a sign-out with the reason on screen; only a wipe order the
// organisation key signed for this device deletes anything. The malicious relay is a test double
// built from the project's own frame schemas over a real WebSocket, on the real relay's port.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { CLOSE_CODES, RELAY_PROTOCOL_VERSION, type ServerFrame } from '@klinikfunk/protocol/relay/frames.ts';
import { signWipe } from '../../../apps/desktop/electron/core/account/admin.ts';
import { createOrganisation } from '../../../apps/desktop/electron/core/account/org-setup.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

const PASS = 'Sonnenblume-Station-3';
let relay: ClinicRelay | null = null;
let client: CoreClient | null = null;
let fake: WebSocketServer | null = null;

beforeAll(async () => {
  await readySodium();
});
afterEach(async () => {
  await client?.close();
  await new Promise<void>((resolve) => (fake ? fake.close(() => resolve()) : resolve()));
  await relay?.relay.dispose();
  client = relay = fake = null;
});

/** A relay that completes the handshake, then sends `wipe` (if any) and refuses the device as revoked. */
function refusingRelay(
  port: number,
  wipeRecords: unknown[] | null,
  code: 'revoked' | 'auth_failed',
): Promise<{ auths: () => number }> {
  let auths = 0;
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  fake = server;
  server.on('connection', (ws) => {
    const send = (frame: ServerFrame | { t: 'wipe'; records: unknown[] }) => ws.send(JSON.stringify(frame));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { t: string; id?: number };
      if (frame.t === 'hello')
        send({
          t: 'challenge',
          v: RELAY_PROTOCOL_VERSION,
          nonce: randomBytes(32).toString('base64url'),
          relayId: 'boese',
        });
      else if (frame.t === 'auth') {
        auths++;
        if (wipeRecords) send({ t: 'wipe', records: wipeRecords });
        const refusal: ServerFrame =
          frame.id !== undefined
            ? { t: 'error', id: frame.id, code, message: code }
            : { t: 'error', code, message: code };
        send(refusal);
        ws.close(code === 'revoked' ? CLOSE_CODES.revoked : CLOSE_CODES.authFailed, code);
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('listening', () => resolve({ auths: () => auths }));
    server.once('error', reject);
  });
}

/** An admin signed in on a real relay, which then goes away; its port is free for the double. */
async function signedInThenRelayGone(): Promise<{ port: number; deviceId: string; profileId: string }> {
  relay = await startClinicRelay();
  client = await startCoreClient();
  const { profileId } = await client.value('org.create', {
    orgName: 'Klinikum Nord',
    displayName: 'Anna Admin',
    relayUrl: relay.url,
    setupCode: relay.setupCode,
    passphrase: PASS,
  });
  await eventually(async () => (await client!.value('connection.status', {})).state === 'online', 15_000, 'online');
  const deviceId = client.core.sessions.runtime(profileId)!.identity.deviceId;
  const port = relay.relay.port;
  await relay.relay.stop();
  return { port, deviceId, profileId };
}

describe('a relay that refuses the device for good', () => {
  it('revoked, then a wipe order another organisation signed: signed out with the reason, nothing deleted', async () => {
    const { port, deviceId } = await signedInThenRelayGone();
    const foreign = createOrganisation({
      orgName: 'Fremde Klinik',
      displayName: 'Mallory',
      relayUrl: 'ws://127.0.0.1:1',
      deviceLabel: 'PC',
      now: Date.now(),
    }).identity;
    const forged = signWipe(foreign, deviceId, Date.now());
    const mine = client!.core.sessions.runtime((await client!.value('session.status', {})).activeProfileId!)!.identity;
    const claimingMine = {
      ...forged,
      signer: { kind: 'org', id: mine.orgId },
      body: { ...forged.body, orgId: mine.orgId },
    };
    const double = await refusingRelay(port, [forged, claimingMine], 'revoked');

    await eventually(
      async () => (await client!.value('session.status', {})).state === 'signed_out',
      20_000,
      'signed out',
    );
    const status = await client!.value('session.status', {});
    expect(status).toMatchObject({ state: 'signed_out', lastSignOutReason: 'revoked', profileCount: 1 });
    // The device authenticated again to fetch its wipe orders (the probe), and the profile is still there.
    expect(double.auths()).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('revoked with a wipe frame that is not a record at all: signed out, not stuck', async () => {
    const { port } = await signedInThenRelayGone();
    await refusingRelay(port, [{ type: 'wipe', body: {} }], 'revoked');
    await eventually(
      async () => (await client!.value('session.status', {})).state === 'signed_out',
      20_000,
      'signed out',
    );
    expect(await client!.value('session.status', {})).toMatchObject({ lastSignOutReason: 'revoked', profileCount: 1 });
  }, 60_000);

  it('authentication refused for good: signed out with its own reason, not "your administrator signed you out"', async () => {
    const { port } = await signedInThenRelayGone();
    await refusingRelay(port, null, 'auth_failed');
    await eventually(
      async () => (await client!.value('session.status', {})).state === 'signed_out',
      20_000,
      'signed out',
    );
    expect(await client!.value('session.status', {})).toMatchObject({
      lastSignOutReason: 'relay_refused',
      profileCount: 1,
    });
  }, 60_000);
});
