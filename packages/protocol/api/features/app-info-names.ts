// Method names of the app info (api/features/app-info.ts); merged into names.ts.
export const APP_INFO_METHOD_NAMES = ['app.info'] as const;
