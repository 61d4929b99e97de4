// Method names of device administration (api/features/devices-admin.ts); merged into names.ts.
export const DEVICES_ADMIN_METHOD_NAMES = ['admin.revokeDevice', 'admin.deviceList'] as const;
