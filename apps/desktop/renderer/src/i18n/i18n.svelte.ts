// A small typed dictionary rather than an i18n library: two languages, compile-time checked keys
// (en must cover every German key), no runtime parsing, nothing to load. Placeholders: {name}.
import { de, type MessageKey } from './de.ts';
import { en } from './en.ts';

export type Locale = 'de' | 'en';
export const LOCALES: readonly Locale[] = ['de', 'en'];

const dictionaries: Record<Locale, Record<MessageKey, string>> = { de, en };
const STORAGE_KEY = 'klinikfunk.locale';

function storedLocale(): Locale {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'en' || value === 'de' ? value : 'de';
  } catch {
    return 'de';
  }
}

const initialLocale = storedLocale();
let current = $state<Locale>(initialLocale);
document.documentElement.lang = initialLocale;

export const i18n = {
  get locale(): Locale {
    return current;
  },
  set locale(value: Locale) {
    current = value;
    document.documentElement.lang = value;
    try {
      localStorage.setItem(STORAGE_KEY, value);
    } catch {
      // Storage may be unavailable; the choice then lasts until the window closes.
    }
  },
  /** BCP 47 tag for Intl formatting. */
  get tag(): string {
    return current === 'de' ? 'de-DE' : 'en-GB';
  },
};

/** Sets the language fixed by machine policy without storing it as the user's choice. */
export function forceLocale(value: Locale): void {
  current = value;
  document.documentElement.lang = value;
}

export function hasKey(key: string): key is MessageKey {
  return Object.hasOwn(de, key);
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = dictionaries[current][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Singular/plural: `${key}.one` for 1, `${key}.other` otherwise, with {count}. */
export function tn(key: string, count: number, params: Record<string, string | number> = {}): string {
  const full = `${key}.${count === 1 ? 'one' : 'other'}`;
  return hasKey(full) ? t(full, { count, ...params }) : String(count);
}

export type { MessageKey };
