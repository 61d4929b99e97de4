// What every administration service shares: who may administer from this device, how a signed
// record reaches the relay, and what a registration letter shows. The org key signs every change;
// a device without it, or a user who is not an admin, gets `not_permitted` whatever the UI shows.
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { TransportError } from '../../transport/transport.ts';
import { NotAdminError } from '../../account/admin.ts';
import type { ProfileRuntime } from '../profile-runtime.ts';
import type { RegistrationLetter } from '@klinikfunk/protocol/api/features/users-admin.ts';
import type { SessionService } from '../session-service.ts';

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
