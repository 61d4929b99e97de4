// Payloads of the device-to-device mail that carries channel keys (inside direct envelopes,
// docs/protocol.md "Direct envelopes"). Parsed with these schemas after the envelope's signature
// and box opened, so a malformed payload from a real device is refused, never half-read.
import { z } from 'zod';
import { idSchema } from './records.ts';

const count = z.number().int().nonnegative();

/** `key-share`: the key of one sender chain from `startIndex` on. */
export const keySharePayload = z.strictObject({
  channelId: idSchema,
  epoch: count,
  senderDeviceId: idSchema,
  generation: z.number().int().min(0).max(0xffff),
  startIndex: count,
  chainKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'chainKey: 32 bytes in base64url'),
});
export type KeySharePayload = z.infer<typeof keySharePayload>;

/**
 * `key-request`: a member device holds an envelope of this chain it cannot open and asks the
 * chain's sender device for the key (answered with a `key-share` only to a current member).
 */
export const keyRequestPayload = z.strictObject({
  channelId: idSchema,
  epoch: count,
  senderDeviceId: idSchema,
  generation: z.number().int().min(0).max(0xffff),
  /** The lowest index the requester cannot open (informational: the answer starts where the sender can). */
  index: count,
});
export type KeyRequestPayload = z.infer<typeof keyRequestPayload>;
