// Every stable error code the core can answer has a sentence in German and English, and the
// actions with their own wording (a wrong pick of members, an unreadable calendar file) have theirs.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@klinikfunk/protocol/api/result.ts';
import { de } from '../../../apps/desktop/renderer/src/i18n/de.ts';
import { en } from '../../../apps/desktop/renderer/src/i18n/en.ts';

const sentences: Record<string, Record<string, string>> = { de, en };

describe('error sentences', () => {
  it.each(Object.keys(sentences))('%s has a sentence for every error code', (language) => {
    const missing = ERROR_CODES.filter((code) => !sentences[language]![`error.${code}`]);
    expect(missing).toEqual([]);
  });

  it.each([
    'error.channelCreate.not_found',
    'error.channelMembers.not_found',
    'error.icsImport.invalid_input',
    'error.too_many_attempts',
    'error.secure_store_unavailable',
  ])('%s says what happened and what to do, in both languages', (key) => {
    expect(de[key as keyof typeof de]).toMatch(/Bitte|Melden Sie|wenden Sie/);
    expect(en[key as keyof typeof en]).toMatch(/[Pp]lease|Sign in|contact/);
  });
});
