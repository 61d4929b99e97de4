// Joining with the directory account and password (docs/protocol.md "Enrolment", docs/security.md
// "Sign-in with the directory password"): the device makes its keys as for a registration letter,
// learns from the relay which delegation allows sign-in (the org root and the org-signed
// delegation, every record checked against the org key and the pinned fingerprint), seals account,
// password and its public keys to that delegation's key, and checks the agent's answer: the user
// and this device's record signed by the delegated key, through the chain to the org key.
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { fingerprintMatches, orgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';
import type { SignInRequest } from '@klinikfunk/protocol/wire/directory-sign-in.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { generateDeviceKeys } from '@klinikfunk/crypto/keys.ts';
import { parseRecord } from '@klinikfunk/crypto/records.ts';
import { sealToAgent } from '@klinikfunk/crypto/sign-in-seal.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';
import type { Identity } from './identity.ts';
import { newId, SetupError } from './org-setup.ts';

export interface DirectorySignIn {
  deviceId: string;
  /**
   * Checks the relay's signin_info records and seals the request to the delegation that allows
   * sign-in; null when none does (the organisation has not switched it on).
   */
  seal(records: Array<Record<string, unknown>>): { delegationId: string; sealed: string } | null;
  /** Checks the agent's records and makes the identity of this device. */
  complete(records: Array<Record<string, unknown>>, options: { relayUrl: string }): Identity & { displayName: string };
}

/** Root first, every record checked against the org key (and the pinned fingerprint, when set). */
function directoryOf(records: Array<Record<string, unknown>>, pinnedFingerprint: string | null, now: number) {
  const parsed = records.map((r) => parseRecord(r));
  const root = parsed[0];
  if (!root?.ok || root.record.type !== 'org_root' || parsed.some((p) => !p.ok))
    throw new SetupError('relay', 'the relay answered with unexpected records');
  const rootRecord = root.record as SignedRecord<'org_root'>;
  const orgKey = fromBase64Url(rootRecord.body.orgPublicKey);
  if (!orgKey) throw new SetupError('relay', 'the relay answered with unexpected records');
  const directory = new Directory({ orgPublicKey: orgKey, now: () => now });
  if (pinnedFingerprint !== null && !fingerprintMatches(pinnedFingerprint, directory.orgId))
    throw new SetupError(
      'wrong_org',
      `the relay belongs to the organisation with fingerprint ${orgFingerprint(directory.orgId)}, not to the one this workstation is configured for (policy OrgFingerprint ${pinnedFingerprint})`,
    );
  for (const p of parsed) {
    if (!p.ok) continue;
    const verdict = directory.ingest(p.record);
    if (!verdict.ok) throw new SetupError('relay', `record refused: ${verdict.reason}`);
  }
  return { directory, root: rootRecord };
}

/** The relay lists only delegations that allow sign-in; checked here again, as it signs nothing. */
function signInDelegation(directory: Directory, now: number) {
  return [...directory.delegations.values()].find(
    (d) =>
      d.body.signIn === true &&
      d.body.holder.kind === 'key' &&
      d.body.expiresAt >= now &&
      !directory.revokedDelegations.has(d.body.delegationId),
  );
}

/** The certificate the sign-in delegation issued for exactly this device and its keys (thrown when the answer holds none). */
function certificateFromDelegation(
  directory: Directory,
  deviceId: string,
  delegationId: string | null,
  device: ReturnType<typeof generateDeviceKeys>,
) {
  const certificate = directory.devices.get(deviceId)?.record;
  if (
    !certificate ||
    certificate.signer.kind !== 'delegate' ||
    certificate.signer.id !== delegationId ||
    certificate.body.signingPublicKey !== toBase64Url(device.signing.publicKey) ||
    certificate.body.boxPublicKey !== toBase64Url(device.box.publicKey)
  )
    throw new SetupError('relay', 'the answer holds no certificate for this device from the sign-in delegation');
  return certificate;
}

export function beginDirectorySignIn(input: {
  account: string;
  password: string;
  deviceLabel: string;
  pinnedFingerprint: string | null;
  now: number;
}): DirectorySignIn {
  const deviceId = newId('dev');
  const device = generateDeviceKeys();
  let password: string | null = input.password;
  let delegationId: string | null = null;
  // The organisation the request was sealed for: the answer must come from it. Without an
  // OrgFingerprint pin the relay's first answer is taken on trust; a later one may not switch.
  let sealedFor: string | null = null;
  return {
    deviceId,
    seal(records) {
      const { directory } = directoryOf(records, input.pinnedFingerprint, input.now);
      const delegation = signInDelegation(directory, input.now);
      if (!delegation || delegation.body.holder.kind !== 'key' || password === null) return null;
      delegationId = delegation.body.delegationId;
      sealedFor = directory.orgId;
      const request: SignInRequest = {
        v: 1,
        account: input.account.trim(),
        password,
        deviceId,
        signingPublicKey: toBase64Url(device.signing.publicKey),
        boxPublicKey: toBase64Url(device.box.publicKey),
        label: input.deviceLabel,
        at: input.now,
      };
      const plain = new TextEncoder().encode(JSON.stringify(request));
      const sealed = sealToAgent(plain, fromBase64Url(delegation.body.holder.publicKey)!);
      sodium().memzero(plain);
      // Sealed once: the password is no longer needed here.
      password = null;
      return { delegationId, sealed: toBase64Url(sealed) };
    },
    complete(records, options) {
      const { directory, root } = directoryOf(records, input.pinnedFingerprint, input.now);
      if (sealedFor === null || directory.orgId !== sealedFor)
        throw new SetupError(
          'relay',
          'the answer comes from another organisation than the one the request was sealed for',
        );
      const certificate = certificateFromDelegation(directory, deviceId, delegationId, device);
      const user = directory.users.get(certificate.body.userId)?.body;
      if (!user?.active) throw new SetupError('relay', 'the user of the certificate is not active');
      return {
        v: 1,
        orgId: directory.orgId,
        orgName: root.body.name,
        orgPublicKey: root.body.orgPublicKey,
        relayUrl: options.relayUrl,
        userId: user.userId,
        deviceId,
        signingSecret: toBase64Url(device.signing.secretKey),
        boxSecret: toBase64Url(device.box.secretKey),
        orgSecret: null,
        certificate: certificate as unknown as Record<string, unknown>,
        // The agent stored it already.
        certificateUploaded: true,
        displayName: user.displayName,
      };
    },
  };
}
