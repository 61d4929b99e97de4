// Client-side PIN rules, so staff learn at once why a PIN is refused. The core checks again
// (session.setPin answers invalid_input); this file only spares the round trip.

export type PinProblem = 'not_digits' | 'too_short' | 'too_long' | 'trivial';

export const PIN_MAX_LENGTH = 12;

/** Each digit is the previous plus `step`, wrapping 9 -> 0 (1234567890 is a run too). */
function isRun(digits: number[], step: number): boolean {
  return digits.every((digit, i) => i === 0 || digit === (digits[i - 1]! + step + 10) % 10);
}

function hasPeriod(pin: string, period: number): boolean {
  if (pin.length < period * 2) return false;
  for (let i = period; i < pin.length; i++) if (pin[i] !== pin[i - period]) return false;
  return true;
}

/** Easy to guess or to watch over a shoulder: 000000, 123456, 654321, 121212, 123123, 112233. */
export function isTrivialPin(pin: string): boolean {
  const digits = [...pin].map(Number);
  if (isRun(digits, 0) || isRun(digits, 1) || isRun(digits, -1)) return true;
  if (hasPeriod(pin, 2) || hasPeriod(pin, 3)) return true;
  // Doubled runs such as 112233 or 332211.
  if (pin.length % 2 === 0) {
    const pairs = digits.filter((_, i) => i % 2 === 0);
    const doubled = digits.every((digit, i) => digit === pairs[Math.floor(i / 2)]);
    if (doubled && (isRun(pairs, 1) || isRun(pairs, -1))) return true;
  }
  return false;
}

export function pinProblem(pin: string, minLength: number): PinProblem | null {
  if (!/^\d*$/.test(pin)) return 'not_digits';
  if (pin.length < minLength) return 'too_short';
  if (pin.length > PIN_MAX_LENGTH) return 'too_long';
  if (isTrivialPin(pin)) return 'trivial';
  return null;
}
