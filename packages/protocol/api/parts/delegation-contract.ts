// API part for delegated administration (Bereichsadministration, the directory agent's key) and org
// key rotation (issue 19): methods with their schemas and doc comments. Merged into contract.ts;
// the names are listed in ./delegation-names.ts.
import { z } from 'zod';
import { delegationScopeSchema, publicKeySchema } from '../../wire/records.ts';
import { method, type EventSpec, type MethodSpec } from '../define.ts';

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
    }),
    output: z.object({ delegationId: z.string(), expiresAt: time }),
    doc: "Signs a delegation with the organisation key: the holder (a department admin's device, or a key such as the directory agent's) may create, change and deactivate members of the scope's departments (or every member) and enrol and revoke their devices, never admins, for `validDays`. `not_found` for a device without an active certificate; `not_permitted` for a non-admin device.",
  }),
  'admin.revokeDelegation': method({
    input: z.strictObject({ delegationId: id, reason: z.string().max(500).default('') }),
    output: done,
    doc: "Revokes a delegation: records its key signs after this one (in the relay's order) are refused everywhere; what it signed before stays. `not_found` for an unknown delegation.",
  }),
  'admin.rotateOrgKey': method({
    input: z.strictObject({}),
    output: z.object({ rotatedAt: time }),
    doc: 'Makes a new organisation key, announces it with a record signed by the current one and keeps it on this device; from then on the old key signs nothing that relay or clients accept. Other admin devices need the new key from a fresh backup (admin.exportOrgKey here, admin.importOrgKey there). The organisation fingerprint stays.',
  }),
} satisfies Record<string, MethodSpec>;
export const delegationEvents = {} satisfies Record<string, EventSpec>;
