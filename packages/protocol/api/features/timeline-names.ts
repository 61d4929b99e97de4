// Method names of the channel timeline's shared things (api/features/timeline.ts); merged into names.ts.
export const TIMELINE_METHOD_NAMES = ['timeline.items'] as const;
