// A device executing a remote wipe tells the organisation that it did (docs/relay-protocol.md
// "Wipe confirmation"): revoked by then, it cannot authenticate, so it opens one short socket,
// hello -> challenge -> wipe_done with its signed confirmation -> ok, and closes it.
import { RELAY_PROTOCOL_VERSION, serverFrame } from '@klinikfunk/protocol/relay/frames.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { openRelaySocket, type RelaySocketOptions } from './relay-socket.ts';
import { TransportError, type TransportErrorCode } from './transport.ts';

export async function sendWipeDone(
  url: string,
  record: SignedRecord<'wipe_done'>,
  options: RelaySocketOptions & { timeoutMs?: number } = {},
): Promise<void> {
  const { ws, failure } = await openRelaySocket(url, options);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TransportError('timeout', 'no answer from the relay')), options.timeoutMs ?? 5_000);
      const fail = (error: TransportError) => {
        clearTimeout(timer);
        reject(error);
      };
      ws.once('error', (error) => fail(failure(error)));
      ws.once('close', () => fail(new TransportError('offline', 'relay closed the connection')));
      ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: record.body.deviceId })));
      ws.on('message', (data) => {
        let parsed;
        try {
          parsed = serverFrame.safeParse(JSON.parse(String(data)));
        } catch {
          return fail(new TransportError('protocol', 'unreadable frame'));
        }
        if (!parsed.success) return fail(new TransportError('protocol', 'unexpected frame'));
        const frame = parsed.data;
        if (frame.t === 'challenge') ws.send(JSON.stringify({ t: 'wipe_done', id: 1, record }));
        else if (frame.t === 'ok') {
          clearTimeout(timer);
          resolve();
        } else if (frame.t === 'error') fail(new TransportError(frame.code as TransportErrorCode, frame.message));
      });
    });
  } finally {
    ws.terminate();
  }
}
