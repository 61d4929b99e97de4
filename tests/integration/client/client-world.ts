// Workstations for client integration tests: each one a MessagingClient with its own SQLCipher
// store and a real RelayTransport to a real relay on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessagingClient } from '../../../apps/desktop/electron/core/client/messaging-client.ts';
import { systemClock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import { asDbKey, type DbKey } from '@klinikfunk/crypto/keys.ts';
import { createLogger, createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import type { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import { deviceTransport, type TestDevice, type TestOrg } from '../../harness/relay.ts';

export interface Workstation {
  client: MessagingClient;
  store: ProfileStore;
  transport: RelayTransport;
  device: TestDevice;
  /** Stops client and transport and closes the store (the files stay). */
  shutdown(): Promise<void>;
}

export class ClientWorld {
  readonly dirs: string[] = [];
  readonly #keys = new Map<string, { path: string; key: DbKey }>();

  async workstation(
    org: TestOrg,
    url: string,
    device: TestDevice,
    options: { connect?: boolean } = {},
  ): Promise<Workstation> {
    let profile = this.#keys.get(device.deviceId);
    if (!profile) {
      const dir = mkdtempSync(join(tmpdir(), 'kf-client-'));
      this.dirs.push(dir);
      profile = { path: join(dir, 'store.db'), key: asDbKey(new Uint8Array(randomBytes(32))) };
      this.#keys.set(device.deviceId, profile);
    }
    const store = ProfileStore.open(profile.path, profile.key, { create: true });
    const transport = deviceTransport(url, device);
    const client = await MessagingClient.open({
      store,
      transport,
      self: {
        deviceId: device.deviceId,
        userId: device.userId,
        signingKey: device.keys.signing.secretKey,
        boxKey: device.keys.box.secretKey,
      },
      orgPublicKey: org.org.publicKey,
      clock: systemClock,
      log: process.env.KF_DEBUG
        ? createLogger(
            (r) =>
              console.error(device.deviceId.slice(-4), r.level, r.scope, r.message, JSON.stringify(r.fields ?? {})),
            'client',
            'debug',
          )
        : createMemoryLogger('warn').logger,
    });
    if (options.connect !== false) await transport.connect();
    await client.start();
    return {
      client,
      store,
      transport,
      device,
      async shutdown() {
        await client.stop();
        await transport.close();
        store.close();
      },
    };
  }

  dispose(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until `check` returns a truthy value (polling), or fails after `ms`. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  ms = 10_000,
  label = 'condition',
): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
