// Method and event names of the relay connection (api/features/connection.ts); merged into names.ts.
export const CONNECTION_METHOD_NAMES = ['connection.status'] as const;
export const CONNECTION_EVENT_NAMES = ['connection.changed'] as const;
