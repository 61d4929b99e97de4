// Method names of escalations (api/features/escalations.ts); merged into names.ts.
export const ESCALATIONS_METHOD_NAMES = [
  'escalations.ofMessage',
  'escalations.received',
  'escalations.acknowledge',
] as const;
