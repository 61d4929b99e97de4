// The two ways a profile comes into an organisation (docs/protocol.md "Enrolment"):
//  - create: the first admin makes the organisation key, signs the org root, its own user and
//    this device, and binds the relay with the setup code from the relay's data folder;
//  - join: a user types the registration key from their letter; the device derives the enrolment
//    key, learns from the relay whom the key was made for (checking every record against the org
//    key), and signs its own device certificate, which it presents at its first authentication.
import { randomBytes } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { fingerprintMatches, orgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';
import type { RecordBody, RecordType, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { signDetached } from '@klinikfunk/crypto/ed25519.ts';
import { deriveEnrolmentKeys, type CodeProblem } from '../crypto/enrolment.ts';
import { generateDeviceKeys, generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { orgIdOf, parseRecord, signRecord, stampActor } from '@klinikfunk/crypto/records.ts';
import { directoryChannelId } from '../client/channel-directory.ts';
import type { Identity } from './identity.ts';

export const newId = (prefix: string): string => `${prefix}${toBase64Url(new Uint8Array(randomBytes(12)))}`;

export class SetupError extends Error {
  readonly code: 'bad_key' | 'unknown_key' | 'wrong_org' | 'relay';
  readonly problem: CodeProblem | null;
  constructor(code: SetupError['code'], message: string, problem: CodeProblem | null = null) {
    super(message);
    this.name = 'SetupError';
    this.code = code;
    this.problem = problem;
  }
}

export interface NewOrganisation {
  identity: Identity;
  /** org_root, the admin's user record, this device's certificate and the directory channel's first roster, in that order. */
  records: SignedRecord[];
}

export function createOrganisation(input: {
  orgName: string;
  displayName: string;
  relayUrl: string;
  deviceLabel: string;
  now: number;
}): NewOrganisation {
  const org = generateOrgKeys();
  const orgId = orgIdOf(org.publicKey);
  const signer = { kind: 'org' as const, id: orgId };
  const userId = newId('usr');
  const deviceId = newId('dev');
  const device = generateDeviceKeys();
  // Stamped by this first admin device, as admin.ts stamps every later org-signed record (audit log).
  const sign = <T extends RecordType>(type: T, body: RecordBody<T>) =>
    stampActor(signRecord(type, body, signer, org.secretKey), deviceId, device.signing.secretKey);
  const root = sign('org_root', {
    orgId,
    name: input.orgName,
    orgPublicKey: toBase64Url(org.publicKey),
    createdAt: input.now,
  });
  const user = sign('user', {
    orgId,
    userId,
    displayName: input.displayName,
    role: 'admin',
    ward: null,
    active: true,
    issuedAt: input.now,
  });
  const certificate = sign('device', {
    orgId,
    userId,
    deviceId,
    signingPublicKey: toBase64Url(device.signing.publicKey),
    boxPublicKey: toBase64Url(device.box.publicKey),
    label: input.deviceLabel,
    enrolmentId: null,
    issuedAt: input.now,
    expiresAt: null,
  });
  // The organisation-wide directory channel ("Allgemein") exists from the first minute; admin
  // devices keep its roster at every active user (client/discovery-agent.ts). Signed by the org
  // key with no channel admin, so no device can change who is in it. History on: people who join
  // later still see the channels announced before them.
  const directory = sign('roster', {
    orgId,
    channelId: directoryChannelId(orgId),
    epoch: 1,
    prevHash: null,
    kind: 'channel',
    members: [{ userId, role: 'member' }],
    historyForNewMembers: true,
    issuedAt: input.now,
  });
  const identity: Identity = {
    v: 1,
    orgId,
    orgName: input.orgName,
    orgPublicKey: toBase64Url(org.publicKey),
    relayUrl: input.relayUrl,
    userId,
    deviceId,
    signingSecret: toBase64Url(device.signing.secretKey),
    boxSecret: toBase64Url(device.box.secretKey),
    orgSecret: toBase64Url(org.secretKey),
    certificate: certificate as unknown as Record<string, unknown>,
    certificateUploaded: true,
  };
  return { identity, records: [root, user, certificate, directory] };
}

export interface Enrolment {
  deviceId: string;
  enrolmentId: string;
  /** Signs the relay's lookup challenge with the enrolment key. */
  signLookup(message: Uint8Array): Uint8Array;
  /** Checks the relay's answer and makes the identity with a self-signed device certificate. */
  complete(
    records: Array<Record<string, unknown>>,
    options: { relayUrl: string; deviceLabel: string; pinnedFingerprint: string | null; now: number },
  ): Identity & { displayName: string };
}

/** Step one of joining: checks the typed key locally (typos never reach the relay). */
export function beginEnrolment(registrationKey: string): Enrolment {
  const derived = deriveEnrolmentKeys(registrationKey);
  if (!derived.ok) throw new SetupError('bad_key', `registration key: ${derived.problem}`, derived.problem);
  const { enrolmentId, publicKey, secretKey } = derived.keys;
  const deviceId = newId('dev');
  return {
    deviceId,
    enrolmentId,
    signLookup: (message) => signDetached(message, secretKey),
    complete(records, options) {
      const answer = enrolmentAnswer(records, enrolmentId);
      const directory = verifiedDirectory(answer, options);
      const enrolmentBody = answer.enrolment.body;
      if (enrolmentBody.enrolmentPublicKey !== toBase64Url(publicKey) || enrolmentBody.enrolmentId !== enrolmentId)
        throw new SetupError('relay', 'the enrolment does not match this registration key');
      const userBody = answer.user.body;
      if (userBody.userId !== enrolmentBody.userId)
        throw new SetupError('relay', 'the user does not match the enrolment');
      const device = generateDeviceKeys();
      const certificate = signRecord(
        'device',
        {
          orgId: directory.orgId,
          userId: userBody.userId,
          deviceId,
          signingPublicKey: toBase64Url(device.signing.publicKey),
          boxPublicKey: toBase64Url(device.box.publicKey),
          label: options.deviceLabel,
          enrolmentId,
          issuedAt: options.now,
          expiresAt: null,
        },
        { kind: 'enrolment', id: enrolmentId },
        secretKey,
      );
      const verdict = directory.verify(certificate);
      if (!verdict.ok) throw new SetupError('unknown_key', `device certificate refused: ${verdict.reason}`);
      return {
        v: 1,
        orgId: directory.orgId,
        orgName: answer.root.body.name,
        orgPublicKey: answer.root.body.orgPublicKey,
        relayUrl: options.relayUrl,
        userId: userBody.userId,
        deviceId,
        signingSecret: toBase64Url(device.signing.secretKey),
        boxSecret: toBase64Url(device.box.secretKey),
        orgSecret: null,
        certificate: certificate as unknown as Record<string, unknown>,
        certificateUploaded: false,
        displayName: userBody.displayName,
      };
    },
  };
}

/** The relay's answer to an enrolment lookup, parsed: every record, and the three that matter. */
interface EnrolmentAnswer {
  parsed: Array<ReturnType<typeof parseRecord>>;
  root: SignedRecord<'org_root'>;
  user: SignedRecord<'user'>;
  enrolment: SignedRecord<'enrolment'>;
}

/**
 * The org root first, then in the directory's order the records that lead from it to the user and
 * the enrolment (org key rotations, a delegation and its holder's certificates).
 */
function enrolmentAnswer(records: Array<Record<string, unknown>>, enrolmentId: string): EnrolmentAnswer {
  const parsedAll = records.map((r) => parseRecord(r));
  const root = parsedAll[0];
  const enrolment = parsedAll.find(
    (p) =>
      p.ok && p.record.type === 'enrolment' && (p.record.body as { enrolmentId: string }).enrolmentId === enrolmentId,
  );
  const enrolmentUser = enrolment?.ok ? (enrolment.record.body as { userId: string }).userId : null;
  const user = parsedAll.findLast(
    (p) => p.ok && p.record.type === 'user' && (p.record.body as { userId: string }).userId === enrolmentUser,
  );
  if (
    parsedAll.some((p) => !p.ok) ||
    !root?.ok ||
    root.record.type !== 'org_root' ||
    !user?.ok ||
    user.record.type !== 'user' ||
    !enrolment?.ok ||
    enrolment.record.type !== 'enrolment'
  )
    throw new SetupError('relay', 'the relay answered with unexpected records');
  return {
    parsed: parsedAll,
    root: root.record as SignedRecord<'org_root'>,
    user: user.record as SignedRecord<'user'>,
    enrolment: enrolment.record as SignedRecord<'enrolment'>,
  };
}

/**
 * The directory of the answer's organisation, every record in it verified against the org key
 * (and that organisation the one the policy pins, if it pins one).
 */
function verifiedDirectory(
  answer: EnrolmentAnswer,
  options: { pinnedFingerprint: string | null; now: number },
): Directory {
  const orgKeyBytes = fromBase64Url(answer.root.body.orgPublicKey);
  if (!orgKeyBytes) throw new SetupError('relay', 'the relay answered with unexpected records');
  // The records on the way were checked by the relay when they were stored; times are checked
  // for the user and the enrolment only (a department admin's own registration key has long
  // expired by the time they enrol someone).
  let onTheWay = true;
  const directory = new Directory({ orgPublicKey: orgKeyBytes, now: () => (onTheWay ? 0 : options.now) });
  if (options.pinnedFingerprint !== null && !fingerprintMatches(options.pinnedFingerprint, directory.orgId))
    throw new SetupError(
      'wrong_org',
      `the relay belongs to the organisation with fingerprint ${orgFingerprint(directory.orgId)}, not to the one this workstation is configured for (policy OrgFingerprint ${options.pinnedFingerprint})`,
    );
  // Every record must verify against the org key, and the enrolment must be for our key.
  for (const parsed of answer.parsed) {
    if (!parsed.ok) continue;
    onTheWay = parsed.record !== answer.user && parsed.record !== answer.enrolment;
    const verdict = directory.ingest(parsed.record);
    if (!verdict.ok) throw new SetupError('relay', `record refused: ${verdict.reason}`);
  }
  onTheWay = false;
  return directory;
}
