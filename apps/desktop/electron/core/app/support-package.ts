// "Supportpaket exportieren": one ZIP file that IT or the vendor's support can read when a
// workstation misbehaves. It holds what describes the workstation, never what people wrote:
//
//   support.json  app and build versions, relay protocol, OS, machine policy in force (values,
//                 which source set them, problems), and per signed-in profile the state of its
//                 relay connection as the transport knows it (state, reason, next retry, outage)
//   logs/…        the rotating log files (log/rotating-file.ts: scalar fields only)
//
// Nothing is read from a profile's store (no messages, names, channel names, keys): profiles are
// numbered, not named; their connection state comes from the transport in memory. Credentials in
// a URL (a proxy password) and the Windows user's name in paths are taken out (log/redact.ts).
import { readFile } from 'node:fs/promises';
import { arch, release } from 'node:os';
import { basename } from 'node:path';
import type { AppInfo } from '@klinikfunk/protocol/api/contract.ts';
import { OLDEST_RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/version-window.ts';
import { RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import { createRedactor, redactDeep } from '../log/redact.ts';
import type { EffectivePolicy } from '../policy/resolve.ts';
import type { ConnectionInfo } from '../transport/transport.ts';
import { writeZip, type ZipEntry } from './zip.ts';

/** What the package says of one signed-in profile: its connection, nothing of its content. */
export interface ProfileConnection {
  visible: boolean;
  connection: ConnectionInfo;
  /** Since when the relay has been out of reach (ms), or null. */
  outageSince: number | null;
}

export interface SupportPackageInput {
  app: AppInfo;
  policy: EffectivePolicy;
  profiles: ProfileConnection[];
  /** Profiles on this PC, signed in or not (a count; names stay out). */
  profileCount: number;
  /** The log files, oldest first. */
  logFiles: string[];
  now: Date;
}

export function supportSummary(input: SupportPackageInput): Record<string, unknown> {
  const redact = createRedactor();
  return {
    createdAt: input.now.toISOString(),
    app: { name: input.app.name, version: input.app.version, build: input.app.build },
    relayProtocol: { speaks: RELAY_PROTOCOL_VERSION, oldestServedByThisRelayRelease: OLDEST_RELAY_PROTOCOL_VERSION },
    os: { platform: process.platform, release: release(), arch: arch() },
    policy: {
      values: redactDeep(input.policy.values, redact),
      managedBy: input.policy.managedBy,
      problems: input.policy.problems,
    },
    profiles: { onThisPc: input.profileCount, signedIn: input.profiles.length },
    connections: input.profiles.map((p, i) => ({
      profile: i + 1,
      visible: p.visible,
      state: p.connection.state,
      problem: p.connection.problem,
      reconnectAttempt: p.connection.reconnectAttempt,
      nextRetryAt: p.connection.nextRetryAt === null ? null : new Date(p.connection.nextRetryAt).toISOString(),
      outageSince: p.outageSince === null ? null : new Date(p.outageSince).toISOString(),
    })),
    logFiles: input.logFiles.map((f) => basename(f)),
  };
}

/** The package's file name: app, date and time, so several from one day do not collide. */
export function supportFileName(now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `Klinikfunk-Supportpaket-${stamp}.zip`;
}

export async function buildSupportPackage(input: SupportPackageInput): Promise<Uint8Array> {
  const entries: ZipEntry[] = [
    { name: 'support.json', data: new TextEncoder().encode(`${JSON.stringify(supportSummary(input), null, 2)}\n`) },
  ];
  for (const file of input.logFiles) {
    try {
      entries.push({ name: `logs/${basename(file)}`, data: await readFile(file) });
    } catch {
      // Rotated away between listing and reading: the package goes without it.
    }
  }
  return writeZip(entries, input.now);
}
