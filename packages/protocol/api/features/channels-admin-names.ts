// Method names of the admins' channel overview (api/features/channels-admin.ts); merged into names.ts.
export const CHANNELS_ADMIN_METHOD_NAMES = ['admin.channels'] as const;
