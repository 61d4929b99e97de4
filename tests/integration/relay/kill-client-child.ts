// Child process for the "client killed between publish and ack" test: authenticates as a device,
// writes publish frames and SIGKILLs itself right after the last write, before any ack is read.
// Input (JSON in argv[2]): { url, deviceId, secretKey (base64url), channelId, ids: string[] }.
import WebSocket from 'ws';
import { authChallengeText, RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import { signDetached } from '@klinikfunk/crypto/ed25519.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';

const input = JSON.parse(process.argv[2]!) as {
  url: string;
  deviceId: string;
  secretKey: string;
  channelId: string;
  ids: string[];
};
await readySodium();
const secretKey = new Uint8Array(Buffer.from(input.secretKey, 'base64url'));
const ws = new WebSocket(input.url);
ws.on('message', (data) => {
  const frame = JSON.parse(String(data)) as { t: string; nonce?: string };
  if (frame.t === 'challenge') {
    const signature = signDetached(
      new TextEncoder().encode(authChallengeText(frame.nonce!, input.deviceId)),
      secretKey,
    );
    ws.send(JSON.stringify({ t: 'auth', id: 1, signature: Buffer.from(signature).toString('base64url') }));
  } else if (frame.t === 'auth_ok') {
    input.ids.forEach((clientEventId, i) => {
      const envelope = Buffer.from(`k${i}`).toString('base64url');
      ws.send(JSON.stringify({ t: 'publish', id: 10 + i, channelId: input.channelId, clientEventId, envelope }));
    });
    // Flush the writes to the socket, then die without reading a single ack.
    ws.send(JSON.stringify({ t: 'ping', id: 9 }), () => process.kill(process.pid, 'SIGKILL'));
  }
});
ws.on('open', () => ws.send(JSON.stringify({ t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: input.deviceId })));
