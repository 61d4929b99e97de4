// API of delegated administration (Bereichsadministration, the directory agent's key): the admin signs a
// delegation for a scope of departments; its holder (delegated.*) manages the members there. Merged into
// contract.ts; the names are in ./delegation-names.ts.
import { z } from 'zod';
import { delegationScopeSchema, publicKeySchema } from '../../wire/records.ts';
import { method, type MethodSpec } from '../define.ts';
import { registrationLetterSchema } from './users-admin.ts';

const id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const time = z.number().int().nonnegative();
const done = z.object({ done: z.literal(true) });

export const delegationViewSchema = z.object({
  delegationId: z.string(),
  label: z.string(),
  /** A department admin's device (with its user), or a bare key such as the directory agent's. */
  holder: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('device'),
      deviceId: z.string(),
      userId: z.string().nullable(),
      userName: z.string().nullable(),
      deviceLabel: z.string().nullable(),
    }),
    z.object({ kind: z.literal('key'), publicKey: z.string() }),
  ]),
  scope: delegationScopeSchema,
  issuedAt: time,
  expiresAt: time,
  revoked: z.boolean(),
  /** Not revoked, not past its end, and (for a device) the device still active. */
  active: z.boolean(),
});

export const delegationMethods = {
  'admin.delegations': method({
    input: z.strictObject({}),
    output: z.array(delegationViewSchema),
    doc: 'Every delegation of administration in the signed directory, newest first, with whether it still counts. Admin devices holding the organisation key only (`not_permitted` otherwise).',
  }),
  'admin.createDelegation': method({
    input: z.strictObject({
      label: z.string().trim().min(1).max(200),
      holder: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('device'), deviceId: id }),
        z.strictObject({ kind: z.literal('key'), publicKey: publicKeySchema }),
      ]),
      scope: delegationScopeSchema,
      validDays: z.number().int().min(1).max(366),
      /** Key holders only: workstations may enrol with the directory password through this key. */
      signIn: z.boolean().default(false),
    }),
    output: z.object({ delegationId: z.string(), expiresAt: time }),
    doc: "Signs a delegation with the organisation key: the holder (a department admin's device, or a key such as the directory agent's) may create, change and deactivate members of the scope's departments (or every member) and enrol and revoke their devices, never admins, for `validDays`. With `signIn` (key holders only) workstations may also enrol with the directory account's password through that key. `not_found` for a device without an active certificate; `not_permitted` for a non-admin device.",
  }),
  'admin.revokeDelegation': method({
    input: z.strictObject({ delegationId: id, reason: z.string().max(500).default('') }),
    output: done,
    doc: "Revokes a delegation: records its key signs after this one (in the relay's order) are refused everywhere; what it signed before stays. `not_found` for an unknown delegation.",
  }),
  'delegated.mine': method({
    input: z.strictObject({}),
    output: z.array(
      z.object({
        delegationId: z.string(),
        label: z.string(),
        scope: delegationScopeSchema,
        expiresAt: time,
      }),
    ),
    doc: 'The delegations this device holds and can use now (Bereichsadministration): not revoked, not past their end. Empty for everyone else.',
  }),
  'delegated.addUser': method({
    input: z.strictObject({
      delegationId: id,
      displayName: z.string().trim().min(1).max(200),
      ward: z.string().trim().min(1).max(200),
    }),
    output: z.object({ userId: z.string() }),
    doc: "Adds a member in a department of the delegation, signed with this device's key as the delegation's holder; relay and every client check the scope. `not_permitted` (with the reason) outside the scope or for a delegation this device does not hold or that has ended.",
  }),
  'delegated.updateUser': method({
    input: z.strictObject({
      delegationId: id,
      userId: id,
      displayName: z.string().trim().min(1).max(200).optional(),
      ward: z.string().trim().min(1).max(200).optional(),
      active: z.boolean().optional(),
    }),
    output: done,
    doc: "Renames, moves (between departments of the delegation) or deactivates/reactivates a member of the delegation's scope. Admins and users of other departments: `not_permitted`.",
  }),
  'delegated.createRegistrationKey': method({
    input: z.strictObject({ delegationId: id, userId: id }),
    output: registrationLetterSchema,
    doc: "A registration letter for an active member of the delegation's scope (14 days, or until the delegation ends if sooner; it stops working when the delegation is revoked), its enrolment signed as the delegate. `not_permitted` outside the scope.",
  }),
  'delegated.revokeDevice': method({
    input: z.strictObject({ delegationId: id, deviceId: id, reason: z.string().max(500).default('') }),
    output: done,
    doc: "Revokes a device of a member of the delegation's scope (no wipe order: that needs an admin). `not_permitted` outside the scope.",
  }),
} satisfies Record<string, MethodSpec>;
