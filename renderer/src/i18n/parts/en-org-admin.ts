// English strings of the org-admin part; must cover every key of de-org-admin.ts.
import type { deOrgAdmin } from './de-org-admin.ts';

export const enOrgAdmin: Record<keyof typeof deOrgAdmin, string> = {};
