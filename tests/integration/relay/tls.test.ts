// TLS: with a certificate and key the relay speaks wss:// and https:// (/healthz); a client that
// trusts the clinic's CA connects, one that does not is never online.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../../harness/relay.ts';

const run = promisify(execFile);
/** openssl makes the throwaway certificate (Debian's postgresql pulls it in via ssl-cert). */
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!hasOpenssl)('relay over TLS', () => {
  let dir = '';
  let cert = '';
  let relay: TestRelay;
  let a: TestDevice;
  let b: TestDevice;
  let channelId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kf-tls-'));
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', '/CN=relay.klinik.test', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]); // prettier-ignore
    cert = await readFile(join(dir, 'cert.pem'), 'utf8');
    const key = await readFile(join(dir, 'key.pem'), 'utf8');
    const org = await TestOrg.create();
    const [ua, ub] = [org.addUser(), org.addUser()];
    a = org.addDevice(ua);
    b = org.addDevice(ub);
    channelId = testId('chan');
    org.setRoster(channelId, [ua, ub]);
    relay = await startTestRelay({ org, tls: { cert, key } });
  });
  afterAll(async () => {
    await relay?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('exchanges over wss:// with the clinic CA pinned', async () => {
    expect(relay.url.startsWith('wss://127.0.0.1:')).toBe(true);
    const alice = deviceTransport(relay.url, a, { tls: { ca: cert } });
    const bob = deviceTransport(relay.url, b, { tls: { ca: cert } });
    await Promise.all([alice.connect(), bob.connect()]);
    const { seq } = await alice.publish(channelId, testId('evt'), new Uint8Array([9]));
    expect((await bob.fetchPage(channelId, seq - 1, 1))[0]?.envelope).toEqual(new Uint8Array([9]));
    await Promise.all([alice.close(), bob.close()]);
  });

  it('never goes online with a relay certificate it does not trust', async () => {
    const t = deviceTransport(relay.url, a);
    const connecting = t.connect().catch(() => {});
    await new Promise((r) => setTimeout(r, 800));
    expect(t.state()).toBe('connecting');
    await t.close();
    await connecting;
  });

  it('serves /healthz over https', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`https://127.0.0.1:${relay.port}/healthz`, { ca: cert }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });
});
