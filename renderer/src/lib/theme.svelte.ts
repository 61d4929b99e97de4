// Light and high-contrast themes. "auto" follows the system (prefers-contrast: more picks the
// high-contrast theme in CSS). The choice is stored per workstation in localStorage; it is a
// display preference, not personal data.
export type ThemeChoice = 'auto' | 'light' | 'contrast';
export const THEMES: readonly ThemeChoice[] = ['auto', 'light', 'contrast'];

const STORAGE_KEY = 'klinikfunk.theme';

function stored(): ThemeChoice {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return THEMES.includes(value as ThemeChoice) ? (value as ThemeChoice) : 'auto';
  } catch {
    return 'auto';
  }
}

const initial = stored();
let current = $state<ThemeChoice>(initial);

function apply(choice: ThemeChoice): void {
  document.documentElement.dataset.theme = choice;
}

apply(initial);

export const theme = {
  get choice(): ThemeChoice {
    return current;
  },
  set choice(value: ThemeChoice) {
    current = value;
    apply(value);
    try {
      localStorage.setItem(STORAGE_KEY, value);
    } catch {
      // Storage may be unavailable; the choice then lasts until the window closes.
    }
  },
};
