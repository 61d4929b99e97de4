// German strings of the collab part; merged into de.ts (the source of truth for keys).
export const deCollab = {} as const;
