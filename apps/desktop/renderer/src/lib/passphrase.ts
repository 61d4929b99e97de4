// A rough passphrase strength estimate for the meter on the first-run screens. It rewards length
// and variety and punishes repetition, keyboard runs and common words. No strength library is
// installed (zxcvbn would be the choice if one may be added); this estimate errs on the strict side.

export type StrengthScore = 0 | 1 | 2 | 3 | 4;

export const PASSPHRASE_MIN_LENGTH = 10;
/** The meter's score a passphrase needs before the form can be sent. */
export const PASSPHRASE_MIN_SCORE: StrengthScore = 2;

const COMMON = [
  'passwort',
  'password',
  'kennwort',
  'klinik',
  'klinikfunk',
  'station',
  'praxis',
  'pflege',
  'hallo',
  'willkommen',
  'welcome',
  'sommer',
  'winter',
  'fruehling',
  'frühling',
  'herbst',
  'schatz',
  'geheim',
  'admin',
  'qwertz',
  'qwerty',
  'asdf',
  'abc',
  'letmein',
  '1234',
];

const SEQUENCES = ['abcdefghijklmnopqrstuvwxyz', '01234567890', 'qwertzuiopasdfghjklyxcvbnm', 'qwertyuiop'];

function poolSize(text: string): number {
  let pool = 0;
  if (/[a-zäöüß]/.test(text)) pool += 26;
  if (/[A-ZÄÖÜ]/.test(text)) pool += 26;
  if (/\d/.test(text)) pool += 10;
  if (/[^\p{L}\p{N}]/u.test(text)) pool += 20;
  if (/[^\x20-\x7e]/.test(text)) pool += 10;
  return Math.max(pool, 10);
}

/** Characters that add little: repeats of the previous character and steps of a keyboard run. */
function predictableChars(text: string): number {
  const lower = text.toLowerCase();
  let count = 0;
  for (let i = 1; i < lower.length; i++) {
    const pair = lower.slice(i - 1, i + 1);
    if (pair[0] === pair[1] || SEQUENCES.some((seq) => seq.includes(pair))) count++;
  }
  return count;
}

export function estimateBits(passphrase: string): number {
  if (passphrase.length === 0) return 0;
  const lower = passphrase.toLowerCase();
  let effective = [...passphrase].length - predictableChars(passphrase) * 0.75;
  for (const word of COMMON) if (lower.includes(word)) effective -= word.length * 0.7;
  const distinct = new Set(lower).size;
  effective = Math.min(effective, distinct * 2.5);
  return Math.max(0, effective) * Math.log2(poolSize(passphrase));
}

export function strengthScore(passphrase: string): StrengthScore {
  const bits = estimateBits(passphrase);
  if (passphrase.length < PASSPHRASE_MIN_LENGTH) return bits < 28 ? 0 : 1;
  if (bits < 36) return 0;
  if (bits < 50) return 1;
  if (bits < 65) return 2;
  if (bits < 85) return 3;
  return 4;
}
