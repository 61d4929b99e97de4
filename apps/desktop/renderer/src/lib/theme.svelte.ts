// Light and high-contrast themes. "auto" follows the system: prefers-contrast: more picks the
// high-contrast theme, resolved here so the stylesheet holds each palette once. The choice is stored per workstation in localStorage; it is a
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

const moreContrast = window.matchMedia('(prefers-contrast: more)');

function apply(choice: ThemeChoice): void {
  const resolved = choice === 'auto' ? (moreContrast.matches ? 'contrast' : 'light') : choice;
  document.documentElement.dataset.theme = resolved;
}

apply(initial);
moreContrast.addEventListener('change', () => apply(current));

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
