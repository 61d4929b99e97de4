// A small typed dictionary rather than an i18n library: two languages, compile-time checked keys
// (en must cover every German key), no runtime parsing, nothing to load. Placeholders: {name}.
import { de, type MessageKey } from './de.ts';
import { en } from './en.ts';

export type Locale = 'de' | 'en';
export const LOCALES: readonly Locale[] = ['de', 'en'];

const dictionaries: Record<Locale, Record<MessageKey, string>> = { de, en };

let current = $state<Locale>('de');

export const i18n = {
  get locale(): Locale {
    return current;
  },
  set locale(value: Locale) {
    current = value;
    document.documentElement.lang = value;
  },
};

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = dictionaries[current][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export type { MessageKey };
