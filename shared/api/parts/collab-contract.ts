// API part for polls, files and calendar (issue 7): methods and events with their schemas and doc comments. Merged into
// contract.ts; the names are listed in ./collab-names.ts.
import type { EventSpec, MethodSpec } from '../define.ts';

export const collabMethods = {} satisfies Record<string, MethodSpec>;
export const collabEvents = {} satisfies Record<string, EventSpec>;
