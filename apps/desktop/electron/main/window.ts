// The one app window and the rules every web contents lives by. Kept free of app lifecycle so the
// options and handlers can be tested against a fake of Electron's objects.
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'klinikfunk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export interface WindowOptionsInput {
  preloadPath: string;
  /** Packaged builds have no DevTools. */
  isPackaged: boolean;
}

export function mainWindowOptions({ preloadPath, isPackaged }: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    // 1366x768 is the typical ward PC; the layout is designed for it.
    width: 1366,
    height: 768,
    minWidth: 1024,
    minHeight: 600,
    show: false,
    title: 'Klinikfunk',
    backgroundColor: '#f5f6f8',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: !isPackaged,
    },
  };
}

/** True only for the app's own origin; everything else is foreign to the window. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

export function isHttpsUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

export interface GuardDeps {
  /** Asks the user whether to open a link in the system browser. */
  confirmExternal(url: string): Promise<boolean>;
  openExternal(url: string): Promise<void>;
  log: { warn(message: string, fields?: Record<string, unknown>): void };
}

/**
 * No navigation away from the app, no new windows, no webviews. https links open in the system
 * browser after the user confirms; every other scheme (file:, javascript:, smb:, ...) is dropped.
 */
export function hardenWebContents(contents: WebContents, deps: GuardDeps): void {
  const refuseNavigation = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    deps.log.warn('navigation refused', { scheme: safeScheme(url) });
  };
  contents.on('will-navigate', refuseNavigation);
  contents.on('will-redirect', refuseNavigation);
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    deps.log.warn('webview refused');
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isHttpsUrl(url)) {
      deps
        .confirmExternal(url)
        .then((yes) => (yes ? deps.openExternal(url) : undefined))
        .catch((error: unknown) => deps.log.warn('external link not opened', { error: loggable(error) }));
    } else {
      deps.log.warn('window.open refused', { scheme: safeScheme(url) });
    }
    return { action: 'deny' };
  });
}

/** Camera, microphone, notifications-by-web-API, geolocation, HID...: all refused. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

function safeScheme(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return match?.[1]?.toLowerCase() ?? 'invalid';
}
