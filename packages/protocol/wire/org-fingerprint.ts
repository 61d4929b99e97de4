// The organisation fingerprint: the one form in which people see, read aloud, type and pin an
// organisation's identity (admin view, the relay's first-run output, policy `OrgFingerprint`,
// MSI property ORGFINGERPRINT). Used by the client, the admin view and the relay alike.
//
//   fingerprint = Crockford base32 of the first 160 bits of the org id (32 characters)
//                 + a check group: CRC-20 (x^20 + x^3 + 1) over those 160 bits (4 characters)
//   shown as 9 groups of 4:  7K2Q 9XMD 0ABC ... 4HPN  (the last group is the check group)
//
// The org id is already BLAKE2b-256 of the org public key (docs/protocol.md), so 160 bits of it
// leave 2^160 work to make another key with the same fingerprint. The check group is a CRC, not
// a hash: a CRC of degree 20 is guaranteed to catch every error within 20 consecutive bits, so any
// one mistyped character and any two swapped neighbours are always reported as a typo (before,
// a value in the documented format never matched and every join failed with `not_permitted`).
// Crockford's alphabet has no I, L, O, U and reads I/L as 1 and O as 0; case, spaces and hyphens
// do not matter. Nine groups, not eight: a registration key (8 groups) typed here is told apart
// by its length. Pure TypeScript, no crypto library, so it runs in the renderer too.
import { fromBase64Url } from './bytes.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DATA_CHARS = 32;
const CHECK_CHARS = 4;
const TOTAL_CHARS = DATA_CHARS + CHECK_CHARS;
const CRC_BITS = 20;
/** x^20 + x^3 + 1 without the x^20 term (a primitive trinomial). */
const CRC_POLY = 0x00009;
const CRC_MASK = (1 << CRC_BITS) - 1;

export type FingerprintProblem = 'length' | 'character' | 'checksum';

export type ParsedFingerprint =
  | { ok: true; kind: 'fingerprint'; fingerprint: string }
  /** The bare 43-character org id that earlier versions compared against: still honoured. */
  | { ok: true; kind: 'org_id'; orgId: string }
  | { ok: false; problem: FingerprintProblem; message: string };

/** Symbols (0..31) of the first 160 bits of the org id. */
function dataSymbols(orgId: string): number[] {
  const bytes = fromBase64Url(orgId);
  if (!bytes || bytes.length < 20) throw new Error('org id: not a base64url id of at least 160 bits');
  const symbols: number[] = [];
  let value = 0;
  let bits = 0;
  for (const byte of bytes.subarray(0, 20)) {
    value = ((value << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      symbols.push((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  return symbols;
}

/** CRC-20 of the symbols' bits, most significant first, as 4 symbols. */
function checkSymbols(symbols: readonly number[]): number[] {
  let crc = 0;
  for (const symbol of symbols) {
    for (let bit = 4; bit >= 0; bit--) {
      const top = ((crc >>> (CRC_BITS - 1)) & 1) ^ ((symbol >>> bit) & 1);
      crc = ((crc << 1) & CRC_MASK) ^ (top ? CRC_POLY : 0);
    }
  }
  return [15, 10, 5, 0].map((shift) => (crc >>> shift) & 31);
}

const grouped = (symbols: readonly number[]) =>
  symbols
    .map((s) => ALPHABET[s]!)
    .join('')
    .match(/.{4}/g)!
    .join(' ');

/** The fingerprint of an organisation, from its org id, grouped for reading aloud. */
export function orgFingerprint(orgId: string): string {
  const data = dataSymbols(orgId);
  return grouped([...data, ...checkSymbols(data)]);
}

/** Checks a typed or configured fingerprint; the message says what is wrong, for people. */
export function parseOrgFingerprint(input: string): ParsedFingerprint {
  const trimmed = input.trim();
  const fingerprint = parseGrouped(trimmed);
  if (fingerprint.ok) return fingerprint;
  // An org id is exactly 43 base64url characters and case-sensitive. A fingerprint written with
  // hyphens and one left out has that shape too (36 + 7), so the fingerprint reading, whose check
  // group fits by chance once in a million, goes first.
  if (/^[A-Za-z0-9_-]{43}$/.test(trimmed) && fromBase64Url(trimmed)?.length === 32)
    return { ok: true, kind: 'org_id', orgId: trimmed };
  return fingerprint;
}

function parseGrouped(trimmed: string): ParsedFingerprint & ({ ok: false } | { kind: 'fingerprint' }) {
  const compact = trimmed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (compact.length !== TOTAL_CHARS)
    return {
      ok: false,
      problem: 'length',
      message: `has ${compact.length} characters without spaces; an organisation fingerprint has ${TOTAL_CHARS} (9 groups of 4)`,
    };
  const symbols: number[] = [];
  for (const char of compact) {
    const index = ALPHABET.indexOf(char);
    if (index < 0)
      return {
        ok: false,
        problem: 'character',
        message: `contains "${char}", which no organisation fingerprint contains (only 0-9 and A-Z without I, L, O, U)`,
      };
    symbols.push(index);
  }
  const data = symbols.slice(0, DATA_CHARS);
  const check = checkSymbols(data);
  if (check.some((s, i) => s !== symbols[DATA_CHARS + i]))
    return {
      ok: false,
      problem: 'checksum',
      message: 'the check group (the last 4 characters) does not fit the others: a character is mistyped',
    };
  return { ok: true, kind: 'fingerprint', fingerprint: grouped(symbols) };
}

/** The pinned value (fingerprint or bare org id) names this organisation. A value that does not parse names none. */
export function fingerprintMatches(pinned: string, orgId: string): boolean {
  const parsed = parseOrgFingerprint(pinned);
  if (!parsed.ok) return false;
  if (parsed.kind === 'org_id') return parsed.orgId === orgId;
  return parsed.fingerprint === orgFingerprint(orgId);
}
