// Method names of availability (api/features/availability.ts); merged into names.ts.
export const AVAILABILITY_METHOD_NAMES = ['availability.list', 'availability.set', 'availability.forwards'] as const;
