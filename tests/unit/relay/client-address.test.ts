// X-Forwarded-For is believed only from configured reverse proxies: otherwise any client could
// write any address into it, dodge the per-address limit on unauthenticated sockets, or blame
// another address in the relay's logs.
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../../apps/relay/client-address.ts';
import { loadConfig } from '../../../apps/relay/config.ts';

const proxy = new Set(['10.0.0.5']);

describe('the client address behind a reverse proxy', () => {
  it('a socket from a trusted proxy: the address the proxy appended', () => {
    expect(clientAddress('10.0.0.5', '192.168.7.20', proxy)).toBe('192.168.7.20');
    expect(clientAddress('::ffff:10.0.0.5', '192.168.7.20', proxy)).toBe('192.168.7.20');
  });

  it('what the client wrote into the header before the proxy is not believed', () => {
    // The device sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real peer.
    expect(clientAddress('10.0.0.5', '1.2.3.4, 192.168.7.20', proxy)).toBe('192.168.7.20');
  });

  it('a socket from anyone else: its own address, whatever the header says', () => {
    expect(clientAddress('192.168.7.20', '10.9.9.9', proxy)).toBe('192.168.7.20');
    expect(clientAddress('192.168.7.20', '10.9.9.9', new Set())).toBe('192.168.7.20');
  });

  it('chains of trusted proxies are walked; a garbage entry ends the walk at the last address seen', () => {
    const two = new Set(['10.0.0.5', '10.0.0.6']);
    expect(clientAddress('10.0.0.6', '192.168.7.20, 10.0.0.5', two)).toBe('192.168.7.20');
    expect(clientAddress('10.0.0.5', 'nonsense', proxy)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', undefined, proxy)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', ['192.168.7.1', '192.168.7.20'], proxy)).toBe('192.168.7.20');
  });

  it('the configuration takes addresses only, from file, environment or flag', () => {
    expect(loadConfig(['--trusted-proxies', '127.0.0.1, ::1'], {}).trustedProxies).toEqual(['127.0.0.1', '::1']);
    expect(loadConfig([], { RELAY_TRUSTED_PROXIES: '10.0.0.5' }).trustedProxies).toEqual(['10.0.0.5']);
    expect(loadConfig([], {}).trustedProxies).toEqual([]);
    expect(() => loadConfig(['--trusted-proxies', 'proxy.klinik.local'], {})).toThrow(/trustedProxies.*IP address/);
    expect(() => loadConfig(['--trusted-proxies', '10.0.0.0/8'], {})).toThrow(/IP address/);
  });
});
