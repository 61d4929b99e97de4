// What support.json says of the machine policy (apps/desktop/electron/core/app/support-package.ts): the
// package leaves the PC, so a proxy password never travels in it, whichever of the accepted
// ProxyServer forms carries it, and paths under the Windows user's folder lose the user's name.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { supportSummary } from '../../../apps/desktop/electron/core/app/support-package.ts';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';

const summaryFor = (values: Record<string, unknown>) =>
  JSON.stringify(
    supportSummary({
      app: { name: 'Klinikfunk', version: '1.0.0', build: { commit: 'c', date: 'd' }, managedSettings: [] } as never,
      policy: resolvePolicy([{ name: 'file', kind: 'json', values, path: '/etc/klinikfunk/policy.json' }]),
      profiles: [],
      profileCount: 0,
      logFiles: [],
      now: new Date(0),
    }),
  );

describe('support summary: policy values without secrets', () => {
  for (const [form, proxyServer] of [
    ['with scheme', 'http://it-proxy:Geheim42@proxy.klinik.local:3128'],
    ['without scheme (the policy accepts it)', 'it-proxy:Geheim42@proxy.klinik.local:3128'],
    ['with "@" in the password', 'http://it-proxy:Ge@heim42@proxy.klinik.local:3128'],
  ] as const)
    it(`masks the credentials of ProxyServer ${form}`, () => {
      const text = summaryFor({ proxyMode: 'fixed', proxyServer });
      expect(text).toContain('proxy.klinik.local:3128');
      expect(text).not.toContain('Geheim42');
      expect(text).not.toContain('heim42');
      expect(text).not.toContain('it-proxy');
    });

  it('names a CA file under the user folder without the folder', () => {
    const text = summaryFor({ relayCaCertificates: [join(homedir(), 'Zertifikate', 'klinik-ca.pem')] });
    expect(text).toContain('klinik-ca.pem');
    expect(text).not.toContain(JSON.stringify(homedir()).slice(1, -1));
  });
});

describe('support summary: the policies take what the test gives', () => {
  it('resolves the values without problems', () => {
    const text = summaryFor({ proxyMode: 'fixed', proxyServer: 'proxy.klinik.local:3128' });
    expect(JSON.parse(text).policy.problems).toEqual([]);
  });
});
