// API of the app itself: version, build and what machine policy fixes. Always available, also when locked.
// Merged into contract.ts; the names are in ./app-info-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';

/** Every input is an object, so methods can grow optional fields without breaking callers. */
const noInput = z.object({}).strict();

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  build: z.object({
    /** Short git commit or "dev". */
    commit: z.string(),
    /** ISO date of the build. */
    date: z.string(),
    /** Electron version, or null when running in the Node harness. */
    electron: z.string().nullable(),
    node: z.string(),
    platform: z.string(),
  }),
  /** Setting keys fixed by machine policy; the UI shows them locked ("Von Ihrer Organisation verwaltet"). */
  managedSettings: z.array(z.string()),
  /** UI language chosen by policy, or null when the user may choose. */
  policyLanguage: z.enum(['de', 'en']).nullable(),
  /** Values from machine policy the first-run screens prefill and lock (null when not set). */
  prefill: z.object({ relayUrl: z.string().nullable() }),
  /** Minimum PIN length by policy. */
  pinMinLength: z.number().int(),
  /**
   * Whether the support package may be exported with no profile unlocked. Not on a reception
   * terminal (preset `reception`): its save dialog would be a file browser for anyone at the desk.
   */
  supportExportSignedOut: z.boolean(),
});

export const appInfoMethods = {
  'app.info': method({
    input: noInput,
    output: appInfoSchema,
    doc: 'Version and build of the running app, and which settings machine policy fixes. Always available, also when locked.',
  }),
} satisfies Record<string, MethodSpec>;

export type AppInfo = z.output<typeof appInfoSchema>;
