// English strings of the collab part; must cover every key of de-collab.ts.
import type { deCollab } from './de-collab.ts';

export const enCollab: Record<keyof typeof deCollab, string> = {};
