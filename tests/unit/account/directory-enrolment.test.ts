// The workstation's side of sign-in with the directory password: the agent's answer must come
// from the organisation the request was sealed for. Without an OrgFingerprint policy the first
// org root the relay shows is taken on trust; the answer may not then switch to another
// organisation, even one whose records are in themselves well signed and certify this device's keys
// (which the relay learns from the device record the agent stores before it answers).
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { signInRequestSchema } from '@klinikfunk/protocol/wire/directory-sign-in.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { openAsAgent, sealToAgent } from '@klinikfunk/crypto/sign-in-seal.ts';
import { beginDirectorySignIn } from '../../../apps/desktop/electron/core/account/directory-enrolment.ts';
import { SetupError } from '../../../apps/desktop/electron/core/account/org-setup.ts';
import { NOW, World } from '../crypto/world.ts';

/** An organisation whose directory agent may enrol workstations by sign-in. */
function clinic(world: World, name: string, delegationId: string) {
  const agent = generateOrgKeys();
  const root = world.orgSign('org_root', {
    orgId: world.orgId,
    name,
    orgPublicKey: toBase64Url(world.org.publicKey),
    createdAt: NOW,
  });
  const delegation = world.orgSign('delegation', {
    orgId: world.orgId,
    delegationId,
    holder: { kind: 'key', publicKey: toBase64Url(agent.publicKey) },
    label: 'Verzeichnis-Agent',
    scope: { kind: 'all_members' },
    expiresAt: NOW + 86_400_000,
    issuedAt: NOW,
    signIn: true,
  });
  /** The agent's answer: the records that certify the sealed request's device. */
  const answer = (sealed: string): Array<Record<string, unknown>> => {
    const plain = openAsAgent(fromBase64Url(sealed)!, agent.secretKey);
    const request = signInRequestSchema.parse(JSON.parse(new TextDecoder().decode(plain!)));
    const by = { kind: 'delegate', id: delegationId } as const;
    const user = signRecord(
      'user',
      {
        orgId: world.orgId,
        userId: 'usr-signed-in',
        displayName: 'Vorname1 Nachname1',
        role: 'member',
        ward: null,
        active: true,
        issuedAt: NOW,
      },
      by,
      agent.secretKey,
    );
    const device = signRecord(
      'device',
      {
        orgId: world.orgId,
        userId: 'usr-signed-in',
        deviceId: request.deviceId,
        signingPublicKey: request.signingPublicKey,
        boxPublicKey: request.boxPublicKey,
        label: request.label,
        enrolmentId: null,
        issuedAt: NOW,
        expiresAt: null,
      },
      by,
      agent.secretKey,
    );
    return [root, delegation, user, device] as SignedRecord[] as unknown as Array<Record<string, unknown>>;
  };
  return { info: [root, delegation] as unknown as Array<Record<string, unknown>>, answer, agent };
}

describe('joining with the directory password', () => {
  let ours: World;
  let theirs: World;

  beforeAll(async () => {
    ours = await World.create();
    theirs = await World.create();
  });

  const begin = () =>
    beginDirectorySignIn({
      account: 'person1',
      password: 'Kennwort-1-Sommer',
      deviceLabel: 'Stationsrechner 3B',
      pinnedFingerprint: null,
      now: NOW,
    });

  it('takes the answer of the organisation it sealed for', () => {
    const clinicA = clinic(ours, 'Klinikum A', 'dlg-signin-1');
    const signIn = begin();
    const sealed = signIn.seal(clinicA.info)!;
    const identity = signIn.complete(clinicA.answer(sealed.sealed), { relayUrl: 'wss://relay.klinik.test' });
    expect(identity).toMatchObject({ orgId: ours.orgId, userId: 'usr-signed-in', deviceId: signIn.deviceId });
  });

  it('refuses an answer from another organisation, though it certifies this device', () => {
    const clinicA = clinic(ours, 'Klinikum A', 'dlg-signin-2');
    const signIn = begin();
    const sealed = signIn.seal(clinicA.info)!;
    // The device's id and keys as the relay has them from the stored device record, certified in
    // an organisation of its own under the same delegation id.
    const forged = clinic(theirs, 'Klinikum A', 'dlg-signin-2');
    const plain = openAsAgent(fromBase64Url(sealed.sealed)!, clinicA.agent.secretKey)!;
    const resealed = toBase64Url(sealToAgent(plain, forged.agent.publicKey));
    expect(() => signIn.complete(forged.answer(resealed), { relayUrl: 'wss://relay.klinik.test' })).toThrow(SetupError);
  });
});
