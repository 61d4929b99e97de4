// The agent's config file: zod-checked, a bad file names the field; plaintext binds and ws:// are
// refused unless the test-only flag is set.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../apps/relay/directory-agent/config.ts';

const good = {
  relay: { url: 'wss://relay.klinik.test', orgPublicKey: 'A'.repeat(43) },
  delegationId: 'dlg-0123456789',
  keyFile: '/etc/klinikfunk/agent.key',
  ldap: {
    url: 'ldaps://dc1.klinik.test',
    bindDn: 'CN=klinikfunk,OU=Dienste,DC=klinik,DC=test',
    bindPasswordFile: '/etc/klinikfunk/ldap-password',
    userBase: 'OU=Personal,DC=klinik,DC=test',
  },
  groups: ['CN=Klinikfunk,OU=Gruppen,DC=klinik,DC=test'],
};

describe('directory agent config', () => {
  it('fills the defaults', () => {
    const config = parseConfig(good);
    expect(config.attributes).toEqual({ id: 'entryUUID', displayName: 'displayName', department: 'department' });
    expect(config.schedule.intervalMinutes).toBe(15);
    expect(config.safety).toEqual({ maxDeactivateShare: 0.1, minUsers: 1 });
    expect(config.ldap.startTls).toBe(false);
  });

  it('names the wrong field', () => {
    expect(() => parseConfig({ ...good, groups: [] })).toThrow(/config: groups:/);
    expect(() => parseConfig({ ...good, attributes: { id: 'mail' } })).toThrow(/config: attributes\.id:/);
    expect(() => parseConfig({ ...good, safety: { maxDeactivateShare: 2 } })).toThrow(
      /config: safety\.maxDeactivateShare:/,
    );
    expect(() => parseConfig({ ...good, extra: 1 })).toThrow(ConfigError);
  });

  it('refuses a bind or a relay link in the clear unless the test-only flag is set', () => {
    const plain = { ...good, ldap: { ...good.ldap, url: 'ldap://dc1.klinik.test' } };
    expect(() => parseConfig(plain)).toThrow(/startTls/);
    expect(parseConfig({ ...plain, ldap: { ...plain.ldap, startTls: true } }).ldap.startTls).toBe(true);
    expect(() => parseConfig({ ...good, relay: { ...good.relay, url: 'ws://relay' } })).toThrow(/wss/);
    expect(parseConfig({ ...plain, allowPlaintextForTests: true }).allowPlaintextForTests).toBe(true);
  });
});
