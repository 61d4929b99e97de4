// Directory agent: the first sync of 2,000 people from a real slapd (StartTLS) into a relay
// process (every user record signed with the delegated key, checked and stored), then a re-sync
// that finds nothing to change. The agent runs in the bench process; relay and slapd are their own
// processes on the same 2 cores.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger } from '@klinikfunk/node-common/logger.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { loadAgentKey, newAgentKey } from '../apps/relay/directory-agent/agent-key.ts';
import { parseConfig } from '../apps/relay/directory-agent/config.ts';
import { runOnce } from '../apps/relay/directory-agent/sync.ts';
import { startTestRelay, TestOrg, testId } from '../tests/harness/relay.ts';
import { AGENT_DN, BASE_DN, STAFF_GROUP, startSlapd } from '../tests/harness/slapd.ts';
import type { BenchResult } from './types.ts';

const SUITE = 'directory-agent';
const PEOPLE = 2_000;

export async function run(): Promise<BenchResult[]> {
  await readySodium();
  const dir = await mkdtemp(join(tmpdir(), 'kf-agent-bench-'));
  const slapd = await startSlapd({ users: PEOPLE, disabledEvery: 0 });
  try {
    const publicKey = await newAgentKey(join(dir, 'agent.key'));
    const key = loadAgentKey(join(dir, 'agent.key'));
    const org = await TestOrg.create();
    const delegationId = testId('dlg');
    org.records.push(
      org.sign('delegation', {
        orgId: org.orgId,
        delegationId,
        holder: { kind: 'key', publicKey },
        label: 'Verzeichnis-Agent',
        scope: { kind: 'all_members' },
        expiresAt: Date.now() + 86_400_000,
        issuedAt: Date.now(),
      }),
    );
    const relay = await startTestRelay({ org, mode: 'process' });
    try {
      const config = parseConfig({
        relay: { url: relay.url, orgPublicKey: toBase64Url(org.org.publicKey) },
        delegationId,
        keyFile: join(dir, 'agent.key'),
        ldap: {
          url: slapd.url,
          startTls: true,
          caFile: slapd.caFile,
          bindDn: AGENT_DN,
          bindPasswordFile: slapd.agentPasswordFile,
          userBase: `ou=Personal,${BASE_DN}`,
          userFilter: '(objectClass=inetOrgPerson)',
        },
        attributes: { id: 'entryUUID', displayName: 'displayName', department: 'departmentNumber' },
        groups: [STAFF_GROUP],
        allowPlaintextForTests: true,
      });
      const { logger: log } = createMemoryLogger();
      const timed = async () => {
        const t0 = performance.now();
        const result = await runOnce(config, key, { dryRun: false, log });
        return { ms: performance.now() - t0, result };
      };
      const first = await timed();
      if (first.result.summary.created !== PEOPLE || first.result.refused.length > 0)
        throw new Error(`first sync: ${JSON.stringify(first.result.summary)}`);
      const second = await timed();
      if (second.result.summary.unchanged !== PEOPLE)
        throw new Error(`re-sync: ${JSON.stringify(second.result.summary)}`);
      return [
        {
          suite: SUITE,
          name: `initial sync, ${PEOPLE} users (LDAP read, records signed and stored)`,
          value: Math.round(first.ms),
          unit: 'ms',
          target: '< 60 s',
          ok: first.ms < 60_000,
        },
        {
          suite: SUITE,
          name: `re-sync without changes, ${PEOPLE} users`,
          value: Math.round(second.ms),
          unit: 'ms',
          target: '< 5 s',
          ok: second.ms < 5_000,
        },
      ];
    } finally {
      await relay.dispose();
    }
  } finally {
    await slapd.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
