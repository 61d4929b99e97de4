import { describe, expect, it } from 'vitest';
import { isTrivialPin, pinProblem } from '../../../apps/desktop/renderer/src/lib/pin.ts';

describe('renderer PIN rules', () => {
  it('refuses trivial PINs', () => {
    for (const pin of ['000000', '123456', '654321', '012345', '121212', '123123', '112233', '999999', '1234567890'])
      expect(isTrivialPin(pin), pin).toBe(true);
  });

  it('accepts ordinary PINs', () => {
    for (const pin of ['482915', '739251', '1029384756', '250793']) expect(isTrivialPin(pin), pin).toBe(false);
  });

  it('names the problem', () => {
    expect(pinProblem('48a915', 6)).toBe('not_digits');
    expect(pinProblem('48291', 6)).toBe('too_short');
    expect(pinProblem('4829157', 8)).toBe('too_short');
    expect(pinProblem('4829150193847', 6)).toBe('too_long');
    expect(pinProblem('123456', 6)).toBe('trivial');
    expect(pinProblem('482915', 6)).toBeNull();
  });
});
