// API of the support package for IT (versions, policy, connection state, logs; nothing from a profile store).
// Merged into contract.ts; the names are in ./support-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';

export const supportMethods = {
  'support.exportPackage': method({
    input: z.strictObject({}),
    output: z.object({
      /** False when the user cancelled the save dialog. */
      saved: z.boolean(),
      /** Name of the file written (not its folder), or null when cancelled. */
      fileName: z.string().nullable(),
    }),
    doc: 'Writes a support package (ZIP: versions, machine policy, connection state of the signed-in profiles, the log files; nothing from a profile store) where the user chooses in the system save dialog. Available signed in or not, also when locked. `unavailable` when the file could not be written.',
  }),
} satisfies Record<string, MethodSpec>;
