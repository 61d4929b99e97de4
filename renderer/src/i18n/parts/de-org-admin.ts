// German strings of the org-admin part; merged into de.ts (the source of truth for keys).
export const deOrgAdmin = {} as const;
