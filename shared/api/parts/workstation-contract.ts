// API part for shared workstations (issue 8): methods and events with their schemas and doc comments. Merged into
// contract.ts; the names are listed in ./workstation-names.ts.
import type { EventSpec, MethodSpec } from '../define.ts';

export const workstationMethods = {} satisfies Record<string, MethodSpec>;
export const workstationEvents = {} satisfies Record<string, EventSpec>;
