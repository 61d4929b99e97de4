// Crockford base32 for typed codes (registration letters, emergency shares): one encoder for both.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromCrockford32, toCrockford32 } from '@klinikfunk/protocol/wire/base32.ts';

describe('Crockford base32', () => {
  it('round-trips every length up to 70 bytes', () => {
    for (let n = 0; n <= 70; n++) {
      const bytes = new Uint8Array(randomBytes(n));
      const text = toCrockford32(bytes);
      expect(text).toMatch(/^[0-9A-HJKMNP-TV-Z]*$/);
      expect(text).toHaveLength(Math.ceil((n * 8) / 5));
      expect(fromCrockford32(text)).toEqual(bytes);
    }
  });

  it('encodes a known value and refuses characters outside the alphabet', () => {
    expect(toCrockford32(new Uint8Array([0xff, 0x00]))).toBe('ZW00');
    expect(fromCrockford32('ZW00')).toEqual(new Uint8Array([0xff, 0x00]));
    for (const bad of ['O', 'I', 'L', 'U', 'a', '-', ' ']) expect(fromCrockford32(`00${bad}0`)).toBeNull();
  });
});
