// Parsing what a device sends, text or binary, with the frame schemas; a refusal names the field.
import type { z } from 'zod';
import { BLOB_CHUNK_BYTES, blobChunkHeader, clientFrame, type ClientFrame } from '@klinikfunk/protocol/relay/frames.ts';

export type ParsedFrame = { success: true; data: ClientFrame } | { success: false; reason: string };

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.join('.') ?? '';
  return `${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}`.slice(0, 300);
}

export function parseTextClientFrame(json: unknown): ParsedFrame {
  if ((json as { t?: unknown } | null)?.t === 'blob_chunk')
    return { success: false, reason: 'blob chunks travel as binary frames (see docs/relay-protocol.md)' };
  const parsed = clientFrame.safeParse(json);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, reason: issueText(parsed.error) };
}

/** The only binary frame a device sends is blob_chunk: a checked header and 1..BLOB_CHUNK_BYTES of data. */
export function parseBinaryClientFrame(json: unknown, data: Uint8Array): ParsedFrame {
  const parsed = blobChunkHeader.safeParse(json);
  if (!parsed.success) return { success: false, reason: issueText(parsed.error) };
  if (data.length === 0 || data.length > BLOB_CHUNK_BYTES)
    return { success: false, reason: `blob chunk of ${data.length} bytes (1 to ${BLOB_CHUNK_BYTES})` };
  return { success: true, data: { ...parsed.data, data } };
}
