// The one WebSocket frame layer of every client socket to the relay: the device's own connection
// (relay-transport.ts) and the short ones (setup, enrolment lookup, wipe confirmation, the check
// of a moved relay). In one place:
// - the socket leaves the workstation the way every relay socket does (net/relay-network.ts):
//   trust store and proxy, and a failure that names the network's reason instead of "offline";
// - frames out are typed ClientFrames as JSON; frames in are validated with the zod schemas of
//   shared/relay (text frames and the binary blob_data frame), never trusted by shape;
// - close codes and errors become TransportErrors the same way everywhere: an auth refusal or
//   revocation close is fatal (`auth_failed`/`revoked`, the relay's reason kept), any other close
//   or a socket error means the relay is not reached for now.
// `relayDialog` runs a short request-answer dialog on one socket with a timeout.
import WebSocket from 'ws';
import type { RelayDial, RelayNetwork } from '../net/relay-network.ts';
import { splitBinaryFrame } from '@klinikfunk/protocol/relay/binary-frame.ts';
import {
  BLOB_CHUNK_BYTES,
  blobDataHeader,
  CLOSE_CODES,
  serverFrame,
  type BootstrapFrame,
  type ClientFrame,
  type ServerFrame,
} from '@klinikfunk/protocol/relay/frames.ts';
import { TransportError, type TransportErrorCode } from './transport.ts';

export interface RelaySocketOptions {
  /** Trust and proxy from policy and OS; without it, Node's defaults (tests). */
  network?: RelayNetwork;
  /** TLS options for wss without a network (a test pinning its own CA). */
  tls?: { ca?: string | Buffer };
}

/** Largest message taken from the relay: a blob chunk with its header, with room to spare. */
const MAX_PAYLOAD = 4 * 1024 * 1024;

/** A socket to `url` through the dial (or Node's defaults); `dial` is null without a network. */
export function createRelaySocket(url: string, dial: RelayDial | null, tls?: RelaySocketOptions['tls']): WebSocket {
  return new WebSocket(url, {
    maxPayload: MAX_PAYLOAD,
    perMessageDeflate: false,
    // A zero masking key, which ws then skips (XOR over every byte sent, 0.3 s of CPU per 100 MB
    // upload). Masking (RFC 6455 section 10.3) keeps script in a browser from steering the bytes a
    // proxy sees; this client runs no foreign script, sends only ciphertext and signed JSON, and
    // talks TLS to the clinic's relay. See docs/relay-protocol.md.
    generateMask: (mask: Buffer) => mask.fill(0),
    ...(dial ? dial.options : (tls ?? {})),
  });
}

/** Dials through the network (when given) and opens the socket; `failure` turns a socket error into its TransportError. */
export async function openRelaySocket(
  url: string,
  options: RelaySocketOptions,
): Promise<{ ws: WebSocket; dial: RelayDial | null; failure(error: Error): TransportError }> {
  const dial = options.network ? await options.network.dial(url) : null;
  const ws = createRelaySocket(url, dial, options.tls);
  return { ws, dial, failure: (error) => socketFailure(dial, error) };
}

/** A socket error: the network's reason (certificate, proxy) when it has one, else `offline`. */
export function socketFailure(dial: RelayDial | null, error: Error): TransportError {
  return new TransportError(dial?.problem(error) ?? 'offline', error.message);
}

/** What a close means: the relay refused this device for good (fatal), or just not now. */
export function closeError(code: number, reason: string): { fatal: boolean; error: TransportError } {
  if (code === CLOSE_CODES.revoked)
    return { fatal: true, error: new TransportError('revoked', reason || 'refused by the relay') };
  if (code === CLOSE_CODES.authFailed)
    return { fatal: true, error: new TransportError('auth_failed', reason || 'refused by the relay') };
  return { fatal: false, error: new TransportError('offline', `the relay closed the connection (${code})`) };
}

/** An error frame from the relay as the TransportError a caller sees (code and message kept). */
export const relayError = (frame: Extract<ServerFrame, { t: 'error' }>): TransportError =>
  new TransportError(frame.code as TransportErrorCode, frame.message);

export type ParsedServerFrame = { ok: true; frame: ServerFrame } | { ok: false; reason: string };

/** A message from the relay, validated: JSON text frames, or blob_data (the relay's only binary frame). */
export function parseServerFrame(data: WebSocket.RawData, isBinary: boolean): ParsedServerFrame {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  return isBinary ? parseBinaryServerFrame(bytes) : parseTextServerFrame(bytes);
}

function parseTextServerFrame(data: Buffer): ParsedServerFrame {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    return { ok: false, reason: 'relay sent non-JSON' };
  }
  const parsed = serverFrame.safeParse(json);
  return parsed.success
    ? { ok: true, frame: parsed.data }
    : { ok: false, reason: `relay sent an invalid frame: ${parsed.error.issues[0]?.message}` };
}

/** The relay's only binary frame is blob_data: a checked header and at most one chunk of data. */
function parseBinaryServerFrame(data: Buffer): ParsedServerFrame {
  const split = splitBinaryFrame(data);
  if (!split.ok) return { ok: false, reason: `relay sent a bad binary frame: ${split.reason}` };
  const header = blobDataHeader.safeParse(split.header);
  if (!header.success)
    return { ok: false, reason: `relay sent an invalid binary frame: ${header.error.issues[0]?.message}` };
  if (split.data.length > BLOB_CHUNK_BYTES) return { ok: false, reason: 'relay sent an oversized blob chunk' };
  return { ok: true, frame: { ...header.data, data: split.data } };
}

/** What a device sends as text: the frames of an authenticated socket, and the one-time bootstrap. */
export type OutgoingFrame = ClientFrame | BootstrapFrame;

/** A client frame as the JSON text the relay reads. */
export const encodeClientFrame = (frame: OutgoingFrame): string => JSON.stringify(frame);

export interface RelayDialog<T> {
  /** Sent once the socket is open. */
  first: OutgoingFrame;
  /**
   * Each valid frame from the relay: `{ done }` ends the dialog, `send` continues it, undefined
   * waits for the next frame. An error frame ends it with the relay's code unless handled here.
   */
  onFrame(frame: ServerFrame, send: (frame: OutgoingFrame) => void): { done: T } | undefined;
  /** How long the whole dialog may take. */
  timeoutMs: number;
  /** The timeout's message ("no answer from the relay"). */
  timeoutText?: string;
}

/**
 * One short dialog on its own socket, closed after. Fails with a TransportError: `timeout`, the
 * network's reason or `offline` for a socket error, `offline` (or fatal `auth_failed`/`revoked`)
 * for a close before the answer, `protocol` for a frame that fails its schema, and the relay's
 * own code for an error frame.
 */
export async function relayDialog<T>(url: string, options: RelaySocketOptions, dialog: RelayDialog<T>): Promise<T> {
  const { ws, failure } = await openRelaySocket(url, options);
  try {
    return await new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const fail = (error: TransportError) => settle(() => reject(error));
      const timer = setTimeout(
        () => fail(new TransportError('timeout', dialog.timeoutText ?? 'no answer from the relay')),
        dialog.timeoutMs,
      );
      const send = (frame: OutgoingFrame) => ws.send(encodeClientFrame(frame));
      ws.once('error', (error) => fail(failure(error)));
      ws.once('close', (code, reason) => fail(closeError(code, reason.toString()).error));
      ws.once('open', () => send(dialog.first));
      ws.on('message', (data, isBinary) => {
        const parsed = parseServerFrame(data, isBinary);
        if (!parsed.ok) return fail(new TransportError('protocol', parsed.reason));
        let step: { done: T } | undefined;
        try {
          step = dialog.onFrame(parsed.frame, send);
        } catch (error) {
          return fail(error instanceof TransportError ? error : new TransportError('protocol', String(error)));
        }
        if (step) {
          const { done } = step;
          return settle(() => resolve(done));
        }
        if (parsed.frame.t === 'error') fail(relayError(parsed.frame));
      });
    });
  } finally {
    ws.terminate();
  }
}
