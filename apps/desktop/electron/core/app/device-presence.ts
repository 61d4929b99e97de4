// When each device was last online, as the relay reports it (devices_seen, docs/relay-protocol.md).
// Only the relay knows: it sees every connection. The admin's device list comes from the signed
// directory either way; presence is added when the relay answers in time, so a slow or absent
// relay costs the column ("unknown"), never the list.
import type { DeviceSeen } from '@klinikfunk/protocol/relay/frames.ts';
import type { TransportState } from '../transport/transport.ts';

export interface PresenceSource {
  state(): TransportState;
  devicesSeen(): Promise<DeviceSeen[]>;
}

export type PresenceAnswer = { ok: true; seen: Map<string, DeviceSeen> } | { ok: false; reason: string };

/** The admin view waits this long for the relay before it shows the list without presence. */
export const PRESENCE_TIMEOUT_MS = 3_000;

export async function devicePresence(source: PresenceSource, timeoutMs = PRESENCE_TIMEOUT_MS): Promise<PresenceAnswer> {
  if (source.state() !== 'online') return { ok: false, reason: 'relay not connected' };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<PresenceAnswer>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: 'relay did not answer in time' }), timeoutMs);
  });
  const asked = source.devicesSeen().then(
    (devices): PresenceAnswer => ({ ok: true, seen: new Map(devices.map((d) => [d.deviceId, d])) }),
    (error: unknown): PresenceAnswer => ({ ok: false, reason: error instanceof Error ? error.message : String(error) }),
  );
  try {
    return await Promise.race([asked, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
