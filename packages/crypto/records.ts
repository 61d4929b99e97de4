// Signing and verifying the signed records of packages/protocol/wire/records.ts. Verification here is
// stateless (schema, signer kind, signature); whether a signer is trusted, expired or revoked is
// the directory's decision (directory.ts), which calls this first.
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { canonicalBytes } from '@klinikfunk/protocol/wire/canonical.ts';
import {
  actorContext,
  ALLOWED_SIGNERS,
  RECORD_BODIES,
  RECORD_VERSION,
  recordContext,
  signedRecordSchema,
  type RecordBody,
  type RecordType,
  type SignedRecord,
} from '@klinikfunk/protocol/wire/records.ts';
import { defaultVerifier, signDetached, type SignatureVerifier } from './ed25519.ts';
import { sodium } from './sodium.ts';

export type RecordRejection =
  | 'malformed'
  | 'unsupported_version'
  | 'bad_signature'
  | 'unknown_signer'
  | 'expired'
  | 'revoked'
  | 'wrong_org'
  | 'not_permitted'
  | 'chain_broken';

export type RecordVerdict<T extends RecordType = RecordType> =
  { ok: true; record: SignedRecord<T> } | { ok: false; reason: RecordRejection; detail?: string };

export type SignerRef = SignedRecord['signer'];

/** The bytes a record's signature covers: context, version, type, signer and body, canonically. */
export function signedBytes(record: Pick<SignedRecord, 'v' | 'type' | 'body' | 'signer'>): Uint8Array {
  return canonicalBytes({
    ctx: recordContext(record.type),
    v: record.v,
    type: record.type,
    signer: { ...record.signer },
    body: record.body,
  });
}

export function signRecord<T extends RecordType>(
  type: T,
  body: RecordBody<T>,
  signer: SignerRef,
  secretKey: Uint8Array,
): SignedRecord<T> {
  const unsigned = { v: RECORD_VERSION, type, body, signer };
  const sig = signDetached(signedBytes(unsigned), secretKey);
  return { ...unsigned, sig: toBase64Url(sig) };
}

/** The bytes an actor stamp covers: the record's signed content and its signature, under their own context. */
function actorBytes(record: SignedRecord): Uint8Array {
  return canonicalBytes({
    ctx: actorContext(record.type),
    v: record.v,
    type: record.type,
    signer: { ...record.signer },
    body: record.body,
    sig: record.sig,
  });
}

/** Adds the stamp of the admin device that made an org-signed record (which admin acted, for the audit log). */
export function stampActor<T extends RecordType>(
  record: SignedRecord<T>,
  deviceId: string,
  deviceSigningKey: Uint8Array,
): SignedRecord<T> {
  return { ...record, actor: { deviceId, sig: toBase64Url(signDetached(actorBytes(record), deviceSigningKey)) } };
}

/** Checks a record's actor stamp with the device key from that device's certificate (which the caller trusts). */
export function verifyRecordActor(
  record: SignedRecord,
  deviceSigningPublicKey: Uint8Array,
  verifier: SignatureVerifier = defaultVerifier,
): boolean {
  const sig = record.actor ? fromBase64Url(record.actor.sig) : null;
  return !!sig && verifier.verify(sig, actorBytes(record), deviceSigningPublicKey);
}

/** Schema and version check of untrusted input (from the relay, a file, an IPC call). */
export function parseRecord(input: unknown): RecordVerdict {
  const outer = signedRecordSchema.safeParse(input);
  if (!outer.success) return { ok: false, reason: 'malformed', detail: outer.error.issues[0]?.message };
  if (outer.data.v !== RECORD_VERSION) return { ok: false, reason: 'unsupported_version', detail: `v${outer.data.v}` };
  const body = RECORD_BODIES[outer.data.type].safeParse(outer.data.body);
  if (!body.success) return { ok: false, reason: 'malformed', detail: body.error.issues[0]?.message };
  if (!ALLOWED_SIGNERS[outer.data.type].includes(outer.data.signer.kind)) {
    return { ok: false, reason: 'not_permitted', detail: `${outer.data.signer.kind} may not sign ${outer.data.type}` };
  }
  return { ok: true, record: { ...outer.data, body: body.data } as SignedRecord };
}

/** Checks the signature with the signer's public key (which the caller looked up and trusts). */
export function verifyRecordSignature(
  record: SignedRecord,
  signerPublicKey: Uint8Array,
  verifier: SignatureVerifier = defaultVerifier,
): boolean {
  const sig = fromBase64Url(record.sig);
  return !!sig && verifier.verify(sig, signedBytes(record), signerPublicKey);
}

/** BLAKE2b-256 of a record's signed bytes and signature: the roster chain's link. */
export function recordHash(record: SignedRecord): string {
  const sig = fromBase64Url(record.sig) ?? new Uint8Array();
  const s = sodium();
  const state = s.crypto_generichash_init(null, 32);
  s.crypto_generichash_update(state, signedBytes(record));
  s.crypto_generichash_update(state, sig);
  return toBase64Url(s.crypto_generichash_final(state, 32));
}

/**
 * The organisation id: BLAKE2b-256 keyed with the canonical JSON of "klinikfunk/v1/org-id" over the
 * org public key, base64url, 43 chars.
 */
export function orgIdOf(orgPublicKey: Uint8Array): string {
  return toBase64Url(sodium().crypto_generichash(32, orgPublicKey, canonicalBytes('klinikfunk/v1/org-id')));
}
