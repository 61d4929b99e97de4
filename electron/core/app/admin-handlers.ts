// IPC handlers for the minimal administration: add a user, make a registration key. The org key
// signs both; a device without it gets `not_permitted` whatever the UI shows.
import { AppError } from '../../../shared/api/result.ts';
import type { Handlers } from '../../ipc/router.ts';
import type { Clock } from '../clock/clock.ts';
import { TransportError } from '../transport/transport.ts';
import { makeRegistration, NotAdminError, signUser } from '../account/admin.ts';
import type { SessionService } from './session-service.ts';

export function adminHandlers(sessions: SessionService, clock: Clock): Pick<Handlers, 'admin.addUser' | 'admin.createRegistrationKey'> {
  const adminRuntime = () => {
    const runtime = sessions.visible();
    if (!runtime.identity.orgSecret) throw new AppError('not_permitted', 'Only admin devices holding the organisation key can do this.');
    return runtime;
  };
  const publish = async (runtime: ReturnType<typeof adminRuntime>, record: { type: string }) => {
    try {
      await runtime.client.publishRecord(record);
    } catch (error) {
      if (error instanceof TransportError) throw new AppError('relay_unreachable', `The relay did not take the record: ${error.message}`);
      if (error instanceof NotAdminError) throw new AppError('not_permitted', error.message);
      throw error;
    }
  };

  return {
    'admin.addUser': async ({ displayName, role, ward }) => {
      const runtime = adminRuntime();
      const record = signUser(runtime.identity, { displayName, role, ward, now: clock.now() });
      await publish(runtime, record);
      return { userId: record.body.userId };
    },

    'admin.createRegistrationKey': async ({ userId }) => {
      const runtime = adminRuntime();
      const user = runtime.profile.store.db.prepare('SELECT display_name, active FROM users WHERE user_id = ?').get(userId) as { display_name: string; active: number } | undefined;
      if (!user?.active) throw new AppError('not_found', 'No active user with this id.');
      const { code, record } = makeRegistration(runtime.identity, userId, clock.now());
      await publish(runtime, record);
      return {
        userId,
        displayName: user.display_name,
        orgName: runtime.identity.orgName,
        relayUrl: runtime.identity.relayUrl,
        registrationKey: code,
        expiresAt: record.body.expiresAt,
      };
    },
  };
}
