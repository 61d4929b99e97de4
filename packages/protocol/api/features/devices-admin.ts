// API of device administration: the device list with versions and last contact, revoking (and wiping) a device.
// Every admin.* method acts on the visible, unlocked profile (`locked` otherwise) and needs an admin device: the user
// is an active admin in the signed directory and this device holds the organisation key (`not_permitted` otherwise).
// Each change is a record signed by the organisation key, which the relay and every client verify, so hiding the
// buttons is not the protection. `relay_unreachable` when the relay did not take it.
// Merged into contract.ts; the names are in ./devices-admin-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';
import { userId } from '../common.ts';
const done = z.object({ done: z.literal(true) });
/** Every input is an object, so methods can grow optional fields without breaking callers. */
const noInput = z.object({}).strict();
const recordId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id');
const time = z.number().int();

export const adminDeviceSchema = z.object({
  deviceId: recordId,
  userId,
  userName: z.string(),
  label: z.string(),
  /** issuedAt of the device certificate. */
  certifiedAt: time,
  expiresAt: time.nullable(),
  /** Registered with a registration key (else signed by the organisation, the first admin device). */
  enrolled: z.boolean(),
  revoked: z.boolean(),
  revokedAt: time.nullable(),
  /** The device's user is active in the signed directory (a deactivated user's devices are refused like revoked ones). */
  userActive: z.boolean(),
  wipeOrderedAt: time.nullable(),
  /** When the device executed the wipe, by its own signed confirmation (its clock); null = not confirmed yet. */
  wipeExecutedAt: time.nullable(),
  own: z.boolean(),
  /** When the relay last saw the device connect or disconnect (its clock); null = not since it records it, or unknown. */
  lastSeenAt: time.nullable(),
  /** Connected to the relay now. */
  online: z.boolean(),
  /** False when the relay could not be asked (offline, timeout): then lastSeenAt is null and online false, meaning "unknown". */
  lastSeenKnown: z.boolean(),
  /** The app version the device reported to the relay at its last connection; null = none reported (older app, not seen, or unknown). */
  appVersion: z.string().max(40).nullable(),
  /** The relay protocol version of its last connection; null = not seen since the relay records it, or unknown. */
  protocol: z.number().int().nullable(),
});

export const devicesAdminMethods = {
  'admin.revokeDevice': method({
    input: z.strictObject({
      deviceId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
      wipe: z.boolean().default(false),
      reason: z.string().max(500).default(''),
    }),
    output: done,
    doc: 'Revokes a device: the relay disconnects it at once and refuses it afterwards, its session ends. With `wipe`, a signed wipe order first makes it delete the profile store and files when it next connects.',
  }),
  'admin.deviceList': method({
    input: noInput,
    output: z.array(adminDeviceSchema),
    doc: 'Every device with its user, certificate date, revocation and wipe order, when it was last online and which app and protocol version it reported on its last connection, as the relay reports it (devices_seen, admin devices only). When the relay does not answer within a few seconds the list still comes, with `lastSeenKnown: false`.',
  }),
} satisfies Record<string, MethodSpec>;

export type AdminDevice = z.output<typeof adminDeviceSchema>;
