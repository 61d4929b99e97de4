// The formats IT writes into ProxyServer and RelayCaCertificates, the PAC answers Chromium gives
// and the proxy environment under Node: what they are read as, and what is refused.
import { describe, expect, it } from 'vitest';
import {
  fromEnvironment,
  fromPacResult,
  parseProxyServer,
  redactProxy,
} from '../../../apps/desktop/electron/core/net/proxy-choice.ts';
import { parseRelayCaEntry } from '../../../apps/desktop/electron/core/net/relay-ca-policy.ts';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';

describe('ProxyServer', () => {
  it.each([
    ['proxy.klinik.local:3128', 'http://proxy.klinik.local:3128/'],
    ['http://proxy.klinik.local:8080', 'http://proxy.klinik.local:8080/'],
    ['http://svc-kf:p%40ss@proxy:8080', 'http://svc-kf:p%40ss@proxy:8080/'],
    ['https://proxy:443', 'https://proxy/'],
  ])('reads %s', (value, href) => {
    expect(parseProxyServer(value)?.href).toBe(href);
  });

  it.each(['proxy.klinik.local', 'socks5://proxy:1080', 'http://proxy:8080/pfad', 'ftp://proxy:21', ''])(
    'refuses %s',
    (value) => {
      expect(parseProxyServer(value)).toBeNull();
      const resolved = resolvePolicy([{ name: 'file', kind: 'json', path: 'p.json', values: { proxyServer: value } }]);
      expect(resolved.problems.map((p) => p.key)).toEqual(['proxyServer']);
    },
  );

  it('shows no password', () => {
    expect(redactProxy('http://svc-kf:geheim@proxy:8080')).toBe('(Zugangsdaten) http://proxy:8080');
    expect(redactProxy('proxy:3128')).toBe('http://proxy:3128');
  });
});

describe('system proxy answers', () => {
  it.each([
    ['DIRECT', { kind: 'direct' }],
    ['PROXY proxy:8080; DIRECT', { kind: 'proxy', url: 'http://proxy:8080/' }],
    ['SOCKS5 s:1080; HTTPS p:443', { kind: 'proxy', url: 'https://p/' }],
    ['SOCKS s:1080', { kind: 'direct' }],
    ['', { kind: 'direct' }],
  ])('PAC %j', (pac, choice) => {
    expect(fromPacResult(pac)).toEqual(choice);
  });

  it('HTTPS_PROXY for wss, HTTP_PROXY for ws, NO_PROXY by host, domain and port', () => {
    const env = { HTTPS_PROXY: 'http://p:3128', HTTP_PROXY: 'http://q:3128', NO_PROXY: '.intern.local,relay2:8443' };
    expect(fromEnvironment('wss://relay.klinik.de', env)).toEqual({ kind: 'proxy', url: 'http://p:3128/' });
    expect(fromEnvironment('ws://relay.klinik.de', env)).toEqual({ kind: 'proxy', url: 'http://q:3128/' });
    expect(fromEnvironment('wss://kf.intern.local', env)).toEqual({ kind: 'direct' });
    expect(fromEnvironment('wss://relay2:8443', env)).toEqual({ kind: 'direct' });
    expect(fromEnvironment('wss://relay2', env)).toEqual({ kind: 'proxy', url: 'http://p:3128/' });
    expect(fromEnvironment('wss://relay', {})).toEqual({ kind: 'direct' });
  });
});

describe('RelayCaCertificates entries', () => {
  const hex = 'AB'.repeat(32);
  it.each([
    [hex, { kind: 'thumbprint', sha256: hex.toLowerCase() }],
    [hex.match(/../g)!.join(':'), { kind: 'thumbprint', sha256: hex.toLowerCase() }],
    [hex.match(/../g)!.join(' '), { kind: 'thumbprint', sha256: hex.toLowerCase() }],
    [
      'C:\\ProgramData\\Klinikfunk\\klinik-ca.pem',
      { kind: 'file', path: 'C:\\ProgramData\\Klinikfunk\\klinik-ca.pem' },
    ],
    ['\\\\fs01\\pki\\klinik-ca.cer', { kind: 'file', path: '\\\\fs01\\pki\\klinik-ca.cer' }],
    ['/etc/klinikfunk/klinik-ca.pem', { kind: 'file', path: '/etc/klinikfunk/klinik-ca.pem' }],
  ])('reads %s', (value, entry) => {
    expect(parseRelayCaEntry(value)).toEqual(entry);
  });

  it.each(['klinik-ca.pem', 'AB'.repeat(20), 'ZZ'.repeat(32)])(
    'refuses %s (a relative path, a SHA-1 thumbprint, no hex)',
    (value) => {
      expect(parseRelayCaEntry(value)).toBeNull();
      const resolved = resolvePolicy([
        { name: 'file', kind: 'json', path: 'p.json', values: { relayCaCertificates: [value] } },
      ]);
      expect(resolved.problems.map((p) => p.key)).toEqual(['relayCaCertificates']);
      expect(resolved.values.relayCaCertificates).toEqual([]);
    },
  );
});
