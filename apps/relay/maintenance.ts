// The relay's hourly maintenance (also on demand: Relay.gcBlobs): retention of events and mailbox
// items when configured, expiry of old mail and of finished escalations, then the blob GC. Returns the blob hashes removed.
import type { RelayLimits } from './limits.ts';
import type { RelayLog } from './log.ts';
import type { RelayStore } from './store/store.ts';

export async function runMaintenance(
  store: RelayStore,
  log: RelayLog,
  limits: RelayLimits,
  retentionMs: number | undefined,
  clock: () => number = Date.now,
): Promise<string[]> {
  const now = Date.now();
  if (retentionMs) {
    const expired = await store.expire(now - retentionMs);
    if (expired.events + expired.mail > 0) log.info('retention', expired);
  }
  const mail = await store.mailExpire(now - limits.mailMaxAgeMs);
  if (mail > 0) log.info('mail expired', { mail });
  // Stopped or fully released escalations are kept as long as mail, then their token hash goes.
  const escalations = await store.escalations.expire(clock() - limits.mailMaxAgeMs);
  if (escalations > 0) log.info('escalations expired', { escalations });
  const removed = await store.blobGc(now - limits.blobGraceMs, now - limits.incompleteBlobMaxAgeMs);
  if (removed.length > 0) log.info('blob gc', { removed: removed.length });
  return removed;
}
