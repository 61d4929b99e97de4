// First-run bootstrap of a relay from the first admin device: sends the one-time code IT read
// from the relay's data directory together with the organisation's first signed records
// (org_root first, then the first admin user, enrolment and device). See apps/relay/bootstrap.ts.
import { serverFrame, type BootstrapFrame } from '@klinikfunk/protocol/relay/frames.ts';
import { openRelaySocket, type RelaySocketOptions } from './relay-socket.ts';
import { TransportError, type TransportErrorCode } from './transport.ts';

export async function bootstrapRelay(
  url: string,
  code: string,
  records: ReadonlyArray<Record<string, unknown>>,
  options: RelaySocketOptions & { timeoutMs?: number } = {},
): Promise<void> {
  const { ws, failure } = await openRelaySocket(url, options);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new TransportError('timeout', 'no answer to the bootstrap')),
        options.timeoutMs ?? 15_000,
      );
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(failure(error));
      });
      ws.once('open', () => {
        const frame: BootstrapFrame = { t: 'bootstrap', id: 1, code, records: [...records] };
        ws.send(JSON.stringify(frame));
      });
      ws.on('message', (data) => {
        let parsed;
        try {
          parsed = serverFrame.safeParse(JSON.parse(String(data)));
        } catch {
          return;
        }
        if (!parsed.success) return;
        clearTimeout(timer);
        const frame = parsed.data;
        if (frame.t === 'ok') resolve();
        else if (frame.t === 'error') reject(new TransportError(frame.code as TransportErrorCode, frame.message));
        else reject(new TransportError('protocol', `unexpected ${frame.t}`));
      });
    });
  } finally {
    ws.terminate();
  }
}
