// The policy RelayCaCertificates: entries that are either a SHA-256 thumbprint of a CA
// certificate (64 hex digits, colons or spaces allowed, as certmgr and openssl print them) or the
// absolute path of a certificate file (PEM, or DER as Windows exports .cer). Parsed here so the
// policy table's schema and the trust store read the same format.
import { z } from 'zod';

export type RelayCaEntry = { kind: 'thumbprint'; sha256: string } | { kind: 'file'; path: string };

const ABSOLUTE_PATH = /^(?:[A-Za-z]:[\\/]|\\\\[^\\]+\\|\/)/;

export function parseRelayCaEntry(raw: string): RelayCaEntry | null {
  const text = raw.trim();
  const hex = text.replace(/[\s:]/g, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return { kind: 'thumbprint', sha256: hex.toLowerCase() };
  if (ABSOLUTE_PATH.test(text) && text.length <= 1024 && !/[\0\r\n]/.test(text)) return { kind: 'file', path: text };
  return null;
}

export const relayCaEntrySchema = z
  .string()
  .max(1024)
  .refine(
    (s) => parseRelayCaEntry(s) !== null,
    'must be a SHA-256 thumbprint (64 hex digits) or the absolute path of a certificate file',
  );
