// Before its first authentication a new device asks the relay whom its registration key was made
// for (docs/relay-protocol.md "Enrolment lookup"): hello -> challenge -> enrol_lookup signed by
// the enrolment key -> the org root, user and enrolment records. One short socket, closed after.
import { enrolLookupText, RELAY_PROTOCOL_VERSION, serverFrame } from '@klinikfunk/protocol/relay/frames.ts';
import { openRelaySocket, type RelaySocketOptions } from './relay-socket.ts';
import { TransportError, type TransportErrorCode } from './transport.ts';

export interface EnrolLookupRequest {
  /** The id the new device will have (the relay's hello needs one). */
  deviceId: string;
  enrolmentId: string;
  /** Signs with the enrolment key derived from the registration code. */
  sign(message: Uint8Array): Uint8Array;
}

export async function lookupEnrolment(
  url: string,
  request: EnrolLookupRequest,
  options: RelaySocketOptions & { timeoutMs?: number } = {},
): Promise<Array<Record<string, unknown>>> {
  const { ws, failure } = await openRelaySocket(url, options);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new TransportError('timeout', 'no answer from the relay')), options.timeoutMs ?? 15_000);
      const fail = (error: TransportError) => {
        clearTimeout(timer);
        reject(error);
      };
      ws.once('error', (error) => fail(failure(error)));
      ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: request.deviceId })));
      ws.on('message', (data) => {
        let parsed;
        try {
          parsed = serverFrame.safeParse(JSON.parse(String(data)));
        } catch {
          return fail(new TransportError('protocol', 'unreadable frame'));
        }
        if (!parsed.success) return fail(new TransportError('protocol', 'unexpected frame'));
        const frame = parsed.data;
        if (frame.t === 'challenge') {
          const signature = request.sign(new TextEncoder().encode(enrolLookupText(frame.nonce, request.enrolmentId)));
          ws.send(JSON.stringify({ t: 'enrol_lookup', id: 1, enrolmentId: request.enrolmentId, signature: Buffer.from(signature).toString('base64url') }));
        } else if (frame.t === 'dir_records') {
          clearTimeout(timer);
          resolve(frame.records.map((r) => r.record));
        } else if (frame.t === 'error') {
          fail(new TransportError(frame.code as TransportErrorCode, frame.message));
        }
      });
    });
  } finally {
    ws.terminate();
  }
}
