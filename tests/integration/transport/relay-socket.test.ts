// The short relay sockets (setup, enrolment lookup, wipe confirmation, the check of a moved relay)
// share one frame layer (transport/relay-socket.ts), so they fail the same way when the relay
// misbehaves. Before, each had its own: the setup ignored an unreadable answer and a closed
// socket and waited for its timeout, the enrolment lookup waited out a close too, and none told a
// revocation close from any other. A misbehaving relay on loopback (ws server) plays each case.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { bootstrapRelay } from '../../../apps/desktop/electron/core/transport/bootstrap.ts';
import { lookupEnrolment } from '../../../apps/desktop/electron/core/transport/enrol-lookup.ts';
import { checkRelayOrg } from '../../../apps/desktop/electron/core/transport/relay-org-check.ts';
import { sendWipeDone } from '../../../apps/desktop/electron/core/transport/wipe-done.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';

let server: WebSocketServer | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** A relay that does `behave` to the device's first frame. */
async function relayThat(behave: (ws: WebSocket) => void): Promise<string> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
  server.on('connection', (ws) => ws.once('message', () => behave(ws)));
  return `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const MISBEHAVIOUR = {
  'closes the socket': (ws: WebSocket) => ws.close(1001, 'shutting down'),
  'answers a frame that fails its schema': (ws: WebSocket) => ws.send(JSON.stringify({ t: 'challenge', nonce: 42 })),
  'answers something that is not JSON': (ws: WebSocket) => ws.send('<html>proxy error</html>'),
  'closes for a revoked device': (ws: WebSocket) => ws.close(4003, 'device revoked'),
};
const EXPECTED: Record<keyof typeof MISBEHAVIOUR, { code: string; message?: string }> = {
  'closes the socket': { code: 'offline' },
  'answers a frame that fails its schema': { code: 'protocol' },
  'answers something that is not JSON': { code: 'protocol' },
  'closes for a revoked device': { code: 'revoked', message: 'device revoked' },
};

// Long enough that a dialog which waits for its timeout instead of failing at once is caught.
const timeoutMs = 20_000;
const wipeDone = { type: 'wipe_done', body: { deviceId: 'devlost000001' } } as unknown as SignedRecord<'wipe_done'>;
const dialogs = {
  'the setup': (url: string) => bootstrapRelay(url, 'A'.repeat(22), [{ type: 'org_root' }], { timeoutMs }),
  'the enrolment lookup': (url: string) =>
    lookupEnrolment(
      url,
      { deviceId: 'devnew000001', enrolmentId: 'enrtest000001', sign: () => new Uint8Array(64) },
      { timeoutMs },
    ),
  'the wipe confirmation': (url: string) => sendWipeDone(url, wipeDone, { timeoutMs }),
};

describe('one frame layer for the short relay sockets', () => {
  for (const [name, dialog] of Object.entries(dialogs))
    for (const [what, behave] of Object.entries(MISBEHAVIOUR))
      it(`${name} fails at once, the same way, when the relay ${what}`, async () => {
        const url = await relayThat(behave);
        // Not by its timeout (that would be code `timeout`).
        await expect(dialog(url)).rejects.toMatchObject(EXPECTED[what as keyof typeof MISBEHAVIOUR]);
      });

  it('the check of a moved relay gives its verdicts from the same layer', async () => {
    const request = {
      deviceId: 'devanna000001',
      sign: () => new Uint8Array(64),
      certificate: null,
      orgPublicKey: new Uint8Array(32),
    };
    expect(
      await checkRelayOrg(await relayThat(MISBEHAVIOUR['closes the socket']), request, { timeoutMs }),
    ).toMatchObject({ ok: false, reason: 'unreachable' });
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    expect(
      await checkRelayOrg(await relayThat(MISBEHAVIOUR['answers something that is not JSON']), request, { timeoutMs }),
    ).toMatchObject({ ok: false, reason: 'foreign' });
  });
});
