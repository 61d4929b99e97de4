// The user id of an imported person derives from the organisation and the personnel number, so
// every admin device finds the same person again without a table of its own: importing a file
// twice, or from another admin device, updates that user and never makes a second one. The
// number itself is not in the id (directory records are visible to every member).
import { createHash } from 'node:crypto';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';

const CONTEXT = 'klinikfunk personnel number v1';

export function personnelUserId(orgId: string, personnelNumber: string): string {
  const digest = createHash('sha256').update(`${CONTEXT}\0${orgId}\0${personnelNumber}`, 'utf8').digest();
  // 'pn' + 24 base64url characters (144 bits): an id of the record schema, unmistakable in logs.
  return `pn${toBase64Url(digest.subarray(0, 18))}`;
}
