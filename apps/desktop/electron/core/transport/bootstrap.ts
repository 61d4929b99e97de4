// First-run bootstrap of a relay from the first admin device: sends the one-time code IT read
// from the relay's data directory together with the organisation's first signed records
// (org_root first, then the first admin user, enrolment and device). See apps/relay/bootstrap.ts.
import { relayDialog, type RelaySocketOptions } from './relay-socket.ts';
import { TransportError } from './transport.ts';

export async function bootstrapRelay(
  url: string,
  code: string,
  records: ReadonlyArray<Record<string, unknown>>,
  options: RelaySocketOptions & { timeoutMs?: number } = {},
): Promise<void> {
  await relayDialog(url, options, {
    first: { t: 'bootstrap', id: 1, code, records: [...records] },
    timeoutMs: options.timeoutMs ?? 15_000,
    timeoutText: 'no answer to the bootstrap',
    onFrame: (frame) => {
      if (frame.t === 'ok') return { done: undefined };
      if (frame.t === 'error') return undefined;
      throw new TransportError('protocol', `unexpected ${frame.t}`);
    },
  });
}
