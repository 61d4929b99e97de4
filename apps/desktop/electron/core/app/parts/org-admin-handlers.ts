// IPC handlers of the admin screens (issue 9) (packages/protocol/api/features/users-admin.ts, devices-admin.ts,
// channels-admin.ts, org-settings.ts, audit.ts, org-key.ts).
// Reads come from the verified local directory (the crypto Directory and its projection in the
// store); every change is an org-signed record uploaded to the relay, which verifies it as every
// client does. Access: requireAdminRuntime (active admin in the directory + org key on this device).
import type { AUDIT_METHOD_NAMES } from '@klinikfunk/protocol/api/features/audit-names.ts';
import type { CHANNELS_ADMIN_METHOD_NAMES } from '@klinikfunk/protocol/api/features/channels-admin-names.ts';
import type { DEVICES_ADMIN_METHOD_NAMES } from '@klinikfunk/protocol/api/features/devices-admin-names.ts';
import type { ORG_SETTINGS_METHOD_NAMES } from '@klinikfunk/protocol/api/features/org-settings-names.ts';
import type { USERS_ADMIN_METHOD_NAMES } from '@klinikfunk/protocol/api/features/users-admin-names.ts';
import type { AdminUser } from '@klinikfunk/protocol/api/features/users-admin.ts';
import type { OrgSettingsView } from '@klinikfunk/protocol/api/features/org-settings.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import { signEnrolmentRevocation, signOrgSettings, signUserUpdate } from '../../account/admin.ts';
import { auditCsv } from '../../account/audit-csv.ts';
import { auditEntries } from '../../account/audit.ts';
import { orgSecretOf } from '../../account/identity.ts';
import { backupFileName, exportOrgKeyBackup, openOrgKeyBackup } from '../../account/org-key-backup.ts';
import { effectiveOrgSettings } from '../../account/org-settings.ts';
import { wipe } from '@klinikfunk/crypto/keys.ts';
import { ALL_POLICIES } from '../../policy/definitions.ts';
import { publishAdminRecord, requireAdminRuntime } from '../admin-handlers.ts';
import { devicePresence } from '../device-presence.ts';
import type { HandlerContext } from '../handler-context.ts';
import type { ProfileRuntime } from '../profile-runtime.ts';
import { redactProxy } from '../../net/proxy-choice.ts';

/** Adding users, registration letters and revoking devices are in ../admin-handlers.ts, the org key's rotation and shares in delegation-handlers.ts. */
type Names =
  | Exclude<(typeof USERS_ADMIN_METHOD_NAMES)[number], 'admin.addUser' | 'admin.createRegistrationKey'>
  | Exclude<(typeof DEVICES_ADMIN_METHOD_NAMES)[number], 'admin.revokeDevice'>
  | (typeof CHANNELS_ADMIN_METHOD_NAMES)[number]
  | (typeof ORG_SETTINGS_METHOD_NAMES)[number]
  | (typeof AUDIT_METHOD_NAMES)[number]
  | 'admin.exportOrgKey'
  | 'admin.importOrgKey';

const done = { done: true as const };

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

function settingsView(ctx: HandlerContext, runtime: ProfileRuntime): OrgSettingsView {
  const record = runtime.client.directory.orgSettings;
  const { org, effective, overriddenByPolicy, issuedAt, issuedBy } = effectiveOrgSettings(ctx.policy, record);
  const issuedByName = issuedBy ? (runtime.client.directory.users.get(issuedBy)?.body.displayName ?? issuedBy) : null;
  return { org, effective, overriddenByPolicy, issuedAt, issuedByName };
}

const policyText = (value: unknown): string =>
  Array.isArray(value) ? value.join(', ') : value === null ? '' : String(value);

export function orgAdminHandlers(ctx: HandlerContext): Pick<Handlers, Names> {
  const { sessions, clock } = ctx;
  const admin = () => requireAdminRuntime(sessions);

  return {
    'admin.users': () => usersView(admin()),

    'admin.updateUser': async ({ userId, ...change }) => {
      const runtime = admin();
      const previous = runtime.client.directory.users.get(userId)?.body;
      if (!previous) throw new AppError('not_found', 'No user with this id.');
      if (
        userId === runtime.identity.userId &&
        ((change.role && change.role !== previous.role) || change.active === false)
      ) {
        throw new AppError('not_permitted', 'Your own role and account are changed by another admin.');
      }
      const record = signUserUpdate(runtime.identity, previous, change, clock.now());
      await publishAdminRecord(runtime, record);
      const view = usersView(runtime).find((u) => u.userId === userId);
      if (!view) throw new AppError('internal', 'user vanished after the update');
      return view;
    },

    'admin.registrationKeys': () => {
      const runtime = admin();
      const dir = runtime.client.directory;
      const now = clock.now();
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
    },

    'admin.revokeRegistrationKey': async ({ enrolmentId, reason }) => {
      const runtime = admin();
      const dir = runtime.client.directory;
      const enrolment = dir.enrolments.get(enrolmentId);
      if (!enrolment || dir.usedEnrolments.has(enrolmentId) || dir.revokedEnrolments.has(enrolmentId))
        throw new AppError('not_found', 'No open registration key with this id.');
      await publishAdminRecord(runtime, signEnrolmentRevocation(runtime.identity, enrolmentId, reason, clock.now()));
      return done;
    },

    'admin.deviceList': async () => {
      const runtime = admin();
      // Asked first: the relay's answer is the only part that can take time.
      const presence = await devicePresence(runtime.transport);
      if (!presence.ok) ctx.log.info('device presence unknown', { reason: presence.reason });
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
    },

    'admin.channels': async () => {
      const runtime = admin();
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
    },

    'admin.setOrgSettings': async (values) => {
      const runtime = admin();
      const previous = runtime.client.directory.orgSettings?.body.issuedAt ?? null;
      await publishAdminRecord(runtime, signOrgSettings(runtime.identity, values, previous, clock.now()));
      return settingsView(ctx, runtime);
    },

    'admin.auditLog': () => auditEntries(admin().profile.store),

    'admin.exportAuditCsv': async ({ language }) => {
      const runtime = admin();
      const csv = auditCsv(await auditEntries(runtime.profile.store), language);
      const fileName = `klinikfunk-protokoll-${new Date(clock.now()).toISOString().slice(0, 10)}.csv`;
      ctx.log.info('audit log exported', { entries: csv.split('\r\n').length - 2 });
      return { fileName, csv };
    },

    'admin.exportOrgKey': ({ passphrase }) => {
      const runtime = admin();
      const secret = orgSecretOf(runtime.identity)!;
      try {
        const now = clock.now();
        const backup = exportOrgKeyBackup({
          orgId: runtime.identity.orgId,
          orgName: runtime.identity.orgName,
          // The current key after rotations (the identity keeps the first: the org id's).
          orgPublicKey: runtime.client.directory.orgPublicKey,
          orgSecret: secret,
          passphrase,
          now,
        });
        ctx.log.warn('organisation key exported as a passphrase-protected backup', {
          device: runtime.identity.deviceId,
        });
        return {
          fileName: backupFileName(runtime.identity.orgName, now),
          content: `${JSON.stringify(backup, null, 2)}\n`,
        };
      } finally {
        wipe(secret);
      }
    },

    'admin.importOrgKey': async ({ content, passphrase }) => {
      const runtime = sessions.visible();
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
        ctx.log.warn('organisation key import refused', { reason: opened.reason });
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
      ctx.log.warn('organisation key imported; this device is now an admin device', {
        device: runtime.identity.deviceId,
      });
      return done;
    },

    'org.settings': () => settingsView(ctx, sessions.visible()),

    'policy.managed': () => {
      const { policy } = ctx;
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
    },
  };
}
