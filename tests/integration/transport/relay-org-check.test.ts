// The check before a profile follows a changed RelayUrl: only a relay that refuses this device
// (auth_failed, revoked) counts as "not our organisation". A relay of another protocol version,
// one shutting down or out of storage answers with an error too, but says nothing about the
// organisation: before, it was taken for a foreign one and the profile was told its IT had pointed
// it at another organisation. A misbehaving relay on loopback (ws server) plays each answer.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { checkRelayOrg } from '../../../apps/desktop/electron/core/transport/relay-org-check.ts';

let server: WebSocketServer | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** A relay that answers the device's hello with one error frame. */
async function relayAnswering(code: string): Promise<string> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
  server.on('connection', (ws) =>
    ws.once('message', () => ws.send(JSON.stringify({ t: 'error', code, message: `test: ${code}` }))),
  );
  return `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const request = {
  deviceId: 'dev-anna-000000001',
  sign: () => new Uint8Array(64),
  certificate: null,
  orgPublicKey: new Uint8Array(32),
};

describe('the organisation check of a moved relay', () => {
  it.each(['unsupported_version', 'unavailable', 'internal', 'rate_limited'])(
    'an error %s gives no verdict: no move, no "other organisation"',
    async (code) => {
      const url = await relayAnswering(code);
      expect(await checkRelayOrg(url, request, { timeoutMs: 5_000 })).toMatchObject({
        ok: false,
        reason: 'unreachable',
      });
    },
  );

  it.each(['auth_failed', 'revoked'])("a relay refusing this device (%s) is not this organisation's", async (code) => {
    const url = await relayAnswering(code);
    expect(await checkRelayOrg(url, request, { timeoutMs: 5_000 })).toMatchObject({ ok: false, reason: 'foreign' });
  });
});
