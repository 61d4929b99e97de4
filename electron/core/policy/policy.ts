// Machine policy as the rest of the core sees it: effective values plus which keys IT fixed.
// The sources (registry, ProgramData JSON, /etc) and their precedence come with the IT rollout
// work; until then the composition root passes built-in defaults.
export type UiLanguage = 'de' | 'en';

export interface PolicySnapshot {
  /** Keys set by a machine-wide source; the UI shows these as locked. */
  managedKeys: readonly string[];
  /** UI language fixed by policy, or null when the user chooses. */
  language: UiLanguage | null;
}

export const defaultPolicy = (): PolicySnapshot => ({ managedKeys: [], language: null });
