// A small organisation for crypto tests: an org key, users, devices enrolled with registration
// codes, channels with signed rosters. Every device keeps its own Directory fed from the shared
// record log, as clients do from the relay.
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import type { Identity } from '../../../apps/desktop/electron/core/account/identity.ts';
import { ChannelCrypto, type SelfDevice } from '../../../apps/desktop/electron/core/crypto/channel-crypto.ts';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { deriveEnrolmentKeys, generateRegistrationCode } from '../../../apps/desktop/electron/core/crypto/enrolment.ts';
import { generateDeviceKeys, generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { orgIdOf, recordHash, signRecord } from '@klinikfunk/crypto/records.ts';
import { MemorySenderKeyStore } from '../../../apps/desktop/electron/core/crypto/sender-keys.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';

export const NOW = Date.UTC(2026, 10, 23, 8, 0);
let counter = 0;
export const newId = (prefix: string) => `${prefix}${String(++counter).padStart(6, '0')}`;

export interface TestDevice {
  self: SelfDevice;
  directory: Directory;
  crypto: ChannelCrypto;
  keys: MemorySenderKeyStore;
  record: SignedRecord<'device'>;
}

export class World {
  readonly org = generateOrgKeys();
  readonly orgId = orgIdOf(this.org.publicKey);
  readonly log: SignedRecord[] = [];
  readonly devices: TestDevice[] = [];
  now = NOW;

  static async create(): Promise<World> {
    await readySodium();
    return new World();
  }

  orgSign<T extends Parameters<typeof signRecord>[0]>(type: T, body: RecordBody<T>): SignedRecord<T> {
    return signRecord(type, body, { kind: 'org', id: this.orgId }, this.org.secretKey);
  }

  publish(record: SignedRecord): void {
    this.log.push(record);
    for (const device of this.devices) {
      const verdict = device.directory.ingest(record);
      if (!verdict.ok)
        throw new Error(
          `device ${device.self.deviceId} refused ${record.type}: ${verdict.reason} ${verdict.detail ?? ''}`,
        );
    }
  }

  newDirectory(): Directory {
    const directory = new Directory({ orgPublicKey: this.org.publicKey, now: () => this.now });
    for (const record of this.log) directory.ingest(record);
    return directory;
  }

  addUser(name: string, role: 'admin' | 'member' = 'member'): string {
    const userId = newId('usr');
    this.publish(
      this.orgSign('user', {
        orgId: this.orgId,
        userId,
        displayName: name,
        role,
        ward: null,
        active: true,
        issuedAt: this.now,
      }),
    );
    return userId;
  }

  /** Admin creates a registration code; returns it with the signed enrolment record (published). */
  createEnrolment(userId: string, validForMs = 7 * 86_400_000): { code: string; enrolmentId: string } {
    const code = generateRegistrationCode();
    const derived = deriveEnrolmentKeys(code);
    if (!derived.ok) throw new Error('fresh code did not check');
    const { enrolmentId, publicKey } = derived.keys;
    this.publish(
      this.orgSign('enrolment', {
        orgId: this.orgId,
        userId,
        enrolmentId,
        enrolmentPublicKey: toBase64Url(publicKey),
        expiresAt: this.now + validForMs,
        issuedAt: this.now,
      }),
    );
    return { code, enrolmentId };
  }

  /** The new device: keys, certificate signed with the key derived from the typed code. */
  deviceCertificate(
    userId: string,
    typedCode: string,
    expiresAt: number | null = null,
  ): { record: SignedRecord<'device'>; keys: ReturnType<typeof generateDeviceKeys> } {
    const derived = deriveEnrolmentKeys(typedCode);
    if (!derived.ok) throw new Error(`code rejected: ${derived.problem}`);
    const keys = generateDeviceKeys();
    const deviceId = newId('dev');
    const record = signRecord(
      'device',
      {
        orgId: this.orgId,
        userId,
        deviceId,
        signingPublicKey: toBase64Url(keys.signing.publicKey),
        boxPublicKey: toBase64Url(keys.box.publicKey),
        label: 'Stationsrechner',
        enrolmentId: derived.keys.enrolmentId,
        issuedAt: this.now,
        expiresAt,
      },
      { kind: 'enrolment', id: derived.keys.enrolmentId },
      derived.keys.secretKey,
    );
    return { record, keys };
  }

  /** A device enrolled with a fresh registration code; `expiresAt` bounds its certificate. */
  addDevice(userId: string, options: { expiresAt?: number | null } = {}): TestDevice {
    const { code } = this.createEnrolment(userId);
    const { record, keys } = this.deviceCertificate(userId, code, options.expiresAt ?? null);
    this.publish(record);
    const directory = this.newDirectory();
    const store = new MemorySenderKeyStore();
    const self: SelfDevice = {
      deviceId: record.body.deviceId,
      userId,
      signingKey: keys.signing.secretKey,
      boxKey: keys.box.secretKey,
    };
    const device: TestDevice = {
      self,
      directory,
      keys: store,
      record,
      crypto: new ChannelCrypto({ directory, self, keys: store, now: () => this.now }),
    };
    this.devices.push(device);
    return device;
  }

  /** A roster change signed by a device of a channel admin (or the org key when `byOrg`). */
  setRoster(
    channelId: string,
    members: Array<{ userId: string; role: 'admin' | 'member' }>,
    signer: TestDevice | 'org',
    historyForNewMembers = false,
  ): SignedRecord<'roster'> {
    const previous = [...this.log]
      .reverse()
      .find(
        (r): r is SignedRecord<'roster'> =>
          r.type === 'roster' && (r.body as RecordBody<'roster'>).channelId === channelId,
      );
    const body: RecordBody<'roster'> = {
      orgId: this.orgId,
      channelId,
      epoch: previous ? previous.body.epoch + 1 : 1,
      prevHash: previous ? recordHash(previous) : null,
      kind: 'conversation',
      members,
      historyForNewMembers,
      issuedAt: this.now,
    };
    const record =
      signer === 'org'
        ? this.orgSign('roster', body)
        : signRecord('roster', body, { kind: 'device', id: signer.self.deviceId }, signer.self.signingKey);
    this.publish(record);
    return record;
  }

  /** Delivers key shares to their recipients (as the relay's device mailboxes would). */
  deliver(shares: Array<{ recipientDeviceId: string; envelope: Uint8Array }>): void {
    for (const share of shares) {
      const device = this.devices.find((d) => d.self.deviceId === share.recipientDeviceId);
      if (!device) continue;
      const accepted = device.crypto.acceptKeyShare(share.envelope);
      if (!accepted.ok) throw new Error(`share refused: ${accepted.reason}`);
    }
  }
}

/**
 * What a refused envelope or share must leave untouched: every inbound chain of the channel on
 * that device (position, current key, skipped indices). Attack tests compare it before and after.
 */
export function chainState(device: TestDevice, channelId: string) {
  return device.keys
    .chainsOf(channelId)
    .map((c) => ({
      chain: `${c.senderDeviceId}|${c.epoch}|${c.generation}`,
      nextIndex: c.nextIndex,
      chainKey: toBase64Url(c.chainKey),
      skipped: [...c.skipped.keys()].sort((a, b) => a - b),
    }))
    .sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));
}

export const eventId = () => crypto.getRandomValues(new Uint8Array(16));
export const text = (s: string) => new TextEncoder().encode(s);
export const read = (b: Uint8Array) => new TextDecoder().decode(b);

/** The identity of an admin device in this world (holding the org key), as account/admin.ts signs with it. */
export function adminIdentity(world: World, userId: string, deviceId: string, keys = generateDeviceKeys()): Identity {
  return {
    v: 1,
    orgId: world.orgId,
    orgName: 'Klinikum Nord',
    orgPublicKey: toBase64Url(world.org.publicKey),
    relayUrl: 'ws://127.0.0.1:1',
    userId,
    deviceId,
    signingSecret: toBase64Url(keys.signing.secretKey),
    boxSecret: toBase64Url(keys.box.secretKey),
    orgSecret: toBase64Url(world.org.secretKey),
    certificate: {},
    certificateUploaded: true,
  };
}

/**
 * The usual cast: Anna (channel admin), Ben and Cara with one device each, and one channel whose
 * roster Anna signs; Cara is in it unless `caraInChannel` is false (she joins later in the test).
 */
export async function wardChannel(options: { caraInChannel?: boolean } = {}) {
  const world = await World.create();
  const annaId = world.addUser('Anna Berger', 'admin');
  const benId = world.addUser('Ben Öztürk');
  const caraId = world.addUser('Cara Schmidt');
  const anna = world.addDevice(annaId);
  const ben = world.addDevice(benId);
  const cara = world.addDevice(caraId);
  const channelId = newId('chn');
  const members = [
    { userId: annaId, role: 'admin' as const },
    { userId: benId, role: 'member' as const },
    ...(options.caraInChannel === false ? [] : [{ userId: caraId, role: 'member' as const }]),
  ];
  world.setRoster(channelId, members, anna);
  return { world, anna, ben, cara, channelId };
}
