// The one way a frame handler refuses a frame: a FrameError with a stable code, which the
// connection answers as an error frame (anything else thrown is answered `unavailable`).
import type { RelayErrorCode } from '@klinikfunk/protocol/relay/frames.ts';
import { fromBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';

export class FrameError extends Error {
  readonly code: RelayErrorCode;
  constructor(code: RelayErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Frame bytes: the frame schema passed only canonical base64url, so a refusal here is a schema gap, answered as bad_frame. */
export const unb64 = (text: string): Uint8Array => {
  const bytes = fromBase64Url(text);
  if (!bytes) throw new FrameError('bad_frame', 'not canonical base64url');
  return bytes;
};
