// Sign-in with the directory password on one short socket before the device's first
// authentication (docs/relay-protocol.md "Sign-in with the directory password"): hello ->
// challenge -> signin_info -> the org root and the delegations that allow it -> signin_request
// (sealed to the agent) -> signin_result, the agent's outcome. Closed after.
import { RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import type { SignInOutcome } from '@klinikfunk/protocol/wire/directory-sign-in.ts';
import { relayDialog, type RelaySocketOptions } from './relay-socket.ts';

export interface SignInDialog {
  deviceId: string;
  /** From the signin_info records: the sealed request, or null when no delegation allows sign-in. */
  seal(records: Array<Record<string, unknown>>): { delegationId: string; sealed: string } | null;
}

/** The agent's wait for LDAP plus the relay's: longer than a lookup. */
const SIGN_IN_TIMEOUT_MS = 45_000;

export async function signInWithDirectory(
  url: string,
  dialog: SignInDialog,
  options: RelaySocketOptions & { timeoutMs?: number } = {},
): Promise<SignInOutcome> {
  return relayDialog<SignInOutcome>(url, options, {
    first: { t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: dialog.deviceId },
    timeoutMs: options.timeoutMs ?? SIGN_IN_TIMEOUT_MS,
    onFrame: (frame, send) => {
      if (frame.t === 'challenge') send({ t: 'signin_info', id: 1 });
      else if (frame.t === 'dir_records') {
        const sealed = dialog.seal(frame.records.map((r) => r.record));
        if (!sealed) return { done: { ok: false, code: 'not_enabled', retryAfterSeconds: null } };
        send({ t: 'signin_request', id: 2, ...sealed });
      } else if (frame.t === 'signin_result') return { done: frame.outcome };
      return undefined;
    },
  });
}
