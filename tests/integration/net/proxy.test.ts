// Proxies (issue 18 item 2) through a real one: tinyproxy, started per test on a loopback port.
// Messages and blobs go through its CONNECT tunnel to a TLS relay; a proxy that refuses, one that
// wants credentials and one that is not there give stable codes while the transport keeps
// retrying; ProxyMode=system takes the platform's answer.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { nodeNetwork } from '../../../apps/desktop/electron/core/net/node-network.ts';
import { createRelayNetwork, type RelayNetworkPolicy } from '../../../apps/desktop/electron/core/net/relay-network.ts';
import type { NetworkPlatform } from '../../../apps/desktop/electron/core/platform/platform.ts';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';
import { lookupEnrolment } from '../../../apps/desktop/electron/core/transport/enrol-lookup.ts';
import type { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import { TransportError } from '../../../apps/desktop/electron/core/transport/transport.ts';
import { de } from '../../../apps/desktop/renderer/src/i18n/de.ts';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../../harness/relay.ts';
import { issueServerCert, makeCa, type TestCa } from '../../harness/test-ca.ts';
import { startTinyproxy, type Tinyproxy } from '../../harness/tinyproxy.ts';

async function until(transport: RelayTransport, check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(transport.connection())}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('relay connections through an HTTP CONNECT proxy (tinyproxy)', () => {
  let dir = '';
  let ca: TestCa;
  let relay: TestRelay;
  let alice: TestDevice;
  let bob: TestDevice;
  let channelId = '';
  const proxies: Tinyproxy[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kf-proxy-'));
    ca = await makeCa(dir, 'klinik');
    const cert = await issueServerCert(dir, ca, 'relay');
    const org = await TestOrg.create();
    const [ua, ub] = [org.addUser('Anna'), org.addUser('Ben')];
    alice = org.addDevice(ua);
    bob = org.addDevice(ub);
    channelId = testId('chan');
    org.setRoster(channelId, [ua, ub]);
    relay = await startTestRelay({ org, tls: { cert: cert.cert, key: cert.key } });
  });
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.stop()));
    await relay?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const proxy = async (options: Parameters<typeof startTinyproxy>[0]) => {
    const started = await startTinyproxy(options);
    proxies.push(started);
    return started;
  };
  const network = (
    policy: Omit<RelayNetworkPolicy, 'relayCaCertificates'>,
    platform: NetworkPlatform = nodeNetwork({}),
  ) => {
    const { logger, records } = createMemoryLogger();
    return {
      network: createRelayNetwork({ platform, policy: { ...policy, relayCaCertificates: [ca.certFile] }, log: logger }),
      records,
    };
  };
  /** ProxyServer as IT writes it, through the policy table's schema. */
  const proxyServerPolicy = (value: string) => {
    const resolved = resolvePolicy([
      { name: 'file', kind: 'json', path: 'policy.json', values: { proxyMode: 'fixed', proxyServer: value } },
    ]);
    expect(resolved.problems).toEqual([]);
    return { proxyMode: 'fixed' as const, proxyServer: resolved.values.proxyServer };
  };

  it('messages and a blob upload and download go through the proxy, which saw the CONNECTs to the relay', async () => {
    const tp = await proxy({ connectPorts: [relay.port] });
    const { network: net } = network(proxyServerPolicy(`127.0.0.1:${tp.port}`));
    const a = deviceTransport(relay.url, alice, { network: net });
    const b = deviceTransport(relay.url, bob, { network: net });
    try {
      await Promise.all([a.connect(), b.connect()]);
      const { seq } = await a.publish(channelId, testId('evt'), new Uint8Array([1, 2, 3]));
      expect((await b.fetchPage(channelId, seq - 1, 1))[0]?.envelope).toEqual(new Uint8Array([1, 2, 3]));
      // Three chunks of 1 MiB and a bit: the blob path, not only small frames.
      const blob = new Uint8Array(3 * 1024 * 1024 + 77).map((_, i) => (i * 31) % 251);
      const { hash } = await a.putBlob(blob);
      await a.publish(channelId, testId('evt'), new Uint8Array([4]), { blobs: [hash] });
      expect(await b.getBlob(hash)).toEqual(blob);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    const connects = await tp.connects();
    expect(connects.filter((c) => c === `127.0.0.1:${relay.port}`).length).toBeGreaterThanOrEqual(2);
  });

  it('a proxy that refuses the relay port: proxy_refused, and the transport keeps retrying with backoff', async () => {
    const tp = await proxy({ connectPorts: [443] });
    const { network: net, records } = network(proxyServerPolicy(`http://127.0.0.1:${tp.port}`));
    const a = deviceTransport(relay.url, alice, { network: net });
    a.connect().catch(() => {});
    try {
      await until(
        a,
        () => a.connection().problem === 'proxy_refused' && a.connection().reconnectAttempt >= 3,
        'refused and retried',
      );
      expect(a.state()).toBe('connecting');
    } finally {
      await a.close();
    }
    expect((await tp.log()).includes(`Refused CONNECT method on port ${relay.port}`)).toBe(true);
    expect(records.filter((r) => r.level !== 'info')).toEqual([]); // The network's own set-up went fine.
    expect(de['error.proxy_refused']).toContain('IT');
  });

  it('with a thumbprint policy, a proxy that refuses or wants credentials is named (the chain probe does not crash on its answer)', async () => {
    // The probe that fetches the relay's chain for RelayCaCertificates thumbprints goes through the
    // same proxy: its refusal must end the probe, not throw from inside the HTTP client.
    for (const options of [{ connectPorts: [443] }, { basicAuth: { user: 'klinikfunk', password: 'geheim' } }]) {
      const tp = await proxy(options);
      const { logger, records } = createMemoryLogger();
      const net = createRelayNetwork({
        platform: nodeNetwork({}),
        policy: { ...proxyServerPolicy(`127.0.0.1:${tp.port}`), relayCaCertificates: [ca.thumbprint] },
        log: logger,
      });
      const want = 'basicAuth' in options ? 'proxy_auth' : 'proxy_refused';
      const lookup = lookupEnrolment(
        relay.url,
        { deviceId: testId('dev'), enrolmentId: 'x'.repeat(43), sign: () => new Uint8Array(64) },
        { network: net },
      );
      await expect(lookup).rejects.toSatisfy((e: unknown) => e instanceof TransportError && e.code === want);
      const a = deviceTransport(relay.url, alice, { network: net });
      a.connect().catch(() => {});
      try {
        await until(a, () => a.connection().problem === want && a.connection().reconnectAttempt >= 2, want);
      } finally {
        await a.close();
      }
      expect(records.find((r) => r.message === 'relay certificate chain not fetched')).toBeDefined();
    }
  });

  it('a proxy that denies this client: proxy_refused for the enrolment lookup too', async () => {
    const tp = await proxy({ allow: ['10.254.254.254'] });
    const { network: net } = network(proxyServerPolicy(`127.0.0.1:${tp.port}`));
    const lookup = lookupEnrolment(
      relay.url,
      { deviceId: testId('dev'), enrolmentId: 'x'.repeat(43), sign: () => new Uint8Array(64) },
      { network: net },
    );
    await expect(lookup).rejects.toSatisfy((e: unknown) => e instanceof TransportError && e.code === 'proxy_refused');
  });

  it('a proxy that needs credentials works with them in ProxyServer and says proxy_auth without', async () => {
    const tp = await proxy({ basicAuth: { user: 'klinikfunk', password: 'geheim' } });
    const withCredentials = deviceTransport(relay.url, alice, {
      network: network(proxyServerPolicy(`http://klinikfunk:geheim@127.0.0.1:${tp.port}`)).network,
    });
    try {
      await withCredentials.connect();
      await withCredentials.publish(channelId, testId('evt'), new Uint8Array([5]));
    } finally {
      await withCredentials.close();
    }
    expect(await tp.connects()).toContain(`127.0.0.1:${relay.port}`);

    const without = deviceTransport(relay.url, alice, {
      network: network(proxyServerPolicy(`127.0.0.1:${tp.port}`)).network,
    });
    without.connect().catch(() => {});
    try {
      await until(
        without,
        () => without.connection().problem === 'proxy_auth' && without.connection().reconnectAttempt >= 2,
        'asked for credentials',
      );
    } finally {
      await without.close();
    }
    expect(de['error.proxy_auth']).toContain('ProxyServer');
  });

  it('a proxy that is not there: proxy_unreachable, still retrying', async () => {
    const tp = await proxy({});
    const port = tp.port;
    await tp.stop();
    proxies.splice(proxies.indexOf(tp), 1);
    const a = deviceTransport(relay.url, alice, { network: network(proxyServerPolicy(`127.0.0.1:${port}`)).network });
    a.connect().catch(() => {});
    try {
      await until(
        a,
        () => a.connection().problem === 'proxy_unreachable' && a.connection().reconnectAttempt >= 2,
        'unreachable',
      );
    } finally {
      await a.close();
    }
  });

  it('a proxy that accepts but never answers the CONNECT: proxy_unreachable and retried, the probe included', async () => {
    // A wrong port that takes the connection and waits, or a hung proxy: without a bound the
    // attempt waited for ever and the transport stayed "Verbinde …" without a reason or a retry.
    const held = new Set<Socket>();
    const silent = createServer((socket) => {
      // Reads and ignores the CONNECT (reading is what lets this side see the client's close).
      socket.resume();
      held.add(socket);
      socket.on('close', () => held.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const port = (silent.address() as AddressInfo).port;
    try {
      const { logger } = createMemoryLogger();
      const net = createRelayNetwork({
        platform: nodeNetwork({}),
        policy: { ...proxyServerPolicy(`127.0.0.1:${port}`), relayCaCertificates: [ca.thumbprint] },
        log: logger,
        proxyAnswerMs: 300,
      });
      const lookup = lookupEnrolment(
        relay.url,
        { deviceId: testId('dev'), enrolmentId: 'x'.repeat(43), sign: () => new Uint8Array(64) },
        { network: net, timeoutMs: 60_000 },
      );
      await expect(lookup).rejects.toSatisfy(
        (e: unknown) => e instanceof TransportError && e.code === 'proxy_unreachable',
      );
      const a = deviceTransport(relay.url, alice, { network: net });
      a.connect().catch(() => {});
      try {
        await until(
          a,
          () => a.connection().problem === 'proxy_unreachable' && a.connection().reconnectAttempt >= 2,
          'proxy silent',
        );
      } finally {
        await a.close();
      }
      // The abandoned attempts' sockets to the proxy are closed, not left waiting.
      const deadline = Date.now() + 10_000;
      while (held.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(held.size).toBe(0);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('a proxy spoken to over TLS (https://) with a certificate of the clinic CA is trusted like the relay', async () => {
    // TLS in front of tinyproxy, as a clinic's HTTPS proxy: its certificate is from the clinic
    // CA, which the workstation trusts through RelayCaCertificates (or the OS store).
    const tp = await proxy({});
    const proxyCert = await issueServerCert(dir, ca, 'https-proxy');
    const piped = new Set<Socket>();
    const front = createTlsServer({ cert: proxyCert.cert, key: proxyCert.key }, (socket) => {
      const upstream = connect(tp.port, '127.0.0.1');
      piped.add(socket).add(upstream);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { network: net } = network(proxyServerPolicy(`https://127.0.0.1:${(front.address() as AddressInfo).port}`));
      const a = deviceTransport(relay.url, alice, { network: net });
      a.connect().catch(() => {});
      try {
        await until(a, () => a.state() === 'online', 'online through the HTTPS proxy');
      } finally {
        await a.close();
      }
      expect(await tp.connects()).toContain(`127.0.0.1:${relay.port}`);
    } finally {
      for (const socket of piped) socket.destroy();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    }
  });

  it('ProxyMode=system goes through the proxy the platform names (Node: HTTPS_PROXY, NO_PROXY)', async () => {
    const tp = await proxy({});
    const platform = nodeNetwork({ HTTPS_PROXY: tp.url, NO_PROXY: 'localhost' });
    const a = deviceTransport(relay.url, alice, {
      network: network({ proxyMode: 'system', proxyServer: null }, platform).network,
    });
    try {
      await a.connect();
    } finally {
      await a.close();
    }
    expect(await tp.connects()).toContain(`127.0.0.1:${relay.port}`);

    // NO_PROXY naming the relay's host: directly, the proxy sees nothing more.
    const before = (await tp.connects()).length;
    const direct = deviceTransport(relay.url, alice, {
      network: network(
        { proxyMode: 'system', proxyServer: null },
        nodeNetwork({ HTTPS_PROXY: tp.url, NO_PROXY: '127.0.0.1' }),
      ).network,
    });
    try {
      await direct.connect();
    } finally {
      await direct.close();
    }
    expect((await tp.connects()).length).toBe(before);
  });

  it('ProxyMode=direct ignores the system proxy', async () => {
    const tp = await proxy({});
    const a = deviceTransport(relay.url, alice, {
      network: network(
        { proxyMode: 'direct', proxyServer: `127.0.0.1:${tp.port}` },
        nodeNetwork({ HTTPS_PROXY: tp.url }),
      ).network,
    });
    try {
      await a.connect();
    } finally {
      await a.close();
    }
    expect(await tp.connects()).toEqual([]);
  });
});
