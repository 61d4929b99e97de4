// Method and event names of sign-in and the screen lock (api/features/session.ts); merged into names.ts.
export const SESSION_METHOD_NAMES = [
  'session.status',
  'session.signIn',
  'session.signOut',
  'session.lock',
  'session.unlock',
  'session.setPin',
  'session.me',
] as const;
export const SESSION_EVENT_NAMES = ['session.changed'] as const;
