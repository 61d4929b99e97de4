// Method and event names of the API part for organisation administration (issue 9); merged into names.ts.
export const ORG_ADMIN_METHOD_NAMES = [] as const;
export const ORG_ADMIN_EVENT_NAMES = [] as const;
