// English strings of the workstation part; must cover every key of de-workstation.ts.
import type { deWorkstation } from './de-workstation.ts';

export const enWorkstation: Record<keyof typeof deWorkstation, string> = {};
