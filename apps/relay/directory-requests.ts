// Requests of an authenticated device about the signed directory: store a record (with the spam
// limits for records not signed by the organisation), read records after a position, and (admins)
// when devices were last online.
import type { ClientFrame } from '@klinikfunk/protocol/relay/frames.ts';
import type { RequestScope } from './connection-context.ts';
import { FrameError } from './frame-error.ts';
import type { DeviceIdentity } from './trust.ts';

export async function dirPut(scope: RequestScope, frame: Extract<ClientFrame, { t: 'dir_put' }>): Promise<void> {
  const { device } = scope;
  const { store, trust } = scope.ctx;
  const creates = await checkRecordLimits(scope, frame.record, device);
  const result = await trust.admit(frame.record);
  if (!result.ok) throw new FrameError('record_rejected', result.reason);
  if (creates && !result.duplicate) await store.noteChannelCreated(creates.creator, creates.channelId, Date.now());
  scope.log.info('record stored', {
    type: result.type,
    pos: result.pos,
    duplicate: result.duplicate,
    device: device.deviceId,
  });
  return scope.send({ t: 'ok', id: frame.id });
}

/**
 * Directory spam: a record not signed by the organisation costs a token of the device's record
 * bucket, and a first roster of a channel counts against its signer's channels per day. Returns
 * the channel and the device that made it when the record would create a channel.
 */
export async function checkRecordLimits(
  scope: RequestScope,
  record: Record<string, unknown>,
  device: DeviceIdentity,
): Promise<{ channelId: string; creator: string } | null> {
  const signer = record.signer as { kind?: unknown; id?: unknown } | undefined;
  if (signer?.kind === 'org') return null;
  if (scope.agent) {
    // The agent's own records come under an org-signed grant and a first sync stores thousands,
    // so its bucket is larger than a device's, but bounded: a stolen agent key cannot make every
    // device refetch without end. Anyone else's record (a device's new channel) is no business
    // of the agent, and would pass here uncounted against its signer.
    if (signer?.kind !== 'delegate' || signer.id !== device.deviceId)
      throw new FrameError('not_permitted', 'a directory agent stores records its delegation signed only');
    if (!scope.ctx.recordBucket(device.deviceId, true).take(1))
      throw new FrameError(
        'rate_limited',
        `more than ${scope.ctx.limits.agentRecordsPerMinute} directory records a minute from this directory agent; slow down`,
      );
    return null;
  }
  const { limits, store, trust } = scope.ctx;
  if (!scope.ctx.recordBucket(device.deviceId).take(1))
    throw new FrameError(
      'rate_limited',
      `more than ${limits.recordsPerMinute} directory records a minute from this device; slow down`,
    );
  const body = record.body as { channelId?: unknown; prevHash?: unknown } | undefined;
  if (record.type !== 'roster' || body?.prevHash !== null || typeof body.channelId !== 'string') return null;
  // The device that signed it made the channel: one that gives back another's roster (a relay
  // restored from a backup, client/directory-sync.ts afterRestore) made none, and uploading
  // through another device is no way round the signer's cap.
  const creator = signer?.kind === 'device' && typeof signer.id === 'string' ? signer.id : device.deviceId;
  const known = trust.checkDevice(creator);
  const creatorUser = known.ok ? known.device.userId : device.userId;
  // A retry of a creation (the channel exists and names its creator or this user) is no new channel.
  if (trust.isMember(body.channelId, creatorUser) || trust.isMember(body.channelId, device.userId)) return null;
  const created = await store.channelsCreatedSince(creator, Date.now() - 24 * 3600_000);
  if (created >= limits.channelsPerDevicePerDay)
    throw new FrameError(
      'quota_exceeded',
      `${creator === device.deviceId ? 'this device' : 'the device that signed this roster'} created ${created} channels in the last 24 hours (limit ${limits.channelsPerDevicePerDay}); try again tomorrow or ask IT`,
    );
  return { channelId: body.channelId, creator };
}

export async function devicesSeen(
  scope: RequestScope,
  frame: Extract<ClientFrame, { t: 'devices_seen' }>,
): Promise<void> {
  const { device } = scope;
  const { trust } = scope.ctx;
  // Admin role from the org-signed user record: the relay cannot be told otherwise.
  if (!trust.isAdmin(device.userId))
    throw new FrameError('not_permitted', 'only devices of an organisation admin may ask when devices were online');
  return scope.send({ t: 'devices_seen_result', id: frame.id, devices: await scope.ctx.devicesSeen() });
}

export async function dirGet(scope: RequestScope, frame: Extract<ClientFrame, { t: 'dir_get' }>): Promise<void> {
  const { store } = scope.ctx;
  const entries = await store.dirList(frame.after, frame.limit);
  return scope.send({
    t: 'dir_records',
    id: frame.id,
    records: entries.map((e) => ({ pos: e.pos, record: JSON.parse(e.json) as Record<string, unknown> })),
  });
}
