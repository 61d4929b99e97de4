// Method names of the pinned-messages feature (api/features/pins.ts); merged into names.ts.
export const PINS_METHOD_NAMES = ['pins.list', 'pins.add', 'pins.remove'] as const;
