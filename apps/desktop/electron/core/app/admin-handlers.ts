// IPC handlers for the first administration methods: add a user, make a registration key, list
// and revoke devices (the rest is in parts/org-admin-handlers.ts). The org key signs every change;
// a device without it, or a user who is not an admin, gets `not_permitted` whatever the UI shows.
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import type { HandlerContext } from './handler-context.ts';
import { TransportError } from '../transport/transport.ts';
import { makeRegistration, NotAdminError, signDeviceRevocation, signUser, signWipe } from '../account/admin.ts';
import type { ProfileRuntime } from './profile-runtime.ts';
import type { RegistrationLetter } from '@klinikfunk/protocol/api/features/users-admin.ts';
import type { SessionService } from './session-service.ts';

/**
 * The visible profile, if it is an admin device: its user is an active admin in the signed
 * directory and the device holds the organisation key. A demoted admin's device still holds the
 * key, but the app no longer signs with it (see docs/security.md for what that does and does not
 * protect).
 */
export function requireAdminRuntime(sessions: SessionService): ProfileRuntime {
  const runtime = sessions.visible();
  if (!runtime.identity.orgSecret)
    throw new AppError('not_permitted', 'Only admin devices holding the organisation key can do this.');
  const me = runtime.client.directory.users.get(runtime.identity.userId)?.body;
  if (!me || me.role !== 'admin' || !me.active)
    throw new AppError('not_permitted', 'Your user is not an active admin in the organisation directory.');
  return runtime;
}

/** Uploads an org-signed record; the relay verifies it like every client does. */
export async function publishAdminRecord(runtime: ProfileRuntime, record: { type: string }): Promise<void> {
  // Just signed in or a reconnect under way: give the connection a few seconds before refusing.
  if (runtime.transport.state() !== 'online') {
    await Promise.race([runtime.transport.connect().catch(() => {}), new Promise((r) => setTimeout(r, 5_000))]);
  }
  try {
    await runtime.client.publishRecord(record);
  } catch (error) {
    if (error instanceof TransportError) {
      if (error.code === 'record_rejected')
        throw new AppError('not_permitted', `The relay refused the record: ${error.message}`);
      throw new AppError('relay_unreachable', `The relay did not take the record: ${error.message}`);
    }
    if (error instanceof NotAdminError) throw new AppError('not_permitted', error.message);
    throw error;
  }
}

export function adminHandlers(
  ctx: HandlerContext,
): Pick<Handlers, 'admin.addUser' | 'admin.createRegistrationKey' | 'admin.revokeDevice'> {
  const { sessions, clock } = ctx;
  const adminRuntime = () => requireAdminRuntime(sessions);
  const publish = publishAdminRecord;

  return {
    'admin.addUser': async ({ displayName, role, ward }) => {
      const runtime = adminRuntime();
      const record = signUser(runtime.identity, { displayName, role, ward, now: clock.now() });
      await publish(runtime, record);
      return { userId: record.body.userId };
    },

    'admin.createRegistrationKey': async ({ userId }) => {
      const runtime = adminRuntime();
      const user = await runtime.profile.store.directory.user(userId);
      if (!user?.active) throw new AppError('not_found', 'No active user with this id.');
      const { code, record } = makeRegistration(runtime.identity, userId, clock.now());
      await publish(runtime, record);
      return registrationLetter(runtime, user.displayName, code, record.body);
    },

    'admin.revokeDevice': async ({ deviceId, wipe, reason }) => {
      const runtime = adminRuntime();
      if (deviceId === runtime.identity.deviceId)
        throw new AppError('not_permitted', 'This device cannot revoke itself.');
      const known = await runtime.profile.store.directory.device(deviceId);
      if (!known) throw new AppError('not_found', 'No such device.');
      // The wipe order goes first: the relay hands it to the device only while it still proves its key.
      if (wipe) await publish(runtime, signWipe(runtime.identity, deviceId, clock.now()));
      if (!known.revoked) await publish(runtime, signDeviceRevocation(runtime.identity, deviceId, reason, clock.now()));
      return { done: true as const };
    },
  };
}

/** What the printed letter shows, whether an admin or a delegated key issued the registration. */
export function registrationLetter(
  runtime: ProfileRuntime,
  displayName: string,
  registrationKey: string,
  body: { userId: string; expiresAt: number },
): RegistrationLetter {
  return {
    userId: body.userId,
    displayName,
    orgName: runtime.identity.orgName,
    relayUrl: runtime.identity.relayUrl,
    registrationKey,
    expiresAt: body.expiresAt,
  };
}
