// API of shared workstations: the session rules machine policy sets (idle lock, PIN attempts, session limit),
// and copying through the core, which clears the clipboard again. Merged into contract.ts; the names are in
// ./workstation-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';
import { messageRef } from '../common.ts';

const seconds = z.number().int().nonnegative();

export const sessionRulesSchema = z.object({
  /** The screen locks after this many seconds without keyboard or mouse input (policy IdleLockSeconds). */
  idleLockSeconds: seconds,
  /** Wrong PINs in a row after which the profile is signed out and needs its passphrase. */
  pinMaxAttempts: z.number().int().positive(),
  /** The passphrase is needed again at the latest this many hours after it was entered (TI-M A_22716). */
  maxSessionHours: z.number().int().positive(),
  /** What notifications show: nothing, the sender, or sender and text. */
  notificationContent: z.enum(['none', 'sender', 'full']),
  /** Copied message text is removed from the clipboard after this many seconds (0 = only on lock). */
  clipboardClearSeconds: seconds,
  /** When the visible profile's passphrase is due again (UTC ms), or null when none is unlocked. */
  passphraseDueAt: z.number().int().nullable(),
});

export const workstationMethods = {
  'session.rules': method({
    input: z.strictObject({}),
    output: sessionRulesSchema,
    doc: 'The session rules machine policy sets on this workstation (idle lock, PIN attempts, 12-hour limit, notification content, clipboard). Always available, also when locked; reveals no content.',
  }),
  'clipboard.copyMessage': method({
    requires: 'member',
    channelField: 'channelId',
    input: messageRef,
    output: z.object({ clearAfterSeconds: seconds }),
    doc: 'Copies the text of a message of the visible profile to the clipboard. The core removes it again after policy ClipboardClearSeconds, and when the screen locks or the profile signs out, if it is still there. `not_found` for a deleted or unknown message, `locked` when no profile is unlocked.',
  }),
  'clipboard.copySelection': method({
    requires: 'member',
    channelField: 'channelId',
    input: z.strictObject({
      channelId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
      text: z.string().min(1).max(20_000),
    }),
    output: z.object({ clearAfterSeconds: seconds }),
    doc: 'Copies text selected in the open channel (Ctrl+C in the message list) through the core, which removes it from the clipboard again like clipboard.copyMessage. `not_found` for a channel the visible profile is not in.',
  }),
  'clipboard.copyOrgFingerprint': method({
    input: z.strictObject({}),
    output: z.object({ fingerprint: z.string(), clearAfterSeconds: seconds }),
    doc: 'Copies the organisation fingerprint of the visible profile (packages/protocol/wire/org-fingerprint.ts; what IT pins with policy OrgFingerprint) to the clipboard, removed again like clipboard.copyMessage. `locked` when no profile is unlocked.',
  }),
} satisfies Record<string, MethodSpec>;
