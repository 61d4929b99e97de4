// The clinic's SIEM feed: every directory record this relay process accepts (users, devices,
// enrolments, revocations, delegations, wipe orders and confirmations, rosters, settings, org key
// rotations) as one audit event, written as RFC 5424 syslog over UDP or TCP (RFC 6587 octet
// counting) or as JSON lines to a file. An event names the record, its subject, its signer and
// the acting device; no display names, no signatures, and no content (the relay has none).
// The feed never holds up the relay: a syslog server that is down or stops reading, or a slow
// disk, costs queued events (bounded, dropped ones counted in the relay log; audit-queue.ts),
// never an upload, memory without bound, or a shutdown that hangs.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createWriteStream, type WriteStream } from 'node:fs';
import { hostname } from 'node:os';
import { connect, type Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { z } from 'zod';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { AuditQueue, type AuditSinkStats } from './audit-queue.ts';
import type { RelayLog } from './log.ts';

export const auditSinkSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('syslog'),
    transport: z.enum(['udp', 'tcp']),
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535),
    /** Syslog facility number (RFC 5424 table 1); 13 = log audit. */
    facility: z.number().int().min(0).max(23).default(13),
    appName: z
      .string()
      .regex(/^[!-~]{1,48}$/, 'printable ASCII without spaces, at most 48 characters')
      .default('klinikfunk-relay'),
  }),
  z.strictObject({ kind: z.literal('jsonl'), path: z.string().min(1) }),
]);
export type AuditSinkConfig = z.output<typeof auditSinkSchema>;

/** One accepted record, as the SIEM sees it. */
export interface AuditEvent {
  time: string;
  relayId: string;
  pos: number;
  type: SignedRecord['type'];
  subject: string;
  signerKind: SignedRecord['signer']['kind'];
  signerId: string;
  actorDeviceId: string | null;
  /** A few fields that say what changed (role, active, scope, target kind), never names. */
  facts: Record<string, string | number | boolean | null>;
}

export interface AuditSink {
  write(event: AuditEvent): void;
  /** What waits for the target, and what was dropped because it did not keep up. */
  stats(): AuditSinkStats;
  close(): Promise<void>;
}
/** PEN 32473 is the example enterprise number of RFC 5612 (documentation use). */
const SD_ID = 'klinikfunk@32473';

export function auditEvent(record: SignedRecord, pos: number, subject: string, relayId: string): AuditEvent {
  const body = record.body as Record<string, unknown>;
  const facts: AuditEvent['facts'] = {};
  const pick = (...keys: string[]) => {
    for (const key of keys) {
      const v = body[key];
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) facts[key] = v;
    }
  };
  switch (record.type) {
    case 'user':
      pick('role', 'active', 'ward', 'issuedAt');
      break;
    case 'device':
      pick('userId', 'enrolmentId', 'expiresAt', 'issuedAt');
      break;
    case 'enrolment':
      pick('userId', 'expiresAt', 'issuedAt');
      break;
    case 'revocation':
      facts.target = (body.target as { kind: string }).kind;
      pick('revokedAt');
      break;
    case 'delegation': {
      const scope = body.scope as { kind: string; departments?: string[] };
      const holder = body.holder as { kind: string; deviceId?: string };
      facts.holder = holder.kind === 'device' ? `device:${holder.deviceId}` : 'key';
      facts.scope = scope.kind === 'departments' ? `departments:${(scope.departments ?? []).join('|')}` : scope.kind;
      pick('expiresAt', 'issuedAt');
      break;
    }
    case 'delegation_revocation':
      pick('revokedAt');
      break;
    case 'org_rotation':
      pick('newOrgPublicKey', 'issuedAt');
      break;
    case 'wipe':
      pick('targetDeviceId', 'issuedAt');
      break;
    case 'wipe_done':
      pick('orderId', 'executedAt');
      break;
    case 'roster':
      pick('epoch', 'kind', 'issuedAt');
      facts.members = (body.members as unknown[]).length;
      break;
    case 'org_settings':
      pick('retentionDays', 'readReceipts', 'notificationContent', 'historyForNewMembers', 'issuedBy', 'issuedAt');
      break;
    case 'org_root':
      pick('createdAt');
      break;
    default: {
      const _unhandled: never = record.type;
    }
  }
  return {
    time: new Date().toISOString(),
    relayId,
    pos,
    type: record.type,
    subject,
    signerKind: record.signer.kind,
    signerId: record.signer.id,
    actorDeviceId: record.actor?.deviceId ?? null,
    facts,
  };
}

/** RFC 5424 PARAM-VALUE escaping: `"`, `\` and `]` get a backslash. */
const sdValue = (v: string) => v.replace(/["\\\]]/g, (c) => `\\${c}`);

/** One RFC 5424 message: severity notice (5), MSGID = record type, the event as SD and as JSON MSG. */
export function syslogLine(event: AuditEvent, facility: number, appName: string, host: string): string {
  const pri = facility * 8 + 5;
  const params = [
    `pos="${event.pos}"`,
    `type="${sdValue(event.type)}"`,
    `subject="${sdValue(event.subject)}"`,
    `signerKind="${event.signerKind}"`,
    `signerId="${sdValue(event.signerId)}"`,
    ...(event.actorDeviceId ? [`actorDeviceId="${sdValue(event.actorDeviceId)}"`] : []),
  ].join(' ');
  return `<${pri}>1 ${event.time} ${host} ${appName} ${process.pid} ${event.type} [${SD_ID} ${params}] ${JSON.stringify(event)}`;
}

export function openAuditSink(config: AuditSinkConfig, log: RelayLog): AuditSink {
  if (config.kind === 'jsonl') return jsonLines(config.path, log);
  const host =
    hostname()
      .replace(/[^!-~]/g, '')
      .slice(0, 255) || '-';
  const format = (e: AuditEvent) => syslogLine(e, config.facility, config.appName, host);
  return config.transport === 'udp'
    ? udpSyslog(config.host, config.port, format, log)
    : tcpSyslog(config.host, config.port, format, log);
}

function jsonLines(path: string, log: RelayLog): AuditSink {
  const stream: WriteStream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  const queue = new AuditQueue(log, 'audit file');
  let failed = false;
  stream.on('error', (error) => {
    if (!failed) log.error('audit file not writable', { path, error: error.message });
    failed = true;
  });
  queue.attach(stream);
  return {
    write: (event) => {
      if (!failed) queue.push(Buffer.from(`${JSON.stringify(event)}\n`));
    },
    stats: () => queue.stats(),
    close: () => endWithin(stream),
  };
}

function udpSyslog(host: string, port: number, format: (e: AuditEvent) => string, log: RelayLog): AuditSink {
  const socket: UdpSocket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('error', (error) => log.warn('audit syslog (udp) failed', { error: error.message }));
  socket.unref();
  return {
    write: (event) => {
      socket.send(Buffer.from(format(event)), port, host, (error) => {
        if (error) log.warn('audit syslog (udp) not sent', { error: error.message, pos: event.pos });
      });
    },
    // Datagrams are handed to the kernel at once; a lost one is lost (that is UDP syslog).
    stats: () => ({ queued: 0, bufferedBytes: 0, dropped: 0 }),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

function tcpSyslog(host: string, port: number, format: (e: AuditEvent) => string, log: RelayLog): AuditSink {
  const queue = new AuditQueue(log, 'audit syslog (tcp)');
  let socket: Socket | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let delay = 500;

  const frame = (msg: string) => {
    const bytes = Buffer.from(msg);
    return Buffer.concat([Buffer.from(`${bytes.length} `), bytes]);
  };
  const dial = () => {
    retry = null;
    if (closed) return;
    const s = connect({ host, port });
    socket = s;
    s.setNoDelay(true);
    s.on('connect', () => {
      delay = 500;
      queue.attach(s);
    });
    s.on('error', (error) => log.warn('audit syslog (tcp) failed', { error: error.message }));
    s.on('close', () => {
      if (socket === s) {
        socket = null;
        queue.attach(null);
      }
      if (!closed && !retry) {
        retry = setTimeout(dial, delay);
        retry.unref();
        delay = Math.min(delay * 2, 30_000);
      }
    });
  };
  dial();
  return {
    write: (event) => queue.push(frame(format(event))),
    stats: () => queue.stats(),
    close: async () => {
      closed = true;
      if (retry) clearTimeout(retry);
      if (socket) await endWithin(socket);
    },
  };
}

/** How long shutdown waits for a target to take what it was given. */
const CLOSE_GRACE_MS = 2_000;

/**
 * Ends a stream, waiting for what it holds to be written, but not for a target that stopped
 * reading: the relay's shutdown must not hang on its SIEM.
 */
function endWithin(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stream.destroy();
      resolve();
    }, CLOSE_GRACE_MS);
    timer.unref();
    stream.end(() => {
      clearTimeout(timer);
      resolve();
    });
    stream.once('error', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
