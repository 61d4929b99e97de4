// Method names of the organisation settings (api/features/org-settings.ts); merged into names.ts.
export const ORG_SETTINGS_METHOD_NAMES = ['admin.setOrgSettings', 'org.settings', 'policy.managed'] as const;
