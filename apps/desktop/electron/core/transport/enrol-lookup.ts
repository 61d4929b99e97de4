// Before its first authentication a new device asks the relay whom its registration key was made
// for (docs/relay-protocol.md "Enrolment lookup"): hello -> challenge -> enrol_lookup signed by
// the enrolment key -> the org root, user and enrolment records. One short socket, closed after.
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { enrolLookupText, RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import { relayDialog, type RelaySocketOptions } from './relay-socket.ts';

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
  return relayDialog(url, options, {
    first: { t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: request.deviceId },
    timeoutMs: options.timeoutMs ?? 15_000,
    onFrame: (frame, send) => {
      if (frame.t === 'challenge') {
        const signature = request.sign(new TextEncoder().encode(enrolLookupText(frame.nonce, request.enrolmentId)));
        send({ t: 'enrol_lookup', id: 1, enrolmentId: request.enrolmentId, signature: toBase64Url(signature) });
      } else if (frame.t === 'dir_records') return { done: frame.records.map((r) => r.record) };
      return undefined;
    },
  });
}
