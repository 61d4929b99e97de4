// API part for organisation administration (issue 9): methods and events with their schemas and doc comments. Merged into
// contract.ts; the names are listed in ./org-admin-names.ts.
import type { EventSpec, MethodSpec } from '../define.ts';

export const orgAdminMethods = {} satisfies Record<string, MethodSpec>;
export const orgAdminEvents = {} satisfies Record<string, EventSpec>;
