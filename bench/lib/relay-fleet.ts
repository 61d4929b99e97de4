// Relay receivers for the fan-out benches: bare WebSocket devices that authenticate and then only
// count push frames (no JSON parse, so the bench process spends as little as it can per delivery);
// the publisher is the client's own RelayTransport.
import WebSocket from 'ws';
import { authChallengeText, RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import { deviceTransport, type TestDevice } from '../../tests/harness/relay.ts';
import type { Fleet, Group } from './fanout.ts';

/** The push's envelope tail, as envelopeKey() gives it: the 24 characters before `","at":`. */
function pushKey(text: string): string | null {
  const end = text.indexOf('","at":');
  return end < 24 ? null : text.slice(end - 24, end);
}

export async function receiver(url: string, device: TestDevice, onPush: (text: string) => void): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`device ${device.deviceId} not signed in after 30 s`)), 30_000);
    ws.once('error', reject);
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('{"t":"push"')) return onPush(text);
      const frame = JSON.parse(text) as { t: string; nonce?: string };
      if (frame.t === 'challenge') {
        const sig = device.sign(new TextEncoder().encode(authChallengeText(frame.nonce!, device.deviceId)));
        ws.send(JSON.stringify({ t: 'auth', id: 1, signature: Buffer.from(sig).toString('base64url') }));
      } else if (frame.t === 'auth_ok') {
        clearTimeout(timer);
        resolve();
      } else if (frame.t === 'error') reject(new Error(text));
    });
    ws.once('open', () =>
      ws.send(JSON.stringify({ t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: device.deviceId })),
    );
  });
  return ws;
}

export async function relayFleet(
  url: string,
  publisher: TestDevice,
  receivers: readonly TestDevice[],
  guarantee: string,
): Promise<Fleet> {
  const sockets: WebSocket[] = [];
  // The product's heartbeat (15 s), not the tests' 2 s: in a saturated run of the other system the
  // shared bench process may not read this idle publisher's pong within the tests' 5 s.
  const transport = deviceTransport(url, publisher, { heartbeatMs: 15_000, requestTimeoutMs: 60_000 });
  const fleet: Fleet = {
    label: 'relay',
    guarantee,
    keyed: false,
    onDelivery: () => {},
    async send(group: Group, event) {
      await transport.publish(group.channelId, event.clientEventId, event.envelope);
    },
    async close() {
      sockets.forEach((s) => s.terminate());
      await transport.close();
    },
  };
  for (let i = 0; i < receivers.length; i += 20) {
    sockets.push(
      ...(await Promise.all(
        receivers
          .slice(i, i + 20)
          .map((d) => receiver(url, d, (text) => fleet.onDelivery(fleet.keyed ? pushKey(text) : null))),
      )),
    );
  }
  await transport.connect();
  return fleet;
}
