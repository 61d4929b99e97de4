// The relay's SIEM feed (config `auditSink`, apps/relay/audit-sink.ts) against real listeners the
// test starts on loopback: a UDP and a TCP syslog receiver and a JSON-lines file. Relay processes
// (apps/relay/main.ts) import the organisation's records at start and take a delegation and its
// revocation from a device; every accepted record arrives as one RFC 5424 message (TCP with
// octet counting) or one JSON line, naming type, subject and signer, with no display name. A
// refused record arrives nowhere, and a bad auditSink config stops the relay with a message.
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../../harness/relay.ts';
import { eventually } from '../client/client-world.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const SYSLOG = /^<(\d+)>1 (\S+) (\S+) (\S+) (\d+) (\S+) \[klinikfunk@32473 ([^\]]*)\] (\{.*\})$/;

interface Event {
  type: string;
  subject: string;
  signerKind: string;
  pos: number;
  facts: Record<string, unknown>;
}

/** Splits an RFC 6587 octet-counted TCP stream into messages. */
function octetFrames(buffer: string): string[] {
  const out: string[] = [];
  let rest = Buffer.from(buffer);
  for (;;) {
    const space = rest.indexOf(0x20);
    if (space < 0) break;
    const length = Number(rest.subarray(0, space).toString());
    if (rest.length < space + 1 + length) break;
    out.push(rest.subarray(space + 1, space + 1 + length).toString());
    rest = rest.subarray(space + 1 + length);
  }
  return out;
}

function parseSyslog(line: string): Event {
  const m = SYSLOG.exec(line);
  if (!m) throw new Error(`not RFC 5424: ${line.slice(0, 200)}`);
  // facility 13 (log audit) * 8 + severity 5 (notice)
  expect(Number(m[1])).toBe(13 * 8 + 5);
  expect(m[4]).toBe('klinikfunk-relay');
  const event = JSON.parse(m[8]!) as Event;
  expect(m[6]).toBe(event.type);
  expect(m[7]).toContain(`type="${event.type}"`);
  return event;
}

describe('audit feed to the SIEM', () => {
  let org: TestOrg;
  let admin: TestDevice;
  let dir: string;
  const udpLines: string[] = [];
  let tcpData = '';
  let udpPort = 0;
  let tcp: Server;
  let udp: ReturnType<typeof createSocket>;
  const relays: TestRelay[] = [];

  const start = async (auditSink: unknown) => {
    const file = join(dir, `relay-${relays.length}.json`);
    await writeFile(file, JSON.stringify({ auditSink }));
    const relay = await startTestRelay({ org, mode: 'process', args: ['--config', file] });
    relays.push(relay);
    return relay;
  };

  /** A delegation, a record the relay refuses, and the delegation's revocation, uploaded by the admin device. */
  const uploadThree = async (relay: TestRelay) => {
    const transport = deviceTransport(relay.url, admin);
    await transport.connect();
    try {
      const delegation = org.sign('delegation', {
        orgId: org.orgId,
        delegationId: testId('dlg'),
        holder: { kind: 'key', publicKey: toBase64Url(generateOrgKeys().publicKey) },
        label: 'Verzeichnisdienst',
        scope: { kind: 'all_members' },
        expiresAt: Date.now() + 86_400_000,
        issuedAt: Date.now(),
      });
      await transport.putRecord(delegation as never);
      const forged = signRecord(
        'delegation',
        delegation.body,
        { kind: 'org', id: org.orgId },
        generateOrgKeys().secretKey,
      );
      await expect(
        transport.putRecord({ ...forged, body: { ...forged.body, delegationId: testId('dlg') } } as never),
      ).rejects.toThrow();
      const revocation = org.sign('delegation_revocation', {
        orgId: org.orgId,
        delegationId: delegation.body.delegationId,
        reason: 'Test',
        revokedAt: Date.now(),
      });
      await transport.putRecord(revocation as never);
      return { delegation, revocation };
    } finally {
      await transport.close();
    }
  };

  const expectFeed = (events: Event[], sent: { delegation: SignedRecord<'delegation'> }) => {
    // The imported records: each user (role, no name) and device.
    const types = events.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual(['user', 'device', 'user', 'device']);
    expect(events[0]!.facts).toMatchObject({ role: 'admin', active: true });
    expect(JSON.stringify(events)).not.toContain('Admin"');
    expect(JSON.stringify(events)).not.toContain('"sig"');
    const delegation = events.find((e) => e.type === 'delegation')!;
    expect(delegation).toMatchObject({ subject: sent.delegation.body.delegationId, signerKind: 'org' });
    expect(delegation.facts).toMatchObject({ holder: 'key', scope: 'all_members' });
    expect(types.filter((t) => t === 'delegation')).toHaveLength(1);
    expect(types.at(-1)).toBe('delegation_revocation');
    // One event per stored record, in the relay's order.
    const positions = events.map((e) => e.pos);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);
  };

  beforeAll(async () => {
    org = await TestOrg.create();
    admin = org.addDevice(org.addUser('Admin', 'admin'));
    org.addDevice(org.addUser('Pflege'));
    dir = await mkdtemp(join(tmpdir(), 'kf-audit-'));
    udp = createSocket('udp4');
    udp.on('message', (msg) => udpLines.push(msg.toString()));
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    udpPort = udp.address().port;
    tcp = createServer((socket) => socket.on('data', (chunk) => (tcpData += chunk.toString())));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  }, 30_000);

  afterAll(async () => {
    await Promise.all(relays.map((r) => r.dispose()));
    udp?.close();
    tcp?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes every accepted record as RFC 5424 syslog over UDP', async () => {
    const relay = await start({ kind: 'syslog', transport: 'udp', host: '127.0.0.1', port: udpPort });
    const sent = await uploadThree(relay);
    await eventually(() => udpLines.some((l) => l.includes(' delegation_revocation ')), 20_000, 'udp revocation');
    expectFeed(udpLines.map(parseSyslog), sent);
  }, 60_000);

  it('writes them over TCP with octet counting', async () => {
    const port = (tcp.address() as AddressInfo).port;
    const relay = await start({ kind: 'syslog', transport: 'tcp', host: '127.0.0.1', port });
    const sent = await uploadThree(relay);
    await eventually(() => tcpData.includes(' delegation_revocation '), 20_000, 'tcp revocation');
    expectFeed(octetFrames(tcpData).map(parseSyslog), sent);
  }, 60_000);

  it('writes them as JSON lines to a file', async () => {
    const path = join(dir, 'audit.jsonl');
    const relay = await start({ kind: 'jsonl', path });
    const sent = await uploadThree(relay);
    await eventually(
      async () => (await readFile(path, 'utf8').catch(() => '')).includes('"delegation_revocation"'),
      20_000,
      'jsonl revocation',
    );
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expectFeed(
      lines.map((l) => JSON.parse(l) as Event),
      sent,
    );
  }, 60_000);

  it('a bad auditSink stops the relay with a message naming it', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({ auditSink: { kind: 'syslog', transport: 'udp', host: '127.0.0.1', port: 0 } }),
    );
    const result = spawnSync(
      process.execPath,
      [join(repoRoot, 'apps', 'relay', 'main.ts'), '--config', file, '--data-dir', join(dir, 'bad-data')],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('auditSink.port');
  }, 60_000);
});
