import { describe, expect, it } from 'vitest';
import { PASSPHRASE_MIN_SCORE, strengthScore } from '../../../apps/desktop/renderer/src/lib/passphrase.ts';

describe('renderer passphrase strength', () => {
  it('rates short, repetitive and common passphrases below the minimum', () => {
    for (const weak of ['', 'abc', 'passwort12', 'aaaaaaaaaaaa', 'qwertz1234', 'Klinik2024!', '1234567890'])
      expect(strengthScore(weak), weak).toBeLessThan(PASSPHRASE_MIN_SCORE);
  });

  it('rates several words as strong enough', () => {
    for (const strong of ['Sonnenblume Station drei', 'Kaffeepause im Nachtdienst', 'kaffee regen fahrrad leuchtturm'])
      expect(strengthScore(strong), strong).toBeGreaterThanOrEqual(3);
  });

  it('grows with length', () => {
    expect(strengthScore('Wolke Tisch')).toBeLessThanOrEqual(strengthScore('Wolke Tisch Lampe Fluss'));
  });
});
