// A message over the limit: the error says how long it is and how long it may be.
import { describe, expect, it } from 'vitest';
import { tooLongText } from '../../../apps/desktop/renderer/src/lib/send-error.ts';
import { de } from '../../../apps/desktop/renderer/src/i18n/de.ts';

describe('too-long message error', () => {
  it('names the current length and the limit', () => {
    expect(tooLongText('invalid_input', 'x'.repeat(23_456), de['error.send.tooLong'], 'de-DE')).toBe(
      'Die Nachricht ist 23.456 Zeichen lang, erlaubt sind höchstens 20.000. Bitte kürzen Sie sie oder teilen Sie den Text als Datei.',
    );
  });

  it('leaves other errors and messages within the limit to the usual sentences', () => {
    expect(tooLongText('invalid_input', 'x'.repeat(20_000), de['error.send.tooLong'], 'de-DE')).toBeNull();
    expect(tooLongText('not_permitted', 'x'.repeat(30_000), de['error.send.tooLong'], 'de-DE')).toBeNull();
  });
});
