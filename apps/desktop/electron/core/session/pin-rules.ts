// Which PINs a shared workstation accepts: long enough for the policy and not one of the PINs
// everyone tries first (all one digit, runs up or down, a repeated pair or triple).
export type PinProblem = 'too_short' | 'not_digits' | 'trivial';

export function checkPin(pin: string, minLength: number): PinProblem | null {
  if (!/^\d+$/.test(pin)) return 'not_digits';
  if (pin.length < minLength) return 'too_short';
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => (d - digits[i]! + 10) % 10));
  // One step size throughout: 000000 (0), 123456 / 890123 (1), 987654 (9).
  if (steps.size === 1 && [0, 1, 9].includes([...steps][0]!)) return 'trivial';
  for (const period of [2, 3]) {
    if (pin.length % period === 0 && pin === pin.slice(0, period).repeat(pin.length / period)) return 'trivial';
  }
  return null;
}
