// The agent's connection to the relay: the same hello/challenge/auth as a workstation, signed with
// the delegated key and naming the delegation id (docs/relay-protocol.md "Directory agent"); then
// only dir_get and dir_put. Every frame the relay sends is checked with the protocol's schema.
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import {
  authChallengeText,
  RELAY_PROTOCOL_VERSION,
  serverFrame,
  type ClientFrame,
} from '@klinikfunk/protocol/relay/frames.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import type { SignInOutcome } from '@klinikfunk/protocol/wire/directory-sign-in.ts';
import { signDetached } from '@klinikfunk/crypto/ed25519.ts';

export class RelayError extends Error {
  override readonly name = 'RelayError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

type Pending = { resolve: (frame: Record<string, unknown>) => void; reject: (error: Error) => void };

export interface RelayClientOptions {
  url: string;
  delegationId: string;
  secretKey: Uint8Array;
  caFile?: string | undefined;
  timeoutMs?: number;
  /** A workstation's sealed sign-in request the relay forwards (answer with `answerSignIn`). */
  onSignIn?: (forward: SignInForward) => void;
  /** The session ended (relay closed it, network): the reason. */
  onClose?: (error: Error) => void;
}

export interface SignInForward {
  rid: number;
  from: string;
  sealed: string;
}

export class AgentRelayClient {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, Pending>();
  readonly #timeoutMs: number;
  #nextId = 1;
  #closed: Error | null = null;
  readonly #options: RelayClientOptions;

  private constructor(ws: WebSocket, timeoutMs: number, options: RelayClientOptions) {
    this.#ws = ws;
    this.#timeoutMs = timeoutMs;
    this.#options = options;
    ws.on('message', (data) => this.#onMessage(String(data)));
    ws.on('close', (code, reason) => this.#fail(new RelayError('closed', `relay closed ${code} ${String(reason)}`)));
    ws.on('error', (error) => this.#fail(new RelayError('unreachable', error.message)));
  }

  /** Connects and authenticates as the delegation's key; throws RelayError when refused. */
  static async connect(options: RelayClientOptions): Promise<AgentRelayClient> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const ws = new WebSocket(options.url, {
      handshakeTimeout: timeoutMs,
      ...(options.caFile ? { ca: readFileSync(options.caFile) } : {}),
    });
    const challenge = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new RelayError('timeout', 'no challenge from the relay')), timeoutMs);
      ws.once('message', (data) => {
        clearTimeout(timer);
        const frame = serverFrame.safeParse(JSON.parse(String(data)));
        if (frame.success && frame.data.t === 'challenge') resolve(frame.data.nonce);
        else reject(new RelayError('bad_frame', `expected a challenge, got ${String(data).slice(0, 200)}`));
      });
      ws.once('error', (error) => reject(new RelayError('unreachable', error.message)));
      ws.once('close', (code) => reject(new RelayError('closed', `relay closed ${code}`)));
    });
    // Awaited after the socket opens; a socket that never opens rejects both.
    challenge.catch(() => {});
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (error) => reject(new RelayError('unreachable', error.message)));
    });
    try {
      ws.send(JSON.stringify({ t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: options.delegationId }));
      const nonce = await challenge;
      const client = new AgentRelayClient(ws, timeoutMs, options);
      const signature = signDetached(
        new TextEncoder().encode(authChallengeText(nonce, options.delegationId)),
        options.secretKey,
      );
      await client.#request({ t: 'auth', id: 0, signature: toBase64Url(signature) });
      return client;
    } catch (error) {
      ws.terminate();
      throw error;
    }
  }

  /** Every record stored after `after`, in the relay's order. */
  async records(after = 0): Promise<{ pos: number; record: unknown }[]> {
    const out: { pos: number; record: unknown }[] = [];
    for (let at = after; ;) {
      const page = (await this.#request({ t: 'dir_get', id: 0, after: at, limit: 500 })) as {
        records: { pos: number; record: unknown }[];
      };
      out.push(...page.records);
      if (page.records.length < 500) return out;
      at = page.records.at(-1)!.pos;
    }
  }

  /** Stores one record; RelayError record_rejected with the relay's reason when refused. */
  async put(record: SignedRecord): Promise<void> {
    await this.#request({ t: 'dir_put', id: 0, record: record as unknown as Record<string, unknown> });
  }

  /** The outcome of a forwarded sign-in. */
  async answerSignIn(rid: number, outcome: SignInOutcome): Promise<void> {
    await this.#request({ t: 'signin_answer', id: 0, rid, outcome });
  }

  close(): void {
    this.#ws.close();
  }

  #request(frame: ClientFrame): Promise<Record<string, unknown>> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RelayError('timeout', `no answer to ${frame.t}`));
      }, this.#timeoutMs);
      this.#pending.set(id, {
        resolve: (answer) => (clearTimeout(timer), resolve(answer)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.#ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  #onMessage(data: string): void {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return this.#fail(new RelayError('bad_frame', 'relay sent no JSON'));
    }
    const parsed = serverFrame.safeParse(json);
    if (!parsed.success) return this.#fail(new RelayError('bad_frame', 'relay sent a frame outside the protocol'));
    if (parsed.data.t === 'signin_forward') {
      const { rid, from, sealed } = parsed.data;
      this.#options.onSignIn?.({ rid, from, sealed });
      return;
    }
    const frame = parsed.data as Record<string, unknown> & { t: string; id?: number };
    if (frame.id === undefined) return;
    const pending = this.#pending.get(frame.id);
    if (!pending) return;
    this.#pending.delete(frame.id);
    if (frame.t === 'error') pending.reject(new RelayError(String(frame.code), String(frame.message)));
    else pending.resolve(frame);
  }

  #fail(error: Error): void {
    if (!this.#closed) this.#options.onClose?.(error);
    this.#closed ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
