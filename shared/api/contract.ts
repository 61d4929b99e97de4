// The single API contract between renderer and main process. Main registers a handler for every
// method (electron/ipc), the preload exposes only these names, the renderer gets a typed client.
import { z } from 'zod';
import { event, method, type EventSpec, type MethodSpec } from './define.ts';
import type { EventName, MethodName } from './names.ts';

/** Every input is an object, so methods can grow optional fields without breaking callers. */
const noInput = z.object({}).strict();

export const sessionState = z.enum(['no_profiles', 'signed_out', 'unlocked', 'locked']);

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
});

export const sessionStatusSchema = z.object({
  state: sessionState,
  /** Profiles on this workstation (display names only; never content). */
  profileCount: z.number().int().nonnegative(),
  /** The visible profile, or null when none is signed in. */
  activeProfileId: z.string().nullable(),
});

export const methods = {
  'app.info': method({
    input: noInput,
    output: appInfoSchema,
    doc: 'Version and build of the running app, and which settings machine policy fixes. Always available, also when locked.',
  }),
  'session.status': method({
    input: noInput,
    output: sessionStatusSchema,
    doc: 'Whether a profile is signed in, locked or none exists yet. Always available; reveals no content.',
  }),
} satisfies Record<MethodName, MethodSpec>;

export const events = {
  'session.changed': event({
    payload: sessionStatusSchema,
    doc: 'The session state changed (signed in, locked, unlocked, signed out).',
  }),
} satisfies Record<EventName, EventSpec>;

export type Methods = typeof methods;
export type Events = typeof events;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;
export type AppInfo = z.output<typeof appInfoSchema>;
export type SessionStatus = z.output<typeof sessionStatusSchema>;
