// The relay's version window: it serves the current protocol version and the one before it, so
// IT can update the relay first and the workstations afterwards, over days, instead of all at
// once (docs/operations.md, "Upgrades"). A device announces its version in `hello`; the relay
// answers every frame of that connection in the shape that version knows (frames are strict
// objects on both ends, so an old device refuses a frame with a field it does not know).
//
// What the previous version lacks is written down here, frame by frame, next to the one function
// that takes it out. The next bump moves this: the then previous version's differences replace
// these (a window of two versions, never more).
import { z } from 'zod';
import { deviceSeenSchema, RELAY_PROTOCOL_VERSION, serverFrame, type ServerFrame } from './frames.ts';

/** The oldest version the relay serves: the one before the current one. */
export const OLDEST_RELAY_PROTOCOL_VERSION = RELAY_PROTOCOL_VERSION - 1;

/** True for a version inside the window. */
export const relayServesVersion = (v: number): boolean =>
  v >= OLDEST_RELAY_PROTOCOL_VERSION && v <= RELAY_PROTOCOL_VERSION;

// v3 versus v4. Device -> relay: v3's hello has no `app` (the schema takes it as optional, so a
// v3 hello parses unchanged). Relay -> device: v3's devices_seen_result lists devices without
// `appVersion` and `protocol`. Every other frame is the same in both.
const deviceSeenV3 = deviceSeenSchema.omit({ appVersion: true, protocol: true });
const devicesSeenResultV3 = z.strictObject({
  t: z.literal('devices_seen_result'),
  id: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  devices: z.array(deviceSeenV3),
});

/** Every relay -> device text frame as a device of the previous version validates it. */
export const previousServerFrame = z.discriminatedUnion('t', [
  devicesSeenResultV3,
  ...serverFrame.options.filter((o) => o.shape.t.value !== 'devices_seen_result'),
]);
export type PreviousServerFrame = z.output<typeof previousServerFrame>;
/** What the relay may send a connection: a frame of the current version or of the previous one. */
export type WindowFrame = ServerFrame | PreviousServerFrame;

/** The frame as a device speaking `version` expects it (only versions inside the window). */
export function frameForVersion(frame: ServerFrame, version: number): WindowFrame {
  if (version >= RELAY_PROTOCOL_VERSION) return frame;
  if (frame.t === 'devices_seen_result')
    return {
      ...frame,
      devices: frame.devices.map(({ deviceId, lastSeenAt, online }) => ({ deviceId, lastSeenAt, online })),
    };
  return frame;
}

/**
 * The relay's answer to a version outside the window (error `unsupported_version`). German,
 * because a device may show it as it is: it tells staff what to do. Older devices are the usual
 * case (a workstation left out of the rollout); a newer one means the relay was not updated first.
 */
export function versionRefusalText(v: number): string {
  const window = `${OLDEST_RELAY_PROTOCOL_VERSION} oder ${RELAY_PROTOCOL_VERSION}`;
  return v < OLDEST_RELAY_PROTOCOL_VERSION
    ? `Dieses Klinikfunk ist zu alt für den Server (Protokoll ${v}, der Server spricht ${window}). Bitte bitten Sie die IT, Klinikfunk auf diesem Arbeitsplatz zu aktualisieren.`
    : `Der Server ist älter als dieses Klinikfunk (Protokoll ${v}, der Server spricht ${window}). Bitte melden Sie das der IT: zuerst wird der Server aktualisiert.`;
}
