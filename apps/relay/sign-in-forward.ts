// Sign-in with the directory password through the relay (docs/relay-protocol.md "Sign-in with the
// directory password"): a new workstation's sealed request goes to the session of the directory
// agent that holds the delegation, and the agent's outcome comes back. The relay cannot open the
// request (it is sealed to the agent's key); it learns the workstation's address, the delegation
// and the outcome. Requests in flight are bounded in time and count; an answer counts only from
// the agent session the request went to.
import type { ServerFrame } from '@klinikfunk/protocol/relay/frames.ts';
import type { SignInOutcome } from '@klinikfunk/protocol/wire/directory-sign-in.ts';

/** What the forwarder needs of an agent's session. */
export interface AgentSession {
  readonly closing: boolean;
  send(frame: ServerFrame): void;
}

/** Requests waiting for an agent at once, across the process: more are refused as agent_offline. */
const MAX_PENDING = 1_000;

interface Pending {
  session: AgentSession;
  resolve(outcome: SignInOutcome): void;
  timer: NodeJS.Timeout;
}

const offline: SignInOutcome = { ok: false, code: 'agent_offline', retryAfterSeconds: null };

export class SignInForwarder {
  readonly #sessionOf: (delegationId: string) => AgentSession | null;
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  #nextRid = 1;

  constructor(sessionOf: (delegationId: string) => AgentSession | null, timeoutMs: number) {
    this.#sessionOf = sessionOf;
    this.#timeoutMs = timeoutMs;
  }

  /** The agent's outcome; agent_offline when no session of the delegation is open or it does not answer in time. */
  forward(delegationId: string, from: string, sealed: string): Promise<SignInOutcome> {
    const session = this.#sessionOf(delegationId);
    if (!session || this.#pending.size >= MAX_PENDING) return Promise.resolve(offline);
    const rid = this.#nextRid++;
    return new Promise<SignInOutcome>((resolve) => {
      const timer = setTimeout(() => this.#settle(rid, offline), this.#timeoutMs);
      this.#pending.set(rid, { session, resolve, timer });
      session.send({ t: 'signin_forward', rid, from, sealed });
    });
  }

  /** An agent's answer: false when no request of this session waits under `rid` (late, or another's). */
  answer(session: AgentSession, rid: number, outcome: SignInOutcome): boolean {
    const pending = this.#pending.get(rid);
    if (!pending || pending.session !== session) return false;
    this.#settle(rid, outcome);
    return true;
  }

  /** An agent session closed: its requests end now instead of at their timeout. */
  sessionClosed(session: AgentSession): void {
    for (const [rid, pending] of this.#pending) if (pending.session === session) this.#settle(rid, offline);
  }

  #settle(rid: number, outcome: SignInOutcome): void {
    const pending = this.#pending.get(rid);
    if (!pending) return;
    this.#pending.delete(rid);
    clearTimeout(pending.timer);
    pending.resolve(outcome);
  }
}
