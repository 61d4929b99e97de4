// IPC adapter of the API part for organisation administration (issue 9)
// (packages/protocol/api/features/users-admin.ts, devices-admin.ts, channels-admin.ts, org-settings.ts, audit.ts, org-key.ts): access is checked first (requireAdminRuntime:
// active admin in the directory + org key on this device), then the call goes to the profile's
// OrgAdminService (admin/org-admin-service.ts).
import type { AUDIT_METHOD_NAMES } from '@klinikfunk/protocol/api/features/audit-names.ts';
import type { CHANNELS_ADMIN_METHOD_NAMES } from '@klinikfunk/protocol/api/features/channels-admin-names.ts';
import type { DEVICES_ADMIN_METHOD_NAMES } from '@klinikfunk/protocol/api/features/devices-admin-names.ts';
import type { ORG_SETTINGS_METHOD_NAMES } from '@klinikfunk/protocol/api/features/org-settings-names.ts';
import type { USERS_ADMIN_METHOD_NAMES } from '@klinikfunk/protocol/api/features/users-admin-names.ts';
import type { Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import { requireAdminRuntime } from '../admin/admin-records.ts';
import { managedPolicies, orgAdminService } from '../admin/org-admin-service.ts';
import type { HandlerContext } from '../handler-context.ts';
import type { ProfileRuntime } from '../profile-runtime.ts';

/** The org key's rotation and shares are in delegation-handlers.ts. */
type Names =
  | (typeof USERS_ADMIN_METHOD_NAMES)[number]
  | (typeof DEVICES_ADMIN_METHOD_NAMES)[number]
  | (typeof CHANNELS_ADMIN_METHOD_NAMES)[number]
  | (typeof ORG_SETTINGS_METHOD_NAMES)[number]
  | (typeof AUDIT_METHOD_NAMES)[number]
  | 'admin.exportOrgKey'
  | 'admin.importOrgKey';

const done = { done: true as const };

export function orgAdminHandlers(ctx: HandlerContext): Pick<Handlers, Names> {
  const deps = { clock: ctx.clock, log: ctx.log, policy: ctx.policy };
  const service = (runtime: ProfileRuntime) => orgAdminService(runtime, deps);
  const admin = () => service(requireAdminRuntime(ctx.sessions));
  const visible = () => service(ctx.sessions.visible());

  return {
    'admin.users': () => admin().users(),
    'admin.addUser': (input) => admin().addUser(input),
    'admin.createRegistrationKey': ({ userId }) => admin().createRegistrationKey(userId),
    'admin.revokeDevice': async (input) => {
      await admin().revokeDevice(input);
      return done;
    },
    'admin.updateUser': (input) => admin().updateUser(input),
    'admin.registrationKeys': () => admin().registrationKeys(),
    'admin.revokeRegistrationKey': async ({ enrolmentId, reason }) => {
      await admin().revokeRegistrationKey(enrolmentId, reason);
      return done;
    },
    'admin.deviceList': () => admin().deviceList(),
    'admin.channels': () => admin().channels(),
    'admin.setOrgSettings': (values) => admin().setOrgSettings(values),
    'admin.auditLog': () => admin().auditLog(),
    'admin.exportAuditCsv': ({ language }) => admin().exportAuditCsv(language),
    'admin.exportOrgKey': ({ passphrase }) => admin().exportOrgKey(passphrase),
    'admin.importOrgKey': async ({ content, passphrase }) => {
      await visible().importOrgKey(content, passphrase);
      return done;
    },
    'org.settings': () => visible().settings(),
    'policy.managed': () => managedPolicies(ctx.policy),
  };
}
