// In-memory twins of the platform interfaces, for Node, tests and the browser harness.
// They behave like the real ones where behaviour matters: safeStorage really encrypts, with a key
// per OS account (as DPAPI does), so a test cannot pass by reading the "sealed" bytes as plaintext,
// two instances for the same account (an app restart) open each other's bytes, and another
// account's instance cannot.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeNetwork } from '../net/node-network.ts';
import type {
  AppPaths,
  Clipboard,
  IdleSource,
  IdleState,
  NetworkPlatform,
  NotificationRequest,
  Notifier,
  OsSessionEvent,
  OsSessionEvents,
  Platform,
  SafeStorage,
  SaveDialog,
  SaveRequest,
} from './platform.ts';

/** The OS account the fakes act for unless a test names another one. */
export const FAKE_OS_USER = 'pflege-station-3b';

export class FakeSafeStorage implements SafeStorage {
  readonly #key: Buffer;
  available = true;
  /** The next decrypt reports a rotated OS key (Electron's shouldReEncrypt). */
  rotated = false;
  readonly osUser: string;
  constructor(osUser: string = FAKE_OS_USER) {
    this.osUser = osUser;
    // Derived from the account name, so another process for the same account has the same key.
    this.#key = createHash('sha256').update(`klinikfunk fake DPAPI key\0${osUser}`).digest();
  }
  async isAvailable(): Promise<boolean> {
    return this.available;
  }
  async encrypt(plain: Uint8Array): Promise<Uint8Array> {
    if (!this.available) throw new Error('safeStorage is not available');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]));
  }
  async decrypt(sealed: Uint8Array): Promise<{ plain: Uint8Array; reseal: boolean }> {
    if (!this.available) throw new Error('safeStorage is not available');
    const buf = Buffer.from(sealed);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, buf.subarray(0, 12));
    decipher.setAuthTag(buf.subarray(12, 28));
    const plain = new Uint8Array(Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]));
    const reseal = this.rotated;
    this.rotated = false;
    return { plain, reseal };
  }
}

export class FakeNotifier implements Notifier {
  readonly shown: NotificationRequest[] = [];
  readonly #listeners = new Set<(tag: string | undefined) => void>();
  isSupported(): boolean {
    return true;
  }
  show(request: NotificationRequest): void {
    this.shown.push(request);
  }
  onClick(listener: (tag: string | undefined) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  click(tag: string | undefined): void {
    for (const l of this.#listeners) l(tag);
  }
}

export class FakeIdleSource implements IdleSource {
  seconds = 0;
  screenLocked = false;
  idleSeconds(): number {
    return this.seconds;
  }
  state(idleThresholdSeconds: number): IdleState {
    if (this.screenLocked) return 'locked';
    return this.seconds >= idleThresholdSeconds ? 'idle' : 'active';
  }
}

export class FakeOsSessionEvents implements OsSessionEvents {
  readonly #listeners = new Set<(event: OsSessionEvent) => void>();
  on(listener: (event: OsSessionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  emit(event: OsSessionEvent): void {
    for (const l of this.#listeners) l(event);
  }
}

export class FakeClipboard implements Clipboard {
  text = '';
  async readText(): Promise<string> {
    return this.text;
  }
  async writeText(text: string): Promise<void> {
    this.text = text;
  }
  clear(): void {
    this.text = '';
  }
}

/** Answers every save dialog with `answer` (a path, or null = cancelled) and keeps the requests. */
export class FakeSaveDialog implements SaveDialog {
  answer: string | null = null;
  readonly requests: SaveRequest[] = [];
  async choosePath(request: SaveRequest): Promise<string | null> {
    this.requests.push(request);
    return this.answer;
  }
}

export interface FakePlatform extends Platform {
  safeStorage: FakeSafeStorage;
  notifier: FakeNotifier;
  idle: FakeIdleSource;
  osSession: FakeOsSessionEvents;
  clipboard: FakeClipboard;
  saveDialog: FakeSaveDialog;
}

/**
 * Paths as Windows would give them, under `root` (nothing is created): local and roaming app data
 * of one account, and its environment.
 */
export function fakeAppPaths(root: string, osUser: string = FAKE_OS_USER): AppPaths {
  const home = join(root, 'Users', osUser);
  const localAppData = join(home, 'AppData', 'Local');
  const appData = join(home, 'AppData', 'Roaming');
  return {
    os: process.platform,
    localData: join(localAppData, 'Klinikfunk'),
    legacyData: join(appData, 'Klinikfunk'),
    environment: { USERNAME: osUser, USERPROFILE: home, LOCALAPPDATA: localAppData, APPDATA: appData },
  };
}

/** The network part is the real Node one (OS store, proxy environment) unless a test passes its own. */
export function createFakePlatform(
  options: { osUser?: string; network?: NetworkPlatform; paths?: AppPaths } = {},
): FakePlatform {
  return {
    paths: options.paths ?? fakeAppPaths(join(tmpdir(), 'klinikfunk-fake-paths'), options.osUser),
    network: options.network ?? nodeNetwork(),
    safeStorage: new FakeSafeStorage(options.osUser),
    notifier: new FakeNotifier(),
    idle: new FakeIdleSource(),
    osSession: new FakeOsSessionEvents(),
    clipboard: new FakeClipboard(),
    saveDialog: new FakeSaveDialog(),
  };
}
