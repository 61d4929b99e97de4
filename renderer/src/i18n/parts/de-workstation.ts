// German strings of the workstation part; merged into de.ts (the source of truth for keys).
export const deWorkstation = {} as const;
