// What the core needs from the desktop shell. Electron implements these in apps/desktop/electron/main;
// apps/desktop/electron/core/platform/fakes.ts implements them in memory for Node, tests and the harness.
// The core receives one Platform from the composition root and never imports 'electron'.
import type { NetworkPlatform } from '../net/network-platform.ts';

/**
 * OS-level encryption bound to the signed-in Windows/Linux user (Electron safeStorage, DPAPI on
 * Windows): bytes sealed here open only for the same OS account (on Windows, DPAPI also ties a
 * local account to the machine). Asynchronous, as Electron's safeStorage is since Electron 45.
 */
export interface SafeStorage {
  /** False when the OS offers no protected storage (then callers must not pretend it does). */
  isAvailable(): Promise<boolean>;
  encrypt(plain: Uint8Array): Promise<Uint8Array>;
  /**
   * Throws when the bytes were sealed for another account (or are damaged). `reseal` asks the
   * caller to seal the plaintext again because the OS rotated its key.
   */
  decrypt(sealed: Uint8Array): Promise<{ plain: Uint8Array; reseal: boolean }>;
}

export interface NotificationRequest {
  title: string;
  /** Omitted when policy hides content on shared workstations. */
  body?: string;
  /** Opaque tag handed back on click, e.g. a channel id. */
  tag?: string;
  urgent?: boolean;
  /**
   * `escalation`: an unacknowledged urgent message alerted again, or escalated to this user's
   * role; the shell plays a sound of its own for it, unlike any other notification.
   */
  sound?: 'escalation';
}

export interface Notifier {
  isSupported(): boolean;
  show(request: NotificationRequest): void;
  onClick(listener: (tag: string | undefined) => void): () => void;
}

export type IdleState = 'active' | 'idle' | 'locked' | 'unknown';

export interface IdleSource {
  /** Seconds since the last keyboard or mouse input anywhere on the machine. */
  idleSeconds(): number;
  state(idleThresholdSeconds: number): IdleState;
}

export type OsSessionEvent = 'lock-screen' | 'unlock-screen' | 'suspend' | 'resume' | 'shutdown';

export interface OsSessionEvents {
  on(listener: (event: OsSessionEvent) => void): () => void;
}

/** Asynchronous, as Electron's clipboard module is since Electron 45. */
export interface Clipboard {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
  clear(): void;
}

export type { NetworkPlatform };

export interface SaveRequest {
  /** Window title of the dialog. */
  title: string;
  /** File name offered; the user may change name and folder. */
  suggestedName: string;
  /** Label of the file type filter, with the extensions it allows (without dots). */
  filter: { name: string; extensions: string[] };
}

/** The system's "save as" dialog (Electron dialog.showSaveDialog). */
export interface SaveDialog {
  /** The path the user chose, or null when they cancelled. */
  choosePath(request: SaveRequest): Promise<string | null>;
}

/**
 * Where the app keeps an OS account's files. `localData` stays on this machine: on Windows
 * %LOCALAPPDATA%\Klinikfunk, which a roaming profile does not copy to the file server at every
 * sign-out (stores of hundreds of MB, opened by the app while the sync runs). Earlier versions kept
 * profiles and logs in Electron's default userData, the roaming %APPDATA%\Klinikfunk: `legacyData`,
 * from where they are moved once (core/app/data-location.ts). On Linux both are ~/.config/Klinikfunk.
 */
export interface AppPaths {
  os: NodeJS.Platform;
  localData: string;
  legacyData: string;
  /** The process environment, for %VARIABLES% in the ProfileRoot policy. */
  environment: Readonly<Record<string, string | undefined>>;
}

export interface Platform {
  paths: AppPaths;
  network: NetworkPlatform;
  safeStorage: SafeStorage;
  notifier: Notifier;
  idle: IdleSource;
  osSession: OsSessionEvents;
  clipboard: Clipboard;
  saveDialog: SaveDialog;
}
