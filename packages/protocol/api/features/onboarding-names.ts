// Method names of the first run (create or join an organisation) (api/features/onboarding.ts); merged into names.ts.
export const ONBOARDING_METHOD_NAMES = [
  'org.create',
  'org.checkRegistrationKey',
  'org.join',
  'org.joinWithDirectory',
] as const;
