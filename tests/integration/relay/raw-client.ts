// A raw WebSocket client for relay tests: sends anything (valid or not) and collects what the
// relay answers, without the transport's validation in between.
import WebSocket from 'ws';
import { encodeBinaryFrame, splitBinaryFrame } from '@klinikfunk/protocol/relay/binary-frame.ts';
import { authChallengeText, RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import type { TestDevice } from '../../harness/relay.ts';

export interface RawAnswer {
  t: string;
  id?: number;
  code?: string;
  [key: string]: unknown;
}

export class RawClient {
  readonly ws: WebSocket;
  readonly frames: RawAnswer[] = [];
  closed: { code: number; reason: string } | null = null;
  #waiters: Array<() => void> = [];
  // High, so answers to hand-written frames (small ids) are never mistaken for ours.
  #nextId = 1_000_000;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        // blob_data: the header with the raw bytes as `data` (a Buffer).
        const split = splitBinaryFrame(data as Buffer);
        this.frames.push(
          split.ok ? { ...(split.header as RawAnswer), data: Buffer.from(split.data) } : { t: '<bad binary>' },
        );
        return this.#wake();
      }
      try {
        this.frames.push(JSON.parse(String(data)) as RawAnswer);
      } catch {
        this.frames.push({ t: '<not json>' });
      }
      this.#wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#wake();
    });
    ws.on('error', () => {});
  }

  static async open(url: string): Promise<RawClient> {
    const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawClient(ws);
  }

  #wake(): void {
    this.#waiters.splice(0).forEach((w) => w());
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' || frame instanceof Uint8Array ? frame : JSON.stringify(frame));
  }

  /** Sends a request with a fresh id and waits for the answer carrying it. */
  async request(frame: Record<string, unknown>, timeoutMs = 5000): Promise<RawAnswer> {
    const id = this.#nextId++;
    this.send({ ...frame, id });
    return this.next((f) => f.id === id, timeoutMs);
  }

  /** Sends a binary frame (a JSON header and raw bytes) with a fresh id and waits for its answer. */
  async requestBinary(header: Record<string, unknown>, data: Uint8Array, timeoutMs = 5000): Promise<RawAnswer> {
    const id = this.#nextId++;
    this.send(encodeBinaryFrame({ ...header, id }, data));
    return this.next((f) => f.id === id, timeoutMs);
  }

  /** Waits for (and removes) the first collected frame matching `match`. */
  async next(match: (f: RawAnswer) => boolean = () => true, timeoutMs = 5000): Promise<RawAnswer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.frames.findIndex(match);
      if (at >= 0) return this.frames.splice(at, 1)[0]!;
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame in time; have ${JSON.stringify(this.frames.slice(-3))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket not closed in time');
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closed;
  }

  /** hello + auth as `device`, signing with `signAs` (default: the device's own key). */
  async authenticate(
    device: TestDevice,
    signAs: (m: Uint8Array) => Uint8Array = device.sign,
    certificate?: unknown,
  ): Promise<RawAnswer> {
    this.send({ t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: device.deviceId });
    const challenge = await this.next((f) => f.t === 'challenge' || f.t === 'error');
    if (challenge.t !== 'challenge') return challenge;
    const signature = Buffer.from(
      signAs(new TextEncoder().encode(authChallengeText(String(challenge.nonce), device.deviceId))),
    ).toString('base64url');
    return this.request({ t: 'auth', signature, ...(certificate ? { certificate } : {}) });
  }

  close(): void {
    this.ws.terminate();
  }
}
