// Method names of the audit log (api/features/audit.ts); merged into names.ts.
export const AUDIT_METHOD_NAMES = ['admin.auditLog', 'admin.exportAuditCsv'] as const;
