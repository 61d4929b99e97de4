// Canonical JSON for signed records: one byte string per value, so a signature made on one
// machine verifies on every other. The value set is deliberately small: objects with string
// keys (sorted by UTF-16 code units, as JSON.stringify would meet them), arrays, strings,
// booleans, null and safe integers. No floats (no rounding questions), no undefined. Bytes
// travel as base64url strings. This is the subset of RFC 8785 (JCS) where JCS and this
// encoder agree byte for byte.
//
// Why JSON and not a binary TLV: records are few and small, they are read by people (IT
// exporting the audit log, support looking at a roster), and the same zod schema validates
// them on the client, the relay and the admin tools.
import { utf8 } from './bytes.ts';

export type CanonicalValue = string | number | boolean | null | CanonicalValue[] | { [key: string]: CanonicalValue };

export class CanonicalError extends Error {}

function encode(value: unknown, depth: number): string {
  if (depth > 32) throw new CanonicalError('nesting too deep');
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalError('only safe integers are allowed');
      return Object.is(value, -0) ? '0' : String(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => encode(v, depth + 1)).join(',')}]`;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new CanonicalError('only plain objects are allowed');
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.some(([, v]) => v === undefined)) throw new CanonicalError('undefined is not allowed');
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${encode(v, depth + 1)}`).join(',')}}`;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
    default:
      throw new CanonicalError(`type ${typeof value} is not allowed`);
  }
}

export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalJson(value));
}
