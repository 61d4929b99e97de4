// Organisation administration for one signed-in admin profile (issue 9): users, registration keys,
// devices, channels, settings, the audit log and the organisation key's backup. Reads come from the
// verified local directory (the crypto Directory and its projection in the store); every change is
// an org-signed record uploaded to the relay, which verifies it as every client does. The IPC
// adapter (parts/org-admin-handlers.ts) checks access first (requireAdminRuntime) and hands each
// call here.
import type { AdminUser } from '@klinikfunk/protocol/api/features/users-admin.ts';
import type { OrgSettingsView } from '@klinikfunk/protocol/api/features/org-settings.ts';
import type { MethodOutput, MethodParsedInput } from '@klinikfunk/protocol/api/contract.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import {
  makeRegistration,
  signDeviceRevocation,
  signEnrolmentRevocation,
  signOrgSettings,
  signUser,
  signUserUpdate,
  signWipe,
} from '../../account/admin.ts';
import { auditCsv } from '../../account/audit-csv.ts';
import { auditEntries } from '../../account/audit.ts';
import { orgSecretOf } from '../../account/identity.ts';
import { backupFileName, exportOrgKeyBackup, openOrgKeyBackup } from '../../account/org-key-backup.ts';
import { effectiveOrgSettings } from '../../account/org-settings.ts';
import { wipe } from '@klinikfunk/crypto/keys.ts';
import type { Clock } from '../../clock/clock.ts';
import type { Logger } from '../../log/logger.ts';
import { ALL_POLICIES } from '../../policy/definitions.ts';
import type { EffectivePolicy } from '../../policy/resolve.ts';
import { publishAdminRecord, registrationLetter } from './admin-records.ts';
import { devicePresence } from '../device-presence.ts';
import type { ProfileRuntime } from '../profile-runtime.ts';
import { serviceKey } from '../profile-services.ts';
import { redactProxy } from '../../net/proxy-choice.ts';

function usersView(runtime: ProfileRuntime): AdminUser[] {
  const dir = runtime.client.directory;
  const counts = new Map<string, { all: number; active: number }>();
  for (const [deviceId, entry] of dir.devices) {
    const c = counts.get(entry.record.body.userId) ?? { all: 0, active: 0 };
    c.all++;
    if (!dir.revokedDevices.has(deviceId)) c.active++;
    counts.set(entry.record.body.userId, c);
  }
  return [...dir.users.values()]
    .map(({ body }) => ({
      userId: body.userId,
      displayName: body.displayName,
      role: body.role,
      ward: body.ward,
      active: body.active && !dir.revokedUsers.has(body.userId),
      deviceCount: counts.get(body.userId)?.all ?? 0,
      activeDeviceCount: counts.get(body.userId)?.active ?? 0,
      self: body.userId === runtime.identity.userId,
      changedAt: body.issuedAt,
    }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName, 'de'));
}

function settingsView(policy: EffectivePolicy, runtime: ProfileRuntime): OrgSettingsView {
  const record = runtime.client.directory.orgSettings;
  const { org, effective, overriddenByPolicy, issuedAt, issuedBy } = effectiveOrgSettings(policy, record);
  const issuedByName = issuedBy ? (runtime.client.directory.users.get(issuedBy)?.body.displayName ?? issuedBy) : null;
  return { org, effective, overriddenByPolicy, issuedAt, issuedByName };
}

const policyText = (value: unknown): string =>
  Array.isArray(value) ? value.join(', ') : value === null ? '' : String(value);

export interface OrgAdminDeps {
  clock: Clock;
  log: Logger;
  policy: EffectivePolicy;
}

export class OrgAdminService {
  readonly #runtime: ProfileRuntime;
  readonly #deps: OrgAdminDeps;
  constructor(runtime: ProfileRuntime, deps: OrgAdminDeps) {
    this.#runtime = runtime;
    this.#deps = deps;
  }

  users(): AdminUser[] {
    return usersView(this.#runtime);
  }

  async updateUser({ userId, ...change }: MethodParsedInput<'admin.updateUser'>) {
    const runtime = this.#runtime;
    const previous = runtime.client.directory.users.get(userId)?.body;
    if (!previous) throw new AppError('not_found', 'No user with this id.');
    if (
      userId === runtime.identity.userId &&
      ((change.role && change.role !== previous.role) || change.active === false)
    ) {
      throw new AppError('not_permitted', 'Your own role and account are changed by another admin.');
    }
    const record = signUserUpdate(runtime.identity, previous, change, this.#deps.clock.now());
    await publishAdminRecord(runtime, record);
    const view = usersView(runtime).find((u) => u.userId === userId);
    if (!view) throw new AppError('internal', 'user vanished after the update');
    return view;
  }

  async addUser({ displayName, role, ward }: MethodParsedInput<'admin.addUser'>) {
    const record = signUser(this.#runtime.identity, { displayName, role, ward, now: this.#deps.clock.now() });
    await publishAdminRecord(this.#runtime, record);
    return { userId: record.body.userId };
  }

  async createRegistrationKey(userId: string) {
    const runtime = this.#runtime;
    const user = await runtime.profile.store.directory.user(userId);
    if (!user?.active) throw new AppError('not_found', 'No active user with this id.');
    const { code, record } = makeRegistration(runtime.identity, userId, this.#deps.clock.now());
    await publishAdminRecord(runtime, record);
    return registrationLetter(runtime, user.displayName, code, record.body);
  }

  async revokeDevice({ deviceId, wipe, reason }: MethodParsedInput<'admin.revokeDevice'>): Promise<void> {
    const runtime = this.#runtime;
    if (deviceId === runtime.identity.deviceId)
      throw new AppError('not_permitted', 'This device cannot revoke itself.');
    const known = await runtime.profile.store.directory.device(deviceId);
    if (!known) throw new AppError('not_found', 'No such device.');
    const now = () => this.#deps.clock.now();
    // The wipe order goes first: the relay hands it to the device only while it still proves its key.
    if (wipe) await publishAdminRecord(runtime, signWipe(runtime.identity, deviceId, now()));
    if (!known.revoked)
      await publishAdminRecord(runtime, signDeviceRevocation(runtime.identity, deviceId, reason, now()));
  }

  registrationKeys() {
    const runtime = this.#runtime;
    const dir = runtime.client.directory;
    const now = this.#deps.clock.now();
    return [...dir.enrolments.values()]
      .filter(
        ({ body }) =>
          !dir.usedEnrolments.has(body.enrolmentId) &&
          !dir.revokedEnrolments.has(body.enrolmentId) &&
          body.expiresAt > now,
      )
      .map(({ body }) => ({
        enrolmentId: body.enrolmentId,
        userId: body.userId,
        userName: dir.users.get(body.userId)?.body.displayName ?? '?',
        issuedAt: body.issuedAt,
        expiresAt: body.expiresAt,
      }))
      .sort((a, b) => b.issuedAt - a.issuedAt);
  }

  async revokeRegistrationKey(enrolmentId: string, reason: string): Promise<void> {
    const runtime = this.#runtime;
    const dir = runtime.client.directory;
    const enrolment = dir.enrolments.get(enrolmentId);
    if (!enrolment || dir.usedEnrolments.has(enrolmentId) || dir.revokedEnrolments.has(enrolmentId))
      throw new AppError('not_found', 'No open registration key with this id.');
    await publishAdminRecord(
      runtime,
      signEnrolmentRevocation(runtime.identity, enrolmentId, reason, this.#deps.clock.now()),
    );
  }

  async deviceList() {
    const runtime = this.#runtime;
    // Asked first: the relay's answer is the only part that can take time.
    const presence = await devicePresence(runtime.transport);
    if (!presence.ok) this.#deps.log.info('device presence unknown', { reason: presence.reason });
    const dir = runtime.client.directory;
    const revokedAt = new Map<string, number>();
    const wipedAt = new Map<string, number>();
    const rows = await runtime.profile.store.directory.records(['revocation', 'wipe']);
    for (const row of rows) {
      const body = (JSON.parse(row.record) as { body: Record<string, unknown> }).body;
      if (row.type === 'wipe') wipedAt.set(String(body.targetDeviceId), Number(body.issuedAt));
      else if ((body.target as { kind: string }).kind === 'device')
        revokedAt.set(String((body.target as { deviceId: string }).deviceId), Number(body.revokedAt));
    }
    // Confirmations the Directory accepted only: signed by the wiped device for an order for it.
    const executedAt = new Map([...dir.wipesDone.values()].map((r) => [r.body.deviceId, r.body.executedAt]));
    return [...dir.devices.values()]
      .map(({ record: { body } }) => ({
        deviceId: body.deviceId,
        userId: body.userId,
        userName: dir.users.get(body.userId)?.body.displayName ?? '?',
        label: body.label,
        certifiedAt: body.issuedAt,
        expiresAt: body.expiresAt,
        enrolled: body.enrolmentId !== null,
        revoked: dir.revokedDevices.has(body.deviceId),
        revokedAt: revokedAt.get(body.deviceId) ?? null,
        userActive: dir.users.get(body.userId)?.body.active === true && !dir.revokedUsers.has(body.userId),
        wipeOrderedAt: wipedAt.get(body.deviceId) ?? null,
        wipeExecutedAt: executedAt.get(body.deviceId) ?? null,
        own: body.deviceId === runtime.identity.deviceId,
        lastSeenAt: presence.ok ? (presence.seen.get(body.deviceId)?.lastSeenAt ?? null) : null,
        online: presence.ok ? (presence.seen.get(body.deviceId)?.online ?? false) : false,
        lastSeenKnown: presence.ok,
        appVersion: presence.ok ? (presence.seen.get(body.deviceId)?.appVersion ?? null) : null,
        protocol: presence.ok ? (presence.seen.get(body.deviceId)?.protocol ?? null) : null,
      }))
      .sort((a, b) => a.userName.localeCompare(b.userName, 'de') || a.label.localeCompare(b.label, 'de'));
  }

  async channels() {
    const runtime = this.#runtime;
    const dir = runtime.client.directory;
    // Counts only: no message body is read.
    const messageCounts = await runtime.profile.store.channels.messageCounts();
    const names = await runtime.profile.store.channels.names();
    const myUserId = runtime.identity.userId;
    return [...dir.rosters.entries()]
      .map(([channelId, state]) => {
        const member = state.current.members.some((m) => m.userId === myUserId);
        return {
          channelId,
          kind: state.current.kind,
          name: member && names.get(channelId) ? names.get(channelId)! : null,
          memberCount: state.current.members.length,
          adminCount: state.current.members.filter((m) => m.role === 'admin').length,
          messageCount: member ? (messageCounts.get(channelId) ?? 0) : null,
          epoch: state.current.epoch,
          createdAt: state.records[0]!.body.issuedAt,
          historyForNewMembers: state.current.historyForNewMembers,
        };
      })
      .sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff', 'de') || a.createdAt - b.createdAt);
  }

  async setOrgSettings(values: MethodParsedInput<'admin.setOrgSettings'>): Promise<OrgSettingsView> {
    const runtime = this.#runtime;
    const previous = runtime.client.directory.orgSettings?.body.issuedAt ?? null;
    await publishAdminRecord(runtime, signOrgSettings(runtime.identity, values, previous, this.#deps.clock.now()));
    return settingsView(this.#deps.policy, runtime);
  }

  auditLog() {
    return auditEntries(this.#runtime.profile.store);
  }

  async exportAuditCsv(language: MethodParsedInput<'admin.exportAuditCsv'>['language']) {
    const runtime = this.#runtime;
    const csv = auditCsv(await auditEntries(runtime.profile.store), language);
    const fileName = `klinikfunk-protokoll-${new Date(this.#deps.clock.now()).toISOString().slice(0, 10)}.csv`;
    this.#deps.log.info('audit log exported', { entries: csv.split('\r\n').length - 2 });
    return { fileName, csv };
  }

  exportOrgKey(passphrase: string) {
    const runtime = this.#runtime;
    const secret = orgSecretOf(runtime.identity)!;
    try {
      const now = this.#deps.clock.now();
      const backup = exportOrgKeyBackup({
        orgId: runtime.identity.orgId,
        orgName: runtime.identity.orgName,
        // The current key after rotations (the identity keeps the first: the org id's).
        orgPublicKey: runtime.client.directory.orgPublicKey,
        orgSecret: secret,
        passphrase,
        now,
      });
      this.#deps.log.warn('organisation key exported as a passphrase-protected backup', {
        device: runtime.identity.deviceId,
      });
      return {
        fileName: backupFileName(runtime.identity.orgName, now),
        content: `${JSON.stringify(backup, null, 2)}\n`,
      };
    } finally {
      wipe(secret);
    }
  }

  async importOrgKey(content: string, passphrase: string): Promise<void> {
    const runtime = this.#runtime;
    const me = runtime.client.directory.users.get(runtime.identity.userId)?.body;
    if (!me || me.role !== 'admin' || !me.active)
      throw new AppError(
        'not_permitted',
        'Only a user with the admin role may hold the organisation key; an admin must give you the role first.',
      );
    const opened = openOrgKeyBackup(content, passphrase, {
      orgId: runtime.identity.orgId,
      orgPublicKey: runtime.client.directory.orgPublicKey,
    });
    if (!opened.ok) {
      this.#deps.log.warn('organisation key import refused', { reason: opened.reason });
      if (opened.reason === 'wrong_passphrase')
        throw new AppError('wrong_passphrase', 'The passphrase does not open this backup.');
      if (opened.reason === 'wrong_org')
        throw new AppError('not_permitted', 'This backup belongs to another organisation.');
      throw new AppError('invalid_input', `The backup file cannot be read (${opened.reason}).`);
    }
    try {
      await runtime.adoptOrgKey(toBase64Url(opened.orgSecret));
    } finally {
      wipe(opened.orgSecret);
    }
    this.#deps.log.warn('organisation key imported; this device is now an admin device', {
      device: runtime.identity.deviceId,
    });
  }

  /** The organisation's settings in force here (any member may read them). */
  settings(): OrgSettingsView {
    return settingsView(this.#deps.policy, this.#runtime);
  }
}

const ORG_ADMIN = serviceKey<OrgAdminService>('org-admin');

/** The profile's administration service, made once per sign-in (it goes with the runtime). */
export function orgAdminService(runtime: ProfileRuntime, deps: OrgAdminDeps): OrgAdminService {
  return runtime.services.get(ORG_ADMIN, () => new OrgAdminService(runtime, deps));
}

/** The machine policies IT set on this workstation, with their source (any member may read them). */
export function managedPolicies(policy: EffectivePolicy): MethodOutput<'policy.managed'> {
  return ALL_POLICIES.flatMap((def) => {
    const source = policy.managedBy[def.key as keyof typeof policy.managedBy];
    if (!source) return [];
    const rejected = policy.problems.some(
      (p) => p.key === def.key && p.source === source && p.reason !== 'unknown_key',
    );
    return [
      {
        key: def.key,
        valueName: def.valueName,
        label: def.label,
        source,
        // The proxy's password stays in the policy: the view shows only that there is one.
        value:
          def.key === 'proxyServer' && policy.values.proxyServer
            ? redactProxy(policy.values.proxyServer)
            : policyText(policy.values[def.key as keyof typeof policy.values]),
        rejected,
      },
    ];
  });
}
