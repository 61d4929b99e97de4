// API of user administration: add and change users, registration keys (letters) and their revocation.
// Every admin.* method acts on the visible, unlocked profile (`locked` otherwise) and needs an admin device: the user
// is an active admin in the signed directory and this device holds the organisation key (`not_permitted` otherwise).
// Each change is a record signed by the organisation key, which the relay and every client verify, so hiding the
// buttons is not the protection. `relay_unreachable` when the relay did not take it.
// Merged into contract.ts; the names are in ./users-admin-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';
import { role, userId } from '../common.ts';
const done = z.object({ done: z.literal(true) });
/** Every input is an object, so methods can grow optional fields without breaking callers. */
const noInput = z.object({}).strict();
const recordId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id');
const time = z.number().int();

export const addUserInput = z.strictObject({
  displayName: z.string().trim().min(2).max(200),
  role: role.default('member'),
  ward: z.string().trim().max(100).nullable().default(null),
});

export const registrationLetterSchema = z.object({
  userId,
  displayName: z.string(),
  orgName: z.string(),
  relayUrl: z.string(),
  /** Shown once; grouped base32 (8 groups of 4). Never stored on this device. */
  registrationKey: z.string(),
  expiresAt: z.number().int(),
});

export const adminUserSchema = z.object({
  userId,
  displayName: z.string(),
  role,
  ward: z.string().nullable(),
  active: z.boolean(),
  /** Devices with a certificate, and how many of them are not revoked. */
  deviceCount: z.number().int(),
  activeDeviceCount: z.number().int(),
  /** The signed-in user (who cannot demote or deactivate themselves). */
  self: z.boolean(),
  /** issuedAt of the user's current record. */
  changedAt: time,
});

export const updateUserInput = z.strictObject({
  userId,
  displayName: z.string().trim().min(2).max(200).optional(),
  role: role.optional(),
  ward: z.string().trim().max(100).nullable().optional(),
  active: z.boolean().optional(),
});

export const registrationKeySchema = z.object({
  enrolmentId: recordId,
  userId,
  userName: z.string(),
  issuedAt: time,
  expiresAt: time,
});

export const usersAdminMethods = {
  'admin.addUser': method({
    input: addUserInput,
    output: z.object({ userId }),
    doc: 'Adds a user to the organisation directory (admin devices only; signed with the organisation key).',
  }),
  'admin.createRegistrationKey': method({
    input: z.strictObject({ userId }),
    output: registrationLetterSchema,
    doc: 'Creates a one-time registration key for a user, valid 14 days. The key is returned once, for the letter, and not kept.',
  }),
  'admin.users': method({
    input: noInput,
    output: z.array(adminUserSchema),
    doc: 'Every user of the directory with role, ward, active flag and device counts, by name.',
  }),
  'admin.updateUser': method({
    input: updateUserInput,
    output: adminUserSchema,
    doc: 'Changes name, role (admin/member), ward or active of a user: a new signed user record with a later issuedAt. Deactivating cuts every device of the user off at the relay. Own role and own deactivation are `not_permitted` (another admin must do it); `not_found` for an unknown user.',
  }),
  'admin.registrationKeys': method({
    input: noInput,
    output: z.array(registrationKeySchema),
    doc: 'Open registration keys: signed enrolments not used by a device, not expired and not revoked, newest first. The keys themselves are never stored; only their ids.',
  }),
  'admin.revokeRegistrationKey': method({
    input: z.strictObject({ enrolmentId: recordId, reason: z.string().max(500).default('') }),
    output: done,
    doc: 'Revokes an open registration key (org-signed revocation of kind enrolment): relay and clients refuse a device enrolled with it. `not_found` when it is not open.',
  }),
} satisfies Record<string, MethodSpec>;

export type RegistrationLetter = z.output<typeof registrationLetterSchema>;
export type AdminUser = z.output<typeof adminUserSchema>;
export type RegistrationKeyView = z.output<typeof registrationKeySchema>;
