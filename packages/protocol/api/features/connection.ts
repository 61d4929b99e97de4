// API of the connection to the relay of the visible profile: online, catching up, queued sends, outages.
// Merged into contract.ts; the names are in ./connection-names.ts.
import { z } from 'zod';
import { event, method, type EventSpec, type MethodSpec } from '../define.ts';

/** Every input is an object, so methods can grow optional fields without breaking callers. */
const noInput = z.object({}).strict();

export const connectionSchema = z.object({
  state: z.enum(['online', 'connecting', 'offline']),
  /** Channels still catching up; 0 when in sync. */
  syncingChannels: z.number().int().nonnegative(),
  /** Sends waiting in the outbox. */
  pendingSends: z.number().int().nonnegative(),
  /** When the next reconnect attempt is due (UTC ms), for "reconnecting in 8 s". */
  nextRetryAt: z.number().int().nullable(),
  /**
   * relay_version: the relay speaks another protocol version; IT must update one side.
   * relay_untrusted: the relay's certificate is from a CA this PC does not trust (policy RelayCaCertificates).
   * proxy_refused / proxy_auth / proxy_unreachable: the proxy refused the connection, wants credentials, is not reachable.
   */
  problem: z.enum(['relay_version', 'relay_untrusted', 'proxy_refused', 'proxy_auth', 'proxy_unreachable']).nullable(),
  /** Since when the relay is out of reach, once that lasted long enough for a banner (about 20 s); null otherwise. */
  outageSince: z.number().int().nullable(),
  /** Urgent messages of this user still in the outbox (not delivered to the relay yet). */
  pendingUrgent: z.number().int().nonnegative(),
});

export const connectionMethods = {
  'connection.status': method({
    input: noInput,
    output: connectionSchema,
    doc: 'Connection to the relay of the visible profile: online, connecting or offline, channels catching up, queued sends.',
  }),
} satisfies Record<string, MethodSpec>;

export const connectionEvents = {
  'connection.changed': event({
    payload: connectionSchema,
    doc: 'The connection of the visible profile changed.',
  }),
} satisfies Record<string, EventSpec>;

export type ConnectionView = z.output<typeof connectionSchema>;
