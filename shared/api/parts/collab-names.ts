// Method and event names of the API part for polls, files and calendar (issue 7); merged into names.ts.
export const COLLAB_METHOD_NAMES = [] as const;
export const COLLAB_EVENT_NAMES = [] as const;
