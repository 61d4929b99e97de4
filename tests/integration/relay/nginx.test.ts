// The reverse-proxy example we ship (deploy/nginx-klinikfunk-relay.conf), run with Debian's nginx
// on loopback: nginx terminates TLS with a certificate of the clinic's CA (made by openssl here)
// and passes the WebSocket, messages and 1 MiB blob chunks, to the relay. The relay takes the
// device's address from X-Forwarded-For only because nginx is in its trustedProxies; a device
// that writes the header itself, straight to the relay, is not believed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginx, type Nginx } from '../../harness/nginx.ts';
import { deviceTransport, startTestRelay, TestOrg, testId, type TestRelay } from '../../harness/relay.ts';
import { issueServerCert, makeCa, type TestCa } from '../../harness/test-ca.ts';

/** nginx connects to the relay from this loopback address, the devices from 127.0.0.1. */
const PROXY_ADDRESS = '127.0.0.3';

describe('the relay behind the shipped nginx example', { timeout: 90_000 }, () => {
  let dir = '';
  let ca: TestCa;
  let relay: TestRelay;
  let nginx: Nginx;
  let org: TestOrg;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kf-nginx-test-'));
    ca = await makeCa(dir, 'klinik');
    const cert = await issueServerCert(dir, ca, 'relay');
    org = await TestOrg.create();
    relay = await startTestRelay({
      org,
      mode: 'process',
      args: ['--log-level', 'debug', '--trusted-proxies', PROXY_ADDRESS],
    });
    nginx = await startNginx({
      upstreamPort: relay.port,
      fullChain: cert.fullChain,
      key: cert.key,
      bindAddress: PROXY_ADDRESS,
    });
  }, 60_000);
  afterAll(async () => {
    await nginx?.stop();
    await relay?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const opened = () =>
    relay
      .output()
      .split('\n')
      .filter((l) => l.includes('"msg":"connection opened"'))
      .map((l) => (JSON.parse(l) as { remote: string }).remote);

  it('messages and files pass through nginx over TLS, and the relay sees the device, not the proxy', async () => {
    const a = org.addDevice(org.addUser('Anna'));
    const b = org.addDevice(org.addUser('Ben'));
    const channelId = testId('chan');
    org.setRoster(channelId, [a.userId, b.userId]);
    await relay.stop();
    await relay.restart();
    const tls = { ca: ca.pem };
    const anna = deviceTransport(nginx.url, a, { tls });
    const ben = deviceTransport(nginx.url, b, { tls });
    try {
      await anna.connect();
      await ben.connect();
      const pushed = new Promise<Uint8Array>((resolve) => ben.onPush((event) => resolve(event.envelope)));
      const envelope = new Uint8Array(1200).fill(9);
      await anna.publish(channelId, testId('evt'), envelope);
      expect(await pushed).toEqual(envelope);
      const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
      const { hash } = await anna.putBlob(bytes);
      expect(await anna.getBlob(hash)).toEqual(bytes);
    } finally {
      await anna.close();
      await ben.close();
    }
    const remotes = opened();
    expect(remotes.length).toBeGreaterThanOrEqual(2);
    expect(remotes.every((r) => r === '127.0.0.1')).toBe(true);
  });

  it('a header the device writes itself, straight to the relay, is not believed', async () => {
    const before = opened().length;
    const ws = new WebSocket(relay.url, { headers: { 'x-forwarded-for': '203.0.113.66' } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.close();
    const deadline = Date.now() + 10_000;
    while (!opened().slice(before).includes('127.0.0.1') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    expect(opened().slice(before)).toContain('127.0.0.1');
    expect(relay.output()).not.toContain('203.0.113.66');
  });
});
