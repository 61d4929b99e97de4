// One run of the agent: read the directory, read the Klinikfunk directory from the relay (every
// record checked against the organisation key), plan, and for apply sign each change with the
// delegated key and store it. Everything that can fail before the first record (LDAP, relay,
// delegation, safety threshold) fails the run with nothing changed.
import type { Logger } from '@klinikfunk/node-common/logger.ts';
import type { RecordBody, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { fromBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import type { AgentKey } from './agent-key.ts';
import type { AgentConfig } from './config.ts';
import { readDirectory } from './ldap-source.ts';
import { describePlan, planSync, summarize, type Change } from './plan.ts';
import { AgentRelayClient, RelayError } from './relay-client.ts';

/** Records in flight at once: the relay stores them in order, the round trips overlap. */
const WINDOW = 64;

export interface RunResult {
  lines: string[];
  summary: Record<string, number>;
  /** Changes the relay or the delegation's scope refused, with the reason. */
  refused: { userId: string; reason: string }[];
}

export class DelegationError extends Error {
  override readonly name = 'DelegationError';
}

export async function loadDirectory(client: AgentRelayClient, orgPublicKey: Uint8Array): Promise<Directory> {
  const directory = new Directory({ orgPublicKey });
  for (const { record } of await client.records()) {
    const verdict = directory.ingest(record);
    if (!verdict.ok) throw new RelayError('bad_record', `the relay handed over a record that fails: ${verdict.reason}`);
  }
  return directory;
}

export function checkDelegation(directory: Directory, config: AgentConfig, key: AgentKey, now: number): void {
  const delegation = directory.delegations.get(config.delegationId)?.body;
  if (!delegation) throw new DelegationError(`delegation ${config.delegationId} is not in the directory`);
  if (delegation.holder.kind !== 'key' || delegation.holder.publicKey !== key.publicKey)
    throw new DelegationError(`delegation ${config.delegationId} names another key than ${config.keyFile}`);
  if (directory.revokedDelegations.has(config.delegationId) || delegation.expiresAt < now)
    throw new DelegationError(`delegation ${config.delegationId} was revoked or has ended`);
}

function recordFor(change: Change, directory: Directory, config: AgentConfig, key: AgentKey, now: number) {
  const previous = directory.users.get(change.userId)?.body;
  const fields = change.kind === 'deactivate' ? { ...change.from, active: false } : change.to;
  const body: RecordBody<'user'> = {
    orgId: directory.orgId,
    userId: change.userId,
    role: 'member',
    ...fields,
    // Later than the record it replaces, or every reader keeps the old one.
    issuedAt: previous ? Math.max(now, previous.issuedAt + 1) : now,
  };
  return signRecord('user', body, { kind: 'delegate', id: config.delegationId }, key.secretKey);
}

export async function runOnce(
  config: AgentConfig,
  key: AgentKey,
  options: { dryRun: boolean; log: Logger; now?: () => number },
): Promise<RunResult> {
  const now = options.now ?? Date.now;
  await readySodium();
  const people = await readDirectory(config);
  const client = await AgentRelayClient.connect({
    url: config.relay.url,
    delegationId: config.delegationId,
    secretKey: key.secretKey,
    caFile: config.relay.caFile,
  });
  try {
    const directory = await loadDirectory(client, fromBase64Url(config.relay.orgPublicKey)!);
    checkDelegation(directory, config, key, now());
    const plan = planSync(people, directory.users, directory.revokedUsers, directory.orgId, config.safety);
    const lines = describePlan(plan);
    const summary = summarize(plan);
    const refused: RunResult['refused'] = [];
    if (options.dryRun) return { lines, summary, refused };
    const at = now();
    const records: SignedRecord[] = [];
    for (const change of plan.changes) {
      const record = recordFor(change, directory, config, key, at);
      // The check relay and clients run: a change outside the delegation's scope is not sent.
      const verdict = directory.verify(record);
      if (verdict.ok) records.push(record);
      else refused.push({ userId: change.userId, reason: verdict.detail ?? verdict.reason });
    }
    for (let i = 0; i < records.length; i += WINDOW) {
      const batch = records.slice(i, i + WINDOW);
      const results = await Promise.allSettled(batch.map((record) => client.put(record)));
      results.forEach((result, j) => {
        const record = batch[j] as SignedRecord<'user'>;
        if (result.status === 'fulfilled') directory.ingest(record);
        else refused.push({ userId: record.body.userId, reason: (result.reason as Error).message });
      });
    }
    for (const { userId, reason } of refused) options.log.warn('change refused', { user: userId, reason });
    return { lines, summary: { ...summary, refused: refused.length }, refused };
  } finally {
    client.close();
  }
}
