// After a relay restore, DirectorySync.afterRestore gives the relay back the records it lacks. The
// new incarnation and a directory refresh may both start it: two runs side by side uploaded every
// record twice and spent the device's record tokens twice. A quota refusal skips one record; a
// rate limit ends the run, which stays pending.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectorySync } from '../../../apps/desktop/electron/core/client/directory-sync.ts';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { TransportError } from '../../../apps/desktop/electron/core/transport/transport.ts';
import { TestOrg } from '../../harness/relay.ts';
import { randomKey, tempDir } from '../store/helpers.ts';

async function held() {
  const org = await TestOrg.create();
  org.addDevice(org.addUser('Anna'));
  org.addDevice(org.addUser('Ben'));
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  const sync = new DirectorySync(
    new Directory({ orgPublicKey: org.org.publicKey }),
    store,
    createMemoryLogger().logger,
  );
  for (const record of org.records) expect(await sync.ingest(record)).toBe(true);
  return { org, store, sync };
}

/** A restored relay that holds nothing; each upload takes a turn of the event loop. */
function emptyRelay(refuse: (n: number) => TransportError | null = () => null) {
  const uploads: unknown[] = [];
  return {
    uploads,
    getRecords: async () => ({ records: [] }),
    putRecord: async (record: Record<string, unknown>) => {
      await new Promise((r) => setTimeout(r, 1));
      const refusal = refuse(uploads.length);
      uploads.push(record);
      if (refusal) throw refusal;
    },
  };
}

describe('giving the directory back to a restored relay', () => {
  it('two requests at once run once: every record is uploaded a single time', async () => {
    const { org, sync } = await held();
    const relay = emptyRelay();
    const [first, second] = await Promise.all([sync.afterRestore(relay), sync.afterRestore(relay)]);
    expect(first).toEqual({ uploaded: org.records.length });
    expect(second).toBe(first);
    expect(relay.uploads).toHaveLength(org.records.length);
    expect(await sync.restorePending()).toBe(false);
  });

  it('a record refused over a quota is skipped and the rest goes back; a rate limit ends the run and leaves it pending', async () => {
    const { org, sync } = await held();
    const quota = emptyRelay((n) => (n === 1 ? new TransportError('quota_exceeded', 'channels per day') : null));
    expect(await sync.afterRestore(quota)).toEqual({ uploaded: org.records.length - 1 });
    expect(await sync.restorePending()).toBe(false);

    const limited = emptyRelay((n) => (n === 2 ? new TransportError('rate_limited', 'record bucket empty') : null));
    await expect(sync.afterRestore(limited)).rejects.toMatchObject({ code: 'rate_limited' });
    expect(await sync.restorePending()).toBe(true);
    // The next run (a minute later, or at the next refresh) starts over and completes.
    expect(await sync.afterRestore(emptyRelay())).toEqual({ uploaded: org.records.length });
    expect(await sync.restorePending()).toBe(false);
  });
});
