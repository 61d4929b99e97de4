// A real relay for tests, on 127.0.0.1 only: in-process (fast, inspectable) or as a child
// process `node apps/relay/main.ts` (for SIGKILL and restart), on SQLite in a temp data dir or on
// a PostgreSQL URL. TestOrg makes the signed records a relay needs (org root, users, devices,
// rosters, revocations) with the crypto module's own functions.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody, RecordType, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { signDetached } from '@klinikfunk/crypto/ed25519.ts';
import { deriveEnrolmentKeys, generateRegistrationCode } from '../../apps/desktop/electron/core/crypto/enrolment.ts';
import { generateDeviceKeys, generateOrgKeys, type DeviceKeyPairs } from '@klinikfunk/crypto/keys.ts';
import { orgIdOf, recordHash, signRecord } from '@klinikfunk/crypto/records.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import {
  RelayTransport,
  type RelayTransportOptions,
} from '../../apps/desktop/electron/core/transport/relay-transport.ts';
import type { RelayLimits } from '../../apps/relay/limits.ts';
import { createRelayLog, silentLog } from '../../apps/relay/log.ts';
import { RELAY_ENV, RELAY_NODE_FLAGS } from '../../apps/relay/node-flags.ts';
import { startRelay, type Relay } from '../../apps/relay/relay.ts';
import { openPostgresStore } from '../../apps/relay/store/postgres.ts';
import { openSqliteStore } from '../../apps/relay/store/sqlite.ts';
import type { RelayStore } from '../../apps/relay/store/store.ts';
import { DirectoryTrust } from '../../apps/relay/trust.ts';
import { awaitBootstrap, ORG_KEY_META } from '../../apps/relay/bootstrap.ts';
import { accepts, freePort } from './ports.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
let idCounter = 0;
export const testId = (prefix: string) =>
  `${prefix}${process.pid.toString(36)}${(++idCounter).toString().padStart(6, '0')}`;

export interface TestDevice {
  deviceId: string;
  userId: string;
  keys: DeviceKeyPairs;
  certificate: SignedRecord<'device'>;
  sign(message: Uint8Array): Uint8Array;
}

export class TestOrg {
  readonly org: ReturnType<typeof generateOrgKeys>;
  readonly orgId: string;
  readonly orgPublicKey: string;
  /** Records the relay should hold before clients connect (in order). */
  readonly records: SignedRecord[] = [];
  readonly #rosters = new Map<string, SignedRecord<'roster'>>();

  private constructor(keys: ReturnType<typeof generateOrgKeys>) {
    this.org = keys;
    this.orgId = orgIdOf(keys.publicKey);
    this.orgPublicKey = toBase64Url(keys.publicKey);
  }

  /** A fresh organisation; with `keys` (tests/harness/org-keys.ts) one with a chosen org id. */
  static async create(keys?: ReturnType<typeof generateOrgKeys>): Promise<TestOrg> {
    await readySodium();
    return new TestOrg(keys ?? generateOrgKeys());
  }

  sign<T extends RecordType>(type: T, body: RecordBody<T>): SignedRecord<T> {
    return signRecord(type, body, { kind: 'org', id: this.orgId }, this.org.secretKey);
  }

  addUser(name = 'Pflege', role: 'admin' | 'member' = 'member'): string {
    const userId = testId('usr');
    this.records.push(
      this.sign('user', {
        orgId: this.orgId,
        userId,
        displayName: name,
        role,
        ward: null,
        active: true,
        issuedAt: Date.now(),
      }),
    );
    return userId;
  }

  /** A device certified by the org key (records pushed unless `upload` is false: then the device sends it in auth). */
  addDevice(userId: string, options: { viaEnrolment?: boolean; upload?: boolean } = {}): TestDevice {
    const keys = generateDeviceKeys();
    const deviceId = testId('dev');
    const body = {
      orgId: this.orgId,
      userId,
      deviceId,
      signingPublicKey: toBase64Url(keys.signing.publicKey),
      boxPublicKey: toBase64Url(keys.box.publicKey),
      label: 'Stationsrechner',
      enrolmentId: null as string | null,
      issuedAt: Date.now(),
      expiresAt: null,
    };
    let certificate: SignedRecord<'device'>;
    if (options.viaEnrolment) {
      const code = generateRegistrationCode();
      const derived = deriveEnrolmentKeys(code);
      if (!derived.ok) throw new Error('registration code');
      const { enrolmentId, publicKey, secretKey } = derived.keys;
      this.records.push(
        this.sign('enrolment', {
          orgId: this.orgId,
          userId,
          enrolmentId,
          enrolmentPublicKey: toBase64Url(publicKey),
          expiresAt: Date.now() + 86_400_000,
          issuedAt: Date.now(),
        }),
      );
      certificate = signRecord('device', { ...body, enrolmentId }, { kind: 'enrolment', id: enrolmentId }, secretKey);
    } else {
      certificate = this.sign('device', body);
    }
    if (options.upload !== false) this.records.push(certificate);
    return { deviceId, userId, keys, certificate, sign: (message) => signDetached(message, keys.signing.secretKey) };
  }

  /** Next roster of a channel (org-signed), pushed to `records` and returned. */
  setRoster(channelId: string, userIds: string[]): SignedRecord<'roster'> {
    const previous = this.#rosters.get(channelId);
    const record = this.sign('roster', {
      orgId: this.orgId,
      channelId,
      epoch: previous ? previous.body.epoch + 1 : 1,
      prevHash: previous ? recordHash(previous) : null,
      kind: 'conversation',
      members: userIds.map((userId, i) => ({ userId, role: i === 0 ? ('admin' as const) : ('member' as const) })),
      historyForNewMembers: false,
      issuedAt: Date.now(),
    });
    this.#rosters.set(channelId, record);
    this.records.push(record);
    return record;
  }

  wipeOrder(deviceId: string): SignedRecord<'wipe'> {
    const record = this.sign('wipe', {
      orgId: this.orgId,
      orderId: testId('wip'),
      targetDeviceId: deviceId,
      issuedAt: Date.now(),
    });
    this.records.push(record);
    return record;
  }

  revokeDevice(deviceId: string): SignedRecord<'revocation'> {
    const record = this.sign('revocation', {
      orgId: this.orgId,
      target: { kind: 'device', deviceId },
      reason: 'lost',
      revokedAt: Date.now(),
    });
    this.records.push(record);
    return record;
  }
}

export interface TestRelayOptions {
  org: TestOrg;
  /** PostgreSQL URL; SQLite in `dataDir` when absent. */
  databaseUrl?: string;
  dataDir?: string;
  /** 'process' spawns node apps/relay/main.ts (kill/restart possible). Default 'in-process'. */
  mode?: 'in-process' | 'process';
  limits?: Partial<RelayLimits>;
  port?: number;
  /** Print the relay's logs (debugging). */
  verbose?: boolean;
  /** Start without an org key or records, waiting for the first-run bootstrap (in-process too). */
  bootstrap?: boolean;
  /** Check envelope headers (default off: most relay tests publish arbitrary bytes). */
  envelopeCheck?: boolean;
  /** PEM certificate and key: the relay speaks wss:// (in-process mode). */
  tls?: { cert: string; key: string };
  /** In-process: how often connected devices' last-seen rows are rewritten (default one minute). */
  presenceRefreshMs?: number;
  /** In-process: the relay clock escalations run by (a test's jumping clock; default Date.now). */
  now?: () => number;
  /** In-process: how often due escalation steps are looked for (default 250 ms). */
  escalationTickMs?: number;
  /** Process mode: more command-line flags for apps/relay/main.ts. */
  args?: string[];
  /** Process mode: Node's own flags before the script (default RELAY_NODE_FLAGS, as the service unit starts it). */
  nodeFlags?: readonly string[];
}

export interface TestRelay {
  url: string;
  port: number;
  dataDir: string;
  /** In-process only. */
  relay: Relay | null;
  /** Process mode only: the relay's pid (for RSS). */
  pid: number | null;
  /** Process mode: everything the relay processes wrote to stderr so far (its JSON log lines). */
  output(): string;
  /** Process mode: how the last relay process ended (null while it runs or before). */
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | null;
  store: RelayStore | null;
  /** Graceful stop (SIGTERM for a process). */
  stop(): Promise<void>;
  /** Process only: SIGKILL, no cleanup. */
  kill(): Promise<void>;
  /** Starts again on the same port and data (after stop or kill). */
  restart(): Promise<void>;
  /** Stops and deletes the temp data dir. */
  dispose(): Promise<void>;
}

async function openStore(options: TestRelayOptions, dataDir: string): Promise<RelayStore> {
  return options.databaseUrl
    ? openPostgresStore(options.databaseUrl, { poolSize: 4 })
    : openSqliteStore(join(dataDir, 'relay.db'));
}

async function loadedTrust(store: RelayStore, orgPublicKey: Uint8Array): Promise<DirectoryTrust> {
  const trust = new DirectoryTrust(store, orgPublicKey);
  await trust.load();
  return trust;
}

/** Admits the org's records into the store of a relay (what --import-records does). */
export async function seedRecords(store: RelayStore, org: TestOrg): Promise<DirectoryTrust> {
  const trust = new DirectoryTrust(store, org.org.publicKey);
  await trust.load();
  for (const record of org.records) {
    const result = await trust.admit(record);
    if (!result.ok) throw new Error(`seed: ${record.type} refused: ${result.reason}`);
  }
  return trust;
}

export async function startTestRelay(options: TestRelayOptions): Promise<TestRelay> {
  await readySodium();
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'kf-relay-')));
  const mode = options.mode ?? 'in-process';
  let port = options.port ?? 0;
  let child: ChildProcess | null = null;
  let relay: Relay | null = null;
  let store: RelayStore | null = null;
  let output = '';
  let lastExit: TestRelay['lastExit'] = null;

  const serve = async (opened: RelayStore, trust: DirectoryTrust) => {
    relay = await startRelay({
      store: opened,
      trust,
      log: options.verbose ? createRelayLog(undefined, 'debug') : silentLog,
      host: '127.0.0.1',
      port,
      limits: options.limits ?? {},
      ...(options.tls ? { tls: options.tls } : {}),
      envelopeCheck: options.envelopeCheck ? { orgIdRaw: fromBase64Url(options.org.orgId)! } : null,
      ...(options.presenceRefreshMs ? { presenceRefreshMs: options.presenceRefreshMs } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.escalationTickMs ? { escalationTickMs: options.escalationTickMs } : {}),
    });
    port = relay.port;
  };

  const launchInProcess = async () => {
    const opened = await openStore(options, dataDir);
    store = opened;
    if (!options.bootstrap) return serve(opened, await seedRecords(opened, options.org));
    const keyText = await opened.metaGet(ORG_KEY_META);
    if (keyText) return serve(opened, await loadedTrust(opened, fromBase64Url(keyText)!));
    // First run, as apps/relay/main.ts: the bootstrap endpoint with the one-time code in
    // <dataDir>/bootstrap-code until the first admin device binds the organisation, then the relay
    // on the same port (a device that connects in between retries).
    if (port === 0) port = await freePort();
    const code = randomBytes(16).toString('base64url');
    await writeFile(join(dataDir, 'bootstrap-code'), `${code}\n`, { mode: 0o600 });
    awaitBootstrap({ store: opened, log: silentLog, host: '127.0.0.1', port, code })
      .then(async (bound) => serve(opened, await loadedTrust(opened, bound.orgPublicKey)))
      .catch((error: unknown) => console.error('test relay: bootstrap failed', error));
    const deadline = Date.now() + 20_000;
    while (!(await accepts(port))) {
      if (Date.now() > deadline) throw new Error('test relay: the bootstrap endpoint did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const launchProcess = async () => {
    const recordsFile = join(dataDir, 'import-records.json');
    await writeFile(recordsFile, JSON.stringify(options.org.records));
    const args = [
      join(repoRoot, 'apps', 'relay', 'main.ts'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      ...(options.bootstrap ? [] : [`--org-public-key=${options.org.orgPublicKey}`, '--import-records', recordsFile]),
      ...(options.databaseUrl ? ['--database-url', options.databaseUrl] : []),
      '--envelope-check',
      String(options.envelopeCheck ?? false),
      ...Object.entries(options.limits ?? {}).flatMap(([k, v]) => ['--limit', `${k}=${v}`]),
      ...(options.args ?? []),
    ];
    const proc = spawn(process.execPath, [...(options.nodeFlags ?? RELAY_NODE_FLAGS), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...RELAY_ENV, RELAY_DATABASE_URL: '' },
    });
    child = proc;
    lastExit = null;
    proc.once('exit', (code, signal) => (lastExit = { code, signal }));
    port = await new Promise<number>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => reject(new Error(`relay did not start: ${buffered.slice(-2000)}`)), 20_000);
      proc.stderr!.setEncoding('utf8');
      proc.stderr!.on('data', (chunk: string) => {
        if (options.verbose) process.stderr.write(chunk);
        buffered += chunk;
        output += chunk;
        const match = /"msg":"relay listening","url":"wss?:\/\/127\.0\.0\.1:(\d+)"/.exec(buffered);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`relay exited with ${code}: ${buffered.slice(-2000)}`));
      });
    });
  };

  const launch = mode === 'process' ? launchProcess : launchInProcess;
  await launch();

  const waitExit = (proc: ChildProcess) =>
    new Promise<void>((resolve) =>
      proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', () => resolve()),
    );

  const handle: TestRelay = {
    get url() {
      return `${options.tls ? 'wss' : 'ws'}://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    dataDir,
    get relay() {
      return relay;
    },
    get store() {
      return store;
    },
    get pid() {
      return child?.pid ?? null;
    },
    output: () => output,
    get lastExit() {
      return lastExit;
    },
    async stop() {
      if (relay) await relay.close();
      relay = null;
      store = null;
      if (child) {
        const proc = child;
        child = null;
        proc.kill('SIGTERM');
        await waitExit(proc);
      }
    },
    async kill() {
      if (!child) throw new Error('kill() needs mode: process');
      const proc = child;
      child = null;
      proc.kill('SIGKILL');
      await waitExit(proc);
    },
    async restart() {
      await launch();
    },
    async dispose() {
      await handle.stop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  } as TestRelay;
  return handle;
}

/** A RelayTransport for a test device, with fast heartbeats and backoff. */
export function deviceTransport(
  url: string,
  device: TestDevice,
  extra: Partial<RelayTransportOptions> = {},
): RelayTransport {
  return new RelayTransport({
    url,
    deviceId: device.deviceId,
    sign: device.sign,
    heartbeatMs: 2_000,
    requestTimeoutMs: 10_000,
    backoff: { baseMs: 50, maxMs: 500 },
    ...extra,
  });
}
