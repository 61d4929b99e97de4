// Bytes cross IPC as Uint8Array: Electron's structured clone carries them (main sends exactly a
// view's bytes, electron/ipc/own-bytes.ts; the test harness bridge tags them,
// tests/harness/browser/codec.ts), with no base64 text to build and parse on either side. The
// schema checks the type and the size before a handler sees them.
import { z } from 'zod';

export const bytes = (maxBytes: number) =>
  z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.byteLength <= maxBytes, {
    message: `bytes (Uint8Array) of at most ${maxBytes} bytes`,
  });
