// Before a profile follows a changed RelayUrl policy to another relay, that relay must prove it
// serves this profile's organisation, as at enrolment: the device authenticates (the relay must
// know its certificate, which chains to the org key) and the relay's directory must begin with
// the org root signed by the org key this profile trusts. A relay of another organisation fails
// one or the other. One short socket, closed after: hello -> challenge -> auth -> auth_ok ->
// dir_get(after 0, limit 1) -> dir_records.
import { isNetworkProblem, type NetworkProblem } from '../net/network-problem.ts';
import type { RelayNetwork } from '../net/relay-network.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { authChallengeText, RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { parseRecord } from '@klinikfunk/crypto/records.ts';
import { relayDialog } from './relay-socket.ts';
import { TransportError } from './transport.ts';

export interface RelayOrgCheckRequest {
  deviceId: string;
  /** Signs with the device key. */
  sign(message: Uint8Array): Uint8Array;
  /** Sent along while the device's first relay has not confirmed it (enrolled, never connected). */
  certificate: Record<string, unknown> | null;
  /** The org key this profile trusts (from its identity). */
  orgPublicKey: Uint8Array;
}

export type RelayOrgCheck =
  | { ok: true }
  /** `foreign`: the relay answered and is not this organisation's; `unreachable`: no verdict (try again later). */
  | { ok: false; reason: 'foreign' | 'unreachable'; detail: string }
  /**
   * This workstation's network stands in the way (the relay's certificate is not trusted here, the
   * proxy refused, wants credentials or is not reached): no verdict on the organisation either, but
   * one that IT has to fix, so unlike `unreachable` the user is told.
   */
  | { ok: false; reason: 'network'; problem: NetworkProblem; detail: string };

/**
 * `network`: the trust store and proxy every relay connection of the workstation uses
 * (net/relay-network.ts), so a relay moved behind the clinic's CA or proxy is reached like the
 * device's own connection would reach it; without it, Node's defaults (tests).
 */
export async function checkRelayOrg(
  url: string,
  request: RelayOrgCheckRequest,
  options: { timeoutMs?: number; network?: RelayNetwork } = {},
): Promise<RelayOrgCheck> {
  try {
    return await relayDialog<RelayOrgCheck>(url, options.network ? { network: options.network } : {}, {
      first: { t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: request.deviceId },
      timeoutMs: options.timeoutMs ?? 15_000,
      onFrame: (frame, send) => {
        if (frame.t === 'challenge') {
          const signature = request.sign(new TextEncoder().encode(authChallengeText(frame.nonce, request.deviceId)));
          send({
            t: 'auth',
            id: 1,
            signature: toBase64Url(signature),
            ...(request.certificate ? { certificate: request.certificate } : {}),
          });
        } else if (frame.t === 'auth_ok') send({ t: 'dir_get', id: 2, after: 0, limit: 1 });
        else if (frame.t === 'dir_records') return { done: checkRoot(frame.records[0]?.record, request.orgPublicKey) };
        else if (frame.t === 'error') {
          // auth_failed / revoked: the relay does not know this device as an active one of its
          // organisation. Anything else (a relay of another version, one shutting down or out of
          // storage) says nothing about the organisation: no verdict, the next sign-in tries again.
          const refused = frame.code === 'auth_failed' || frame.code === 'revoked';
          return {
            done: {
              ok: false,
              reason: refused ? 'foreign' : 'unreachable',
              detail: `the relay ${refused ? 'refused this device' : 'answered'} (${frame.code}: ${frame.message})`,
            },
          };
        }
        return undefined;
      },
    });
  } catch (error) {
    if (!(error instanceof TransportError)) return { ok: false, reason: 'unreachable', detail: String(error) };
    if (isNetworkProblem(error.code))
      return { ok: false, reason: 'network', problem: error.code, detail: error.message };
    if (error.code === 'protocol')
      return { ok: false, reason: 'foreign', detail: 'the relay answered with a frame Klinikfunk does not know' };
    return { ok: false, reason: 'unreachable', detail: error.message };
  }
}

function checkRoot(record: unknown, orgPublicKey: Uint8Array): RelayOrgCheck {
  const parsed = parseRecord(record);
  if (!parsed.ok || parsed.record.type !== 'org_root')
    return { ok: false, reason: 'foreign', detail: 'the relay has no organisation root' };
  if ((parsed.record.body as { orgPublicKey: string }).orgPublicKey !== toBase64Url(orgPublicKey))
    return { ok: false, reason: 'foreign', detail: 'the relay serves another organisation' };
  const verdict = new Directory({ orgPublicKey }).ingest(parsed.record);
  return verdict.ok
    ? { ok: true }
    : { ok: false, reason: 'foreign', detail: `the relay's organisation root does not verify (${verdict.reason})` };
}
