// The agent's side of sign-in with the directory password (docs/it-rollout.md "Anmeldung mit dem
// Klinik-Konto"): a session on the relay that stays open, takes the sealed requests the relay
// forwards, checks them (freshness, attempts per account and per workstation, an LDAP bind as the
// user) and on success signs the user record (when the sync has not made it yet) and the new
// device's record with the delegated key, stores both, and answers with the records the
// workstation needs to check them. The password lives in this process only for the bind.
import type { Logger } from '@klinikfunk/node-common/logger.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';
import { fromBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import {
  SIGN_IN_MAX_AGE_MS,
  signInRequestSchema,
  type SignInOutcome,
  type SignInRequest,
} from '@klinikfunk/protocol/wire/directory-sign-in.ts';
import type { RecordBody, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { openAsAgent } from '@klinikfunk/crypto/sign-in-seal.ts';
import type { AgentKey } from './agent-key.ts';
import { accountKey, AttemptLimits } from './attempt-limits.ts';
import type { AgentConfig } from './config.ts';
import { userIdFor } from './plan.ts';
import { AgentRelayClient, type SignInForward } from './relay-client.ts';
import { checkDelegation } from './sync.ts';
import { verifyAccount } from './verify-account.ts';

/** Reconnect backoff of the sign-in session: 1 s doubling to 60 s. */
const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000];
/** Sign-ins checked at once; more wait (each is an LDAP search and bind). */
const CONCURRENT = 4;

const refused = (code: Exclude<SignInOutcome, { ok: true }>['code'], retryAfterSeconds: number | null = null) =>
  ({ ok: false, code, retryAfterSeconds }) as const;

export class SignInService {
  readonly #config: AgentConfig;
  readonly #key: AgentKey;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #perAccount: AttemptLimits;
  readonly #perWorkstation: AttemptLimits;
  #client: AgentRelayClient | null = null;
  #directory: Directory | null = null;
  #orgRoot: SignedRecord | null = null;
  /** Directory position of every record read, for the answer's order. */
  readonly #pos = new Map<string, number>();
  #lastPos = 0;
  #stopped = false;
  #retry: NodeJS.Timeout | null = null;
  #failures = 0;
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  #connected: Promise<void> | null = null;

  constructor(config: AgentConfig, key: AgentKey, options: { log: Logger; now?: () => number }) {
    if (!config.signIn) throw new Error('signIn is not configured');
    this.#config = config;
    this.#key = key;
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
    const windowMs = config.signIn.windowMinutes * 60_000;
    this.#perAccount = new AttemptLimits({ burst: config.signIn.attemptsPerAccount, windowMs, now: this.#now });
    this.#perWorkstation = new AttemptLimits({ burst: config.signIn.attemptsPerWorkstation, windowMs, now: this.#now });
  }

  /** Connects, and reconnects after every loss until stop(); resolves after the first connection. */
  start(): Promise<void> {
    this.#connected ??= new Promise<void>((resolve) => this.#connect(resolve));
    return this.#connected;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#client?.close();
  }

  #connect(connected: () => void): void {
    if (this.#stopped) return;
    AgentRelayClient.connect({
      url: this.#config.relay.url,
      delegationId: this.#config.delegationId,
      secretKey: this.#key.secretKey,
      caFile: this.#config.relay.caFile,
      onSignIn: (forward) => this.#queue(forward),
      onClose: (error) => {
        this.#client = null;
        if (this.#stopped) return;
        this.#log.warn('sign-in session lost, reconnecting', { error: loggable(error) });
        this.#later(connected);
      },
    }).then(
      (client) => {
        if (this.#stopped) return client.close();
        this.#client = client;
        this.#failures = 0;
        this.#log.info('sign-in session open');
        connected();
      },
      (error: unknown) => {
        this.#log.warn('sign-in session not opened', { error: loggable(error) });
        this.#later(connected);
      },
    );
  }

  #later(connected: () => void): void {
    const wait = BACKOFF_MS[Math.min(this.#failures++, BACKOFF_MS.length - 1)]!;
    this.#retry = setTimeout(() => this.#connect(connected), wait);
  }

  #queue(forward: SignInForward): void {
    const client = this.#client;
    if (!client) return;
    const run = async () => {
      this.#running++;
      try {
        const outcome = await this.#handle(forward, client).catch((error: unknown) => {
          this.#log.error('sign-in failed', { error: loggable(error) });
          return refused('agent_offline');
        });
        await client.answerSignIn(forward.rid, outcome);
      } catch (error) {
        this.#log.warn('sign-in answer not delivered', { error: loggable(error) });
      } finally {
        this.#running--;
        this.#waiting.shift()?.();
      }
    };
    if (this.#running < CONCURRENT) void run().catch(() => {});
    else this.#waiting.push(() => void run().catch(() => {}));
  }

  async #handle(forward: SignInForward, client: AgentRelayClient): Promise<SignInOutcome> {
    const request = this.#open(forward.sealed);
    if (!request) {
      this.#log.warn('sign-in refused', { workstation: forward.from, reason: 'bad_request' });
      return refused('bad_request');
    }
    const workstation = this.#perWorkstation.take(forward.from);
    const account = accountKey(request.account);
    const perAccount = workstation.ok ? this.#perAccount.take(account) : workstation;
    if (!perAccount.ok) {
      this.#log.warn('sign-in refused', { account, workstation: forward.from, reason: 'rate_limited' });
      return refused('rate_limited', perAccount.retryAfterSeconds);
    }
    const verdict = await verifyAccount(this.#config, request.account, request.password);
    if (!verdict.ok) {
      this.#log.warn('sign-in refused', { account, workstation: forward.from, reason: verdict.code });
      return refused(verdict.code);
    }
    const directory = await this.#refresh(client);
    checkDelegation(directory, this.#config, this.#key, this.#now());
    const at = this.#now();
    const userId = userIdFor(directory.orgId, verdict.stableId);
    const current = directory.users.get(userId)?.body;
    if (directory.revokedUsers.has(userId) || (current && current.role !== 'member')) {
      this.#log.warn('sign-in refused', { account, user: userId, reason: 'user revoked or not a member' });
      return refused('account_disabled');
    }
    const fields = { displayName: verdict.displayName, ward: verdict.department, active: true };
    const sign = <T extends 'user' | 'device'>(type: T, body: RecordBody<T>) =>
      signRecord(type, body, { kind: 'delegate', id: this.#config.delegationId }, this.#key.secretKey);
    const user =
      current && current.active && current.displayName === fields.displayName && current.ward === fields.ward
        ? directory.users.get(userId)!
        : sign('user', {
            orgId: directory.orgId,
            userId,
            role: 'member',
            ...fields,
            issuedAt: current ? Math.max(at, current.issuedAt + 1) : at,
          });
    // A department outside the delegation's scope: the agent may not make this user.
    if (user !== directory.users.get(userId) && !(await this.#store(client, directory, user)))
      return refused('not_in_group');
    const device = sign('device', {
      orgId: directory.orgId,
      userId,
      deviceId: request.deviceId,
      signingPublicKey: request.signingPublicKey,
      boxPublicKey: request.boxPublicKey,
      label: request.label,
      enrolmentId: null,
      issuedAt: at,
      expiresAt: null,
    });
    const stored = await this.#store(client, directory, device);
    if (!stored) return refused('bad_request');
    this.#log.info('sign-in enrolled a device', {
      account,
      workstation: forward.from,
      user: userId,
      device: request.deviceId,
    });
    const delegation = directory.delegations.get(this.#config.delegationId)!;
    const pos = (r: SignedRecord) => this.#pos.get(r.sig) ?? Number.MAX_SAFE_INTEGER;
    const chain = [...directory.rotations, delegation, user].sort((a, b) => pos(a) - pos(b));
    return {
      ok: true,
      records: [this.#orgRoot!, ...chain, device].map((r) => r as unknown as Record<string, unknown>),
    };
  }

  /** The request, when it was sealed to this agent, parses and is fresh; null otherwise. */
  #open(sealed: string): SignInRequest | null {
    const bytes = fromBase64Url(sealed);
    const plain = bytes ? openAsAgent(bytes, this.#key.secretKey) : null;
    if (!plain) return null;
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(plain));
    } catch {
      return null;
    } finally {
      plain.fill(0);
    }
    const parsed = signInRequestSchema.safeParse(json);
    if (!parsed.success || Math.abs(this.#now() - parsed.data.at) > SIGN_IN_MAX_AGE_MS) return null;
    return parsed.data;
  }

  /** The directory as the relay has it now: read once in full, then what came after. */
  async #refresh(client: AgentRelayClient): Promise<Directory> {
    const orgKey = fromBase64Url(this.#config.relay.orgPublicKey)!;
    this.#directory ??= new Directory({ orgPublicKey: orgKey });
    for (const { pos, record } of await client.records(this.#lastPos)) {
      const signed = record as SignedRecord;
      this.#lastPos = pos;
      // One this agent stored and took in itself: only its place in the order is new.
      if (this.#pos.has(signed.sig)) {
        this.#pos.set(signed.sig, pos);
        continue;
      }
      const verdict = this.#directory.ingest(signed);
      if (!verdict.ok) throw new Error(`the relay handed over a record that fails: ${verdict.reason}`);
      if (signed.type === 'org_root') this.#orgRoot = signed;
      this.#pos.set(signed.sig, pos);
    }
    return this.#directory;
  }

  /** Stores a record this agent signed, after the check every client runs; false when refused. */
  async #store(client: AgentRelayClient, directory: Directory, record: SignedRecord): Promise<boolean> {
    const verdict = directory.verify(record);
    if (!verdict.ok) {
      this.#log.warn('sign-in record refused here', { type: record.type, reason: verdict.detail ?? verdict.reason });
      return false;
    }
    await client.put(record);
    directory.ingest(record);
    this.#pos.set(record.sig, Number.MAX_SAFE_INTEGER - 1);
    return true;
  }
}
