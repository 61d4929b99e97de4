// How long to wait after wrong secrets (PINs and passphrases alike): none for the first two
// typos, then 2, 4, 8 … seconds, capped at five minutes.
export function backoffSeconds(wrongAttempts: number): number {
  return wrongAttempts <= 2 ? 0 : Math.min(300, 2 ** (wrongAttempts - 2));
}
