// Requests of an authenticated device about its channels: which heads moved (sync) and a page of
// a channel's events (fetch). Publishing is the connection's own (connection.ts), for its group commit.
import type { ClientFrame } from '@klinikfunk/protocol/relay/frames.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { DeviceIdentity } from './trust.ts';
import type { RequestScope } from './connection-context.ts';
import { FrameError } from './frame-error.ts';

export function requireMember(scope: RequestScope, channelId: string, device: DeviceIdentity): void {
  if (!scope.ctx.trust.isMember(channelId, device.userId))
    throw new FrameError('not_member', 'not a current member of this channel');
}

/**
 * Heads past the device's cursors; when the device names another incarnation (a restored
 * database, or a new one), also every channel's restore point, so it can reset its cursors.
 */
export async function sync(
  scope: RequestScope,
  frame: Extract<ClientFrame, { t: 'sync' }>,
  device: DeviceIdentity,
): Promise<void> {
  const { store, trust } = scope.ctx;
  const channels = trust.channelsOf(device.userId);
  const histories = await store.histories(channels);
  const incarnation = store.incarnation();
  const changed: Record<string, number> = {};
  for (const [channel, h] of histories) if (h.head > (frame.cursors[channel] ?? 0)) changed[channel] = h.head;
  let bases: Record<string, number> | undefined;
  if (frame.incarnation !== undefined && frame.incarnation !== incarnation) {
    // A channel without a restore point began after the last restore: nothing in it is shared.
    bases = Object.fromEntries(channels.map((channel) => [channel, histories.get(channel)?.base ?? 0]));
    scope.log.info('device from another incarnation', { device: device.deviceId, channels: channels.length });
  }
  scope.send({ t: 'changed', id: frame.id, heads: changed, incarnation, ...(bases ? { bases } : {}) });
}

/** A page of a channel's events after a seq, with its head and what retention deleted in between. */
export async function fetchPage(scope: RequestScope, frame: Extract<ClientFrame, { t: 'fetch' }>): Promise<void> {
  const { device } = scope;
  const { store } = scope.ctx;
  requireMember(scope, frame.channelId, device);
  // History first, then the page: every event up to that head is visible to the page, so a
  // short page that ends below the head means the relay lacks those seqs (a real gap).
  const history = (await store.histories([frame.channelId])).get(frame.channelId);
  const events = await store.page(frame.channelId, frame.afterSeq, frame.limit);
  const head = history?.head ?? 0;
  // What the page covers: up to its last event when full (more follow), else up to the head.
  const covers = events.length >= frame.limit ? events.at(-1)!.seq : head;
  const gone = history?.base != null ? await store.goneRanges(frame.channelId, frame.afterSeq, covers) : [];
  return scope.send({
    t: 'page',
    id: frame.id,
    channelId: frame.channelId,
    events: events.map((e) => ({ seq: e.seq, envelope: toBase64Url(e.envelope), at: e.at })),
    head,
    historyStart: history?.historyStart ?? 1,
    ...(gone.length > 0 ? { gone } : {}),
    incarnation: store.incarnation(),
  });
}
