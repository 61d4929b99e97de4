// API of the organisation key: backup file, import on a second admin device, rotation, and emergency shares
// (Shamir) with their restore. Admin devices only, except the restore. Merged into contract.ts; the names are
// in ./org-key-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';

const done = z.object({ done: z.literal(true) });
const time = z.number().int().nonnegative();

export const orgKeyMethods = {
  'admin.exportOrgKey': method({
    input: z.strictObject({ passphrase: z.string().min(12).max(1024) }),
    output: z.object({ fileName: z.string(), content: z.string() }),
    doc: 'The organisation key as a backup file sealed with the passphrase (Argon2id, XChaCha20-Poly1305), for a second admin device or for recovery. Shown once; never stored by the app.',
  }),
  'admin.importOrgKey': method({
    input: z.strictObject({ content: z.string().max(20_000), passphrase: z.string().min(1).max(1024) }),
    output: done,
    doc: 'Imports an organisation key backup on this device, which then becomes an admin device. Only for a user with the admin role in the signed directory (`not_permitted` otherwise, and for a backup of another organisation); `wrong_passphrase` for a wrong passphrase; `invalid_input` for a damaged file.',
  }),
  'admin.rotateOrgKey': method({
    input: z.strictObject({}),
    output: z.object({ rotatedAt: time }),
    doc: 'Makes a new organisation key, announces it with a record signed by the current one and keeps it on this device; from then on the old key signs nothing that relay or clients accept. Other admin devices need the new key from a fresh backup (admin.exportOrgKey here, admin.importOrgKey there). The organisation fingerprint stays.',
  }),
  'admin.exportOrgKeyShares': method({
    input: z.strictObject({
      threshold: z.number().int().min(2).max(20),
      total: z.number().int().min(2).max(20),
    }),
    output: z.object({
      orgName: z.string(),
      /** The organisation fingerprint, printed on every envelope to check it belongs to this organisation. */
      orgFingerprint: z.string(),
      shares: z.array(
        z.object({ index: z.number().int(), threshold: z.number().int(), total: z.number().int(), text: z.string() }),
      ),
    }),
    doc: 'Splits the current organisation key into `total` emergency shares, any `threshold` of which restore it (Shamir); each share is text (upper-case letters, digits, dashes; QR alphanumeric) with a checksum, for one sealed envelope each. Nothing is stored. `invalid_input` when threshold > total; admin devices holding the current key only.',
  }),
  'orgKey.restoreFromShares': method({
    input: z.strictObject({ shares: z.array(z.string().max(400)).min(1).max(20) }),
    output: z.object({ promoted: z.boolean() }),
    doc: 'Restores the organisation key from emergency shares onto this device ("alle Admin-Geräte verloren"): every share is checked (checksum, same split, this organisation, the key the directory names now) before they are combined; fewer than the threshold are refused. The device keeps the key, and a user who is not yet an admin is made one with a record the restored key signs (`promoted`). `invalid_input` names the share that is damaged, mistyped, from another split or missing; `not_permitted` for a deactivated user.',
  }),
} satisfies Record<string, MethodSpec>;
