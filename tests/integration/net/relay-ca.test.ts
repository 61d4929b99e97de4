// The clinic's own CA (issue 18 item 1): a relay whose certificate the clinic's CA issued (made
// here by openssl) is trusted through the OS store or the policy RelayCaCertificates (file or
// thumbprint), refused otherwise with the stable code relay_untrusted, and a certificate of
// another CA is refused even with the policy set.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { nodeNetwork } from '../../../apps/desktop/electron/core/net/node-network.ts';
import { createRelayNetwork, type RelayNetworkPolicy } from '../../../apps/desktop/electron/core/net/relay-network.ts';
import type { NetworkPlatform } from '../../../apps/desktop/electron/core/platform/platform.ts';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';
import { lookupEnrolment } from '../../../apps/desktop/electron/core/transport/enrol-lookup.ts';
import { checkRelayOrg } from '../../../apps/desktop/electron/core/transport/relay-org-check.ts';
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
import { startTinyproxy } from '../../harness/tinyproxy.ts';
import { issueIntermediateCa, issueServerCert, makeCa, type TestCa } from '../../harness/test-ca.ts';

const policy = (relayCaCertificates: string[]): RelayNetworkPolicy => ({
  proxyMode: 'direct',
  proxyServer: null,
  relayCaCertificates,
});

/** Waits (bounded) until the transport reports `want`, or fails with what it reported instead. */
async function until(transport: RelayTransport, check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(transport.connection())}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('relay certificates from the clinic CA', () => {
  let dir = '';
  let clinicCa: TestCa;
  let otherCa: TestCa;
  let relay: TestRelay;
  let foreignRelay: TestRelay;
  let org: TestOrg;
  let device: TestDevice;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kf-ca-'));
    clinicCa = await makeCa(dir, 'klinik');
    otherCa = await makeCa(dir, 'fremd');
    const clinicCert = await issueServerCert(dir, clinicCa, 'relay');
    const foreignCert = await issueServerCert(dir, otherCa, 'foreign');
    org = await TestOrg.create();
    device = org.addDevice(org.addUser());
    // Both relays send their full chain (leaf and CA), as the thumbprint policy needs.
    relay = await startTestRelay({ org, tls: { cert: clinicCert.fullChain, key: clinicCert.key } });
    foreignRelay = await startTestRelay({ org, tls: { cert: foreignCert.fullChain, key: foreignCert.key } });
  });
  afterAll(async () => {
    await relay?.dispose();
    await foreignRelay?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const connectWith = async (
    target: TestRelay,
    relayCaCertificates: string[],
    platform: NetworkPlatform = nodeNetwork({}),
  ) => {
    const { logger, records } = createMemoryLogger();
    const network = createRelayNetwork({ platform, policy: policy(relayCaCertificates), log: logger });
    const transport = deviceTransport(target.url, device, { network });
    transport.connect().catch(() => {});
    return { transport, records };
  };

  it('refuses the relay without trust in the clinic CA: relay_untrusted, retried, with a German sentence saying what to do', async () => {
    const { transport } = await connectWith(relay, []);
    try {
      await until(
        transport,
        () => transport.connection().problem === 'relay_untrusted' && transport.connection().reconnectAttempt >= 2,
        'refused and retried',
      );
      expect(transport.state()).toBe('connecting');
    } finally {
      await transport.close();
    }
    expect(de['error.relay_untrusted']).toContain('RelayCaCertificates');
    expect(de['error.relay_untrusted']).toContain('IT');
  });

  it("a moved relay's organisation check (RelayUrl changed to TLS) goes through the same trust: refused without the clinic CA, passed with it", async () => {
    const networkWith = (entries: string[]) =>
      createRelayNetwork({ platform: nodeNetwork({}), policy: policy(entries), log: createMemoryLogger().logger });
    const request = {
      deviceId: device.deviceId,
      sign: (m: Uint8Array) => device.sign(m),
      certificate: null,
      orgPublicKey: org.org.publicKey,
    };
    const untrusted = await checkRelayOrg(relay.url, request, { timeoutMs: 10_000, network: networkWith([]) });
    // Not "unreachable" (no verdict, silent): a certificate not trusted here will not pass by itself.
    expect(untrusted).toMatchObject({ ok: false, reason: 'network', problem: 'relay_untrusted' });
    // Trusted, the check gets through TLS and the device's authentication to the directory; this
    // test org has no org root record, so the verdict is about that, not about the connection.
    expect(
      await checkRelayOrg(relay.url, request, { timeoutMs: 10_000, network: networkWith([clinicCa.certFile]) }),
    ).toEqual({
      ok: false,
      reason: 'foreign',
      detail: 'the relay has no organisation root',
    });
  });

  it('the enrolment lookup fails with the same stable code', async () => {
    const network = createRelayNetwork({
      platform: nodeNetwork({}),
      policy: policy([]),
      log: createMemoryLogger().logger,
    });
    const lookup = lookupEnrolment(
      relay.url,
      { deviceId: testId('dev'), enrolmentId: 'x'.repeat(43), sign: () => new Uint8Array(64) },
      { network },
    );
    await expect(lookup).rejects.toSatisfy((e: unknown) => e instanceof TransportError && e.code === 'relay_untrusted');
  });

  it('accepts the relay with the CA file named in the policy', async () => {
    const { transport } = await connectWith(relay, [clinicCa.certFile]);
    try {
      await until(transport, () => transport.state() === 'online', 'online');
      expect(transport.connection().problem).toBeNull();
    } finally {
      await transport.close();
    }
  });

  it('accepts the relay with the CA thumbprint in the policy (as openssl prints it; the relay sends the CA in its chain)', async () => {
    // Through the policy resolver: the value IT types must pass the table's schema.
    const resolved = resolvePolicy([
      { name: 'file', kind: 'json', path: 'policy.json', values: { relayCaCertificates: [clinicCa.thumbprint] } },
    ]);
    expect(resolved.problems).toEqual([]);
    const { transport } = await connectWith(relay, resolved.values.relayCaCertificates);
    try {
      await until(transport, () => transport.state() === 'online', 'online');
    } finally {
      await transport.close();
    }
  });

  it('learns the thumbprint CA through the proxy too (the chain probe goes through the tunnel)', async () => {
    const tp = await startTinyproxy({});
    try {
      const { logger, records } = createMemoryLogger();
      const network = createRelayNetwork({
        platform: nodeNetwork({}),
        policy: { proxyMode: 'fixed', proxyServer: `127.0.0.1:${tp.port}`, relayCaCertificates: [clinicCa.thumbprint] },
        log: logger,
      });
      const transport = deviceTransport(relay.url, device, { network });
      try {
        await transport.connect();
      } finally {
        await transport.close();
      }
      expect(records.filter((r) => r.level !== 'info')).toEqual([]);
      // The probe and the connection: two tunnels to the relay.
      expect((await tp.connects()).filter((c) => c === `127.0.0.1:${relay.port}`).length).toBe(2);
    } finally {
      await tp.stop();
    }
  });

  it('refuses a relay certificate of another CA even with the policy set (file and thumbprint)', async () => {
    const { transport, records } = await connectWith(foreignRelay, [clinicCa.certFile, clinicCa.thumbprint]);
    try {
      await until(
        transport,
        () => transport.connection().problem === 'relay_untrusted' && transport.connection().reconnectAttempt >= 2,
        'refused',
      );
      expect(transport.state()).toBe('connecting');
    } finally {
      await transport.close();
    }
    expect(records.some((r) => r.message === 'no certificate in the relay chain matches RelayCaCertificates')).toBe(
      true,
    );
  });

  it('trusts a CA from the OS certificate store', async () => {
    // The OS store cannot be written without privileges here: the platform hands the store's list
    // to the same trust code, as Electron's and Node's tls.getCACertificates('system') do.
    const withClinicCa: NetworkPlatform = {
      systemCaCertificates: () => [...nodeNetwork({}).systemCaCertificates(), clinicCa.pem],
      resolveProxy: async () => ({ kind: 'direct' }),
    };
    const { transport } = await connectWith(relay, [], withClinicCa);
    try {
      await until(transport, () => transport.state() === 'online', 'online');
    } finally {
      await transport.close();
    }
  });

  describe('a two-tier PKI (root and issuing CA)', () => {
    let issuing: TestCa;
    let twoTierRelay: TestRelay;
    beforeAll(async () => {
      const root = await makeCa(dir, 'wurzel');
      issuing = await issueIntermediateCa(dir, root, 'ausstellend');
      const cert = await issueServerCert(dir, issuing, 'relay-2stufig');
      // The relay sends leaf and issuing CA, not the root.
      twoTierRelay = await startTestRelay({ org, tls: { cert: cert.cert + issuing.pem, key: cert.key } });
    });
    afterAll(async () => {
      await twoTierRelay?.dispose();
    });

    it('an issuing CA named in the policy is trusted on its own', async () => {
      const { transport } = await connectWith(twoTierRelay, [issuing.certFile]);
      try {
        await until(transport, () => transport.state() === 'online', 'online');
      } finally {
        await transport.close();
      }
    });

    it('an issuing CA that is only in the OS store is no anchor without its root (Windows keeps intermediates there)', async () => {
      // Windows' "Intermediate Certification Authorities" store, which Node's system list
      // includes, holds CAs whose root may be removed or distrusted: they help build a chain but
      // must not end one.
      const withIntermediate: NetworkPlatform = {
        systemCaCertificates: () => [...nodeNetwork({}).systemCaCertificates(), issuing.pem],
        resolveProxy: async () => ({ kind: 'direct' }),
      };
      const { transport } = await connectWith(twoTierRelay, [], withIntermediate);
      try {
        await until(
          transport,
          () => transport.connection().problem === 'relay_untrusted' && transport.connection().reconnectAttempt >= 2,
          'refused',
        );
      } finally {
        await transport.close();
      }
    });
  });

  it('the Node platform returns the OS store (the list the trust code is given)', () => {
    const system = nodeNetwork({}).systemCaCertificates();
    expect(system.length).toBeGreaterThan(0);
    expect(system.every((pem) => pem.startsWith('-----BEGIN CERTIFICATE-----'))).toBe(true);
  });

  it('a policy file that does not exist is logged with its path and trusts nothing extra', async () => {
    const missing = join(dir, 'missing.pem');
    const { transport, records } = await connectWith(relay, [missing]);
    try {
      await until(transport, () => transport.connection().problem === 'relay_untrusted', 'refused');
    } finally {
      await transport.close();
    }
    expect(records.find((r) => r.message === 'relay CA file not usable')?.fields).toMatchObject({
      code: 'ca_file_unusable',
      path: missing,
    });
  });
});
