// The relay's sign-in forwarding: a request goes to the agent's session and only that session's
// answer counts; no session, a closed session or no answer in time is agent_offline.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '@klinikfunk/protocol/relay/frames.ts';
import type { SignInOutcome } from '@klinikfunk/protocol/wire/directory-sign-in.ts';
import { SignInForwarder, type AgentSession } from '../../../apps/relay/sign-in-forward.ts';

class Session implements AgentSession {
  closing = false;
  readonly sent: ServerFrame[] = [];
  send(frame: ServerFrame): void {
    this.sent.push(frame);
  }
}

const refused: SignInOutcome = { ok: false, code: 'wrong_credentials', retryAfterSeconds: null };
const offline: SignInOutcome = { ok: false, code: 'agent_offline', retryAfterSeconds: null };

describe('SignInForwarder', () => {
  afterEach(() => vi.useRealTimers());

  it("forwards to the delegation's session and takes the answer of that session only", async () => {
    const agent = new Session();
    const stranger = new Session();
    const forwarder = new SignInForwarder((id) => (id === 'dlgAgent0001' ? agent : null), 30_000);
    const outcome = forwarder.forward('dlgAgent0001', '10.0.0.7', 'c2VhbGVk');
    expect(agent.sent).toEqual([{ t: 'signin_forward', rid: 1, from: '10.0.0.7', sealed: 'c2VhbGVk' }]);
    expect(forwarder.answer(stranger, 1, { ok: true, records: [{}] })).toBe(false);
    expect(forwarder.answer(agent, 2, refused)).toBe(false);
    expect(forwarder.answer(agent, 1, refused)).toBe(true);
    await expect(outcome).resolves.toEqual(refused);
    // Answered once: a second answer finds nothing.
    expect(forwarder.answer(agent, 1, refused)).toBe(false);
  });

  it('no session, a session that closes and no answer in time are agent_offline', async () => {
    vi.useFakeTimers();
    const agent = new Session();
    const forwarder = new SignInForwarder((id) => (id === 'dlgAgent0001' ? agent : null), 30_000);
    await expect(forwarder.forward('dlgOther0001', '10.0.0.7', 'eA')).resolves.toEqual(offline);
    const closed = forwarder.forward('dlgAgent0001', '10.0.0.7', 'eA');
    forwarder.sessionClosed(agent);
    await expect(closed).resolves.toEqual(offline);
    const late = forwarder.forward('dlgAgent0001', '10.0.0.7', 'eA');
    vi.advanceTimersByTime(30_000);
    await expect(late).resolves.toEqual(offline);
    expect(forwarder.answer(agent, 3, refused)).toBe(false);
  });
});
