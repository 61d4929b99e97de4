// The SIEM feed (apps/relay/audit-sink.ts) against a real TCP syslog receiver on loopback that
// accepts the connection and then stops reading, as a hung or overloaded SIEM does. The relay must
// not buffer without bound (it would run out of memory with every accepted record), must drop the
// oldest events beyond its queue and say so, deliver the rest in order once the receiver reads
// again, and shut down even while the receiver still does not read.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogFields } from '@klinikfunk/node-common/logger.ts';
import { auditEvent, openAuditSink, type AuditSink } from '../../../apps/relay/audit-sink.ts';
import { createRelayLog } from '../../../apps/relay/log.ts';
import { eventually } from '../client/client-world.ts';

const EVENTS = 40_000;
/** Far more than a loopback socket takes in kernel buffers before the receiver reads. */
const PADDING = 'x'.repeat(400);

function event(pos: number) {
  const record = {
    v: 1,
    type: 'user',
    body: { orgId: 'org', userId: `usr${pos}`, role: 'member', active: true, ward: PADDING, issuedAt: pos },
    signer: { kind: 'org', id: 'org' },
    sig: 'sig',
  } as never;
  return auditEvent(record, pos, `usr${pos}`, 'relay-1');
}

describe('audit feed to a SIEM that stops reading', () => {
  let server: Server | null = null;
  let sink: AuditSink | null = null;
  afterEach(async () => {
    await sink?.close();
    server?.close();
  });

  it('keeps a bounded backlog, drops the oldest with a log line, and delivers the rest in order', async () => {
    const warnings: Array<{ message: string; fields: LogFields | undefined }> = [];
    const log = createRelayLog((line) => {
      const entry = JSON.parse(line) as { level: string; msg: string } & LogFields;
      if (entry.level === 'warn') warnings.push({ message: entry.msg, fields: entry });
    }, 'info');
    const peers: Socket[] = [];
    let received = '';
    server = createServer((socket) => {
      socket.pause();
      peers.push(socket);
      socket.on('data', (chunk) => (received += chunk.toString()));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    sink = openAuditSink(
      { kind: 'syslog', transport: 'tcp', host: '127.0.0.1', port, facility: 13, appName: 'kf' },
      log,
    );
    await eventually(() => peers.length === 1, 30_000, 'the connection');

    for (let pos = 1; pos <= EVENTS; pos++) sink.write(event(pos));
    const stats = sink.stats();
    // What the relay holds: at most the queue and one socket buffer, not every event.
    expect(stats.bufferedBytes).toBeLessThan(1_000_000);
    expect(stats.queued).toBeLessThanOrEqual(10_000);
    expect(stats.dropped).toBeGreaterThan(0);
    expect(warnings.some((w) => w.message.includes('dropping'))).toBe(true);

    peers[0]!.resume();
    await eventually(() => sink!.stats().queued === 0 && sink!.stats().bufferedBytes === 0, 60_000, 'the backlog');
    await eventually(
      () => [...received.matchAll(/ pos="(\d+)"/g)].length === EVENTS - sink!.stats().dropped,
      60_000,
      'every kept event',
    );
    const positions = [...received.matchAll(/ pos="(\d+)"/g)].map((m) => Number(m[1]));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(positions.at(-1)).toBeLessThanOrEqual(EVENTS);
    expect(warnings.some((w) => w.fields?.dropped === sink!.stats().dropped)).toBe(true);
  }, 120_000);

  it('closes while the receiver still does not read', async () => {
    const peers: Socket[] = [];
    server = createServer((socket) => {
      socket.pause();
      peers.push(socket);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const log = createRelayLog(() => {}, 'error');
    sink = openAuditSink(
      { kind: 'syslog', transport: 'tcp', host: '127.0.0.1', port, facility: 13, appName: 'kf' },
      log,
    );
    await eventually(() => peers.length === 1, 30_000, 'the connection');
    for (let pos = 1; pos <= EVENTS; pos++) sink.write(event(pos));
    const closing = sink.close();
    sink = null;
    // Resolves (the relay's shutdown goes on) instead of waiting for a reader that never comes.
    await expect(closing).resolves.toBeUndefined();
    for (const p of peers) p.destroy();
  }, 60_000);
});
