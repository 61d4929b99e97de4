// Registration keys as printed: 8 groups of 4 Crockford base32 characters.

/** Groups of the key for the letter (keeps the core's grouping, else groups of four). */
export function keyGroups(key: string): string[] {
  const compact = key.replace(/[\s-]/g, '').toUpperCase();
  return compact.match(/.{1,4}/g) ?? [];
}

/** Characters typed so far, without separators (for "still typing" checks). */
export function keyCharCount(typed: string): number {
  return typed.replace(/[\s-]/g, '').length;
}

export const REGISTRATION_KEY_CHARS = 32;
