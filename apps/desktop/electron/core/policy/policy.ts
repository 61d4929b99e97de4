// Machine policy as the app shell reports it: which keys IT fixed, and the language if fixed.
// The full resolved values (EffectivePolicy, resolve.ts) go to the services that enforce them.
import { resolvePolicy, type EffectivePolicy } from './resolve.ts';

export type UiLanguage = 'de' | 'en';

export interface PolicySnapshot {
  /** Keys set by a machine-wide source; the UI shows these as locked. */
  managedKeys: readonly string[];
  /** UI language fixed by policy, or null when the user chooses. */
  language: UiLanguage | null;
}

/** Built-in defaults only: no registry, no policy file (tests, demo). */
export const builtInPolicy = (): EffectivePolicy => resolvePolicy([]);

/** What the app shell reports about the resolved machine policy. */
export function snapshotOf(policy: EffectivePolicy): PolicySnapshot {
  return {
    managedKeys: Object.keys(policy.managedBy).sort(),
    language: policy.managedBy.uiLanguage ? policy.values.uiLanguage : null,
  };
}
