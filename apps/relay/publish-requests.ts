// Publishing: the checks every publish passes before it is stored (membership, size, the envelope
// header naming this organisation, channel, event and sender; blobs the sender may read), then the
// group commit and the acks, each sent only once its event is durable.
import { MAX_ENVELOPE_BYTES, type ClientFrame } from '@klinikfunk/protocol/relay/frames.ts';
import { bytesEqual, fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { parseEnvelope } from '@klinikfunk/protocol/wire/envelope-layout.ts';
import { mayRead } from './blob-requests.ts';
import type { RequestScope } from './connection-context.ts';
import type { Connection } from './connection.ts';
import type { DeviceIdentity } from './trust.ts';

export type PublishFrame = Extract<ClientFrame, { t: 'publish' }>;

/** Why an envelope's header does not match its publish frame, or null when it does. */
function headerMismatch(
  envelope: Uint8Array,
  frame: PublishFrame,
  device: DeviceIdentity,
  orgIdRaw: Uint8Array,
): string | null {
  const parsed = parseEnvelope(envelope);
  if (!parsed.ok) return parsed.reason;
  const header = parsed.envelope.header;
  if (!bytesEqual(header.orgIdRaw, orgIdRaw)) return 'another organisation';
  if (header.channelId !== frame.channelId) return 'another channel';
  if (header.senderDeviceId !== device.deviceId) return 'another sender device';
  if (toBase64Url(header.clientEventId) !== frame.clientEventId) return 'another client event id';
  return null;
}

/**
 * Stores a run of publishes of one device together (group commit: one fsync for the lot) and acks
 * each in order once durable; a publish that fails its checks gets its error and the rest go on.
 */
export async function publishBatch(scope: RequestScope, frames: PublishFrame[], from: Connection): Promise<void> {
  const { device } = scope;
  const accepted: Array<{ frame: PublishFrame; envelope: Uint8Array }> = [];
  for (const frame of frames) {
    if (!scope.ctx.trust.isMember(frame.channelId, device.userId)) {
      scope.reject(frame.id, 'not_member', 'not a current member of this channel');
      continue;
    }
    const envelope = fromBase64Url(frame.envelope);
    if (!envelope) {
      scope.reject(frame.id, 'bad_frame', 'envelope: not canonical base64url');
      continue;
    }
    if (envelope.length > MAX_ENVELOPE_BYTES) {
      scope.reject(frame.id, 'too_large', 'envelope too large');
      continue;
    }
    const mismatch = scope.ctx.envelopeCheck
      ? headerMismatch(envelope, frame, device, scope.ctx.envelopeCheck.orgIdRaw)
      : null;
    if (mismatch) {
      scope.reject(frame.id, 'bad_frame', `envelope header: ${mismatch}`);
      continue;
    }
    accepted.push({ frame, envelope });
  }
  if (accepted.length === 0) return;
  // A publish may reference only blobs its sender may read: its own uploads, or blobs an event
  // of one of its channels references. Otherwise listing a hash would unlock the blob for the
  // channel's members and pin it against the GC.
  const listed = accepted.flatMap(({ frame }) => frame.blobs ?? []);
  if (listed.length > 0) {
    const access = await scope.ctx.store.blobAccess(listed);
    for (let i = accepted.length - 1; i >= 0; i--) {
      const { frame } = accepted[i]!;
      const foreign = (frame.blobs ?? []).find((hash) => {
        const blob = access.get(hash);
        return blob !== undefined && !mayRead(scope, blob, device);
      });
      if (foreign === undefined) continue;
      scope.reject(
        frame.id,
        'not_permitted',
        `blob ${foreign.slice(0, 12)}… is another device's and in none of your channels`,
      );
      accepted.splice(i, 1);
    }
    if (accepted.length === 0) return;
  }
  const results = await scope.ctx.append(
    accepted.map(({ frame, envelope }) => ({
      channelId: frame.channelId,
      clientEventId: frame.clientEventId,
      senderDeviceId: device.deviceId,
      envelope,
      blobHashes: frame.blobs ?? [],
    })),
  );
  accepted.forEach(({ frame, envelope }, i) => {
    const result = results[i]!;
    if (result.taken) {
      scope.reject(frame.id, 'conflict', 'another device published an event with this client event id here');
      return;
    }
    scope.send({
      t: 'ack',
      id: frame.id,
      channelId: frame.channelId,
      seq: result.seq,
      duplicate: result.duplicate,
      at: result.at,
      incarnation: scope.ctx.store.incarnation(),
    });
    if (!result.duplicate) scope.ctx.committed(frame.channelId, result.seq, envelope, result.at, from);
  });
}
