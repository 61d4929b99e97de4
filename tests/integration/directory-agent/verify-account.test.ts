// The password check of sign-in with the directory password against a real OpenLDAP (slapd,
// StartTLS): an unknown account name must do the same LDAP work as a known one with a wrong
// password (a bind with the typed password, on its own connection), or the answer's timing tells
// which names exist. Checked by the bind calls made, not by a clock.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig, type AgentConfig } from '../../../apps/relay/directory-agent/config.ts';
import { verifyAccount } from '../../../apps/relay/directory-agent/verify-account.ts';
import { AGENT_DN, BASE_DN, personPassword, STAFF_GROUP, startSlapd, type Slapd } from '../../harness/slapd.ts';

describe('verifyAccount', () => {
  let slapd: Slapd;
  let dir: string;
  let config: AgentConfig;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kf-verify-'));
    slapd = await startSlapd({ users: 5, disabledEvery: 0 });
    config = parseConfig({
      relay: { url: 'ws://127.0.0.1:1', orgPublicKey: 'A'.repeat(43) },
      delegationId: 'delegation-1',
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
      signIn: { accountAttribute: 'uid' },
      allowPlaintextForTests: true,
    });
  }, 120_000);

  afterAll(async () => {
    await slapd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  afterEach(() => vi.restoreAllMocks());

  /** The passwords of the binds one check makes, in order (the service account's shown as 'service'). */
  const bindsOf = async (account: string, password: string) => {
    const bind = vi.spyOn(Client.prototype, 'bind');
    const verdict = await verifyAccount(config, account, password);
    const binds = bind.mock.calls.map(([, secret]) => (secret === password ? 'typed' : 'service'));
    bind.mockRestore();
    return { verdict, binds };
  };

  it('an unknown account binds with the typed password just as a wrong password does', async () => {
    const wrong = await bindsOf('person1', 'falsch-geraten');
    const unknown = await bindsOf('niemand', 'falsch-geraten');
    const ambiguous = await bindsOf('person*', 'falsch-geraten');
    expect(wrong.verdict).toEqual({ ok: false, code: 'wrong_credentials' });
    expect(unknown.verdict).toEqual(wrong.verdict);
    expect(ambiguous.verdict).toEqual(wrong.verdict);
    expect(wrong.binds).toEqual(['service', 'typed']);
    expect(unknown.binds).toEqual(wrong.binds);
    expect(ambiguous.binds).toEqual(wrong.binds);
  }, 60_000);

  it('the right password still signs in', async () => {
    const right = await bindsOf('person1', personPassword(1));
    expect(right.verdict).toMatchObject({ ok: true, dn: `uid=person1,ou=Personal,${BASE_DN}` });
  }, 60_000);
});
