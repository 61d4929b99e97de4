// A device executing a remote wipe tells the organisation that it did (docs/relay-protocol.md
// "Wipe confirmation"): revoked by then, it cannot authenticate, so it opens one short socket,
// hello -> challenge -> wipe_done with its signed confirmation -> ok, and closes it.
import { RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { relayDialog, type RelaySocketOptions } from './relay-socket.ts';

export async function sendWipeDone(
  url: string,
  record: SignedRecord<'wipe_done'>,
  options: RelaySocketOptions & { timeoutMs?: number } = {},
): Promise<void> {
  await relayDialog(url, options, {
    first: { t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: record.body.deviceId },
    timeoutMs: options.timeoutMs ?? 5_000,
    onFrame: (frame, send) => {
      if (frame.t === 'challenge')
        send({ t: 'wipe_done', id: 1, record: record as unknown as Record<string, unknown> });
      else if (frame.t === 'ok') return { done: undefined };
      return undefined;
    },
  });
}
