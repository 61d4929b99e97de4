// Which relay blobs an outgoing event refers to. The relay cannot read the event, so the publish
// frame names them (`blobs`): the relay then keeps a blob as long as an event refers to it, instead
// of deleting it as unreferenced after its grace period (apps/relay/limits.ts blobGraceMs).
import { fileShare } from './events.ts';

const RELAY_BLOB = /^[0-9a-f]{64}$/;

export function blobsReferencedBy(payload: unknown): string[] {
  const file = fileShare.safeParse(payload);
  if (!file.success) return [];
  const { parts, blobId, thumbnailBlobId } = file.data;
  // Only relay addresses (hex SHA-256): anything else in the frame would get the publish refused.
  return [...(parts ?? [blobId]), ...(thumbnailBlobId ? [thumbnailBlobId] : [])].filter((id) => RELAY_BLOB.test(id));
}
