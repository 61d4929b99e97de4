// The real platform: Electron's safeStorage (DPAPI on Windows), notifications, idle time and
// power events, clipboard, the save dialog, the OS certificate store and proxy resolution. The
// core sees only the interfaces in core/platform.
import { basename, join } from 'node:path';
import { getCACertificates } from 'node:tls';
import { app, BrowserWindow, clipboard, dialog, Notification, powerMonitor, safeStorage, session } from 'electron';
import { fromPacResult } from '../core/net/proxy-choice.ts';
import type { AppPaths, OsSessionEvent, Platform } from '../core/platform/platform.ts';
import { electronSafeStorage } from './safe-storage.ts';
import { notificationOptions } from './notification-options.ts';

/**
 * Electron has no name for local app data: on Windows it is %LOCALAPPDATA% (set for every
 * interactive account); elsewhere the app stays in userData (~/.config/Klinikfunk), nothing roams.
 */
export function electronAppPaths(): AppPaths {
  const userData = app.getPath('userData');
  const localAppData = process.platform === 'win32' ? process.env.LOCALAPPDATA : undefined;
  return {
    os: process.platform,
    // The same folder name as userData's (Klinikfunk).
    localData: localAppData ? join(localAppData, basename(userData)) : userData,
    legacyData: userData,
    environment: { ...process.env },
  };
}

export function createElectronPlatform(paths: AppPaths = electronAppPaths()): Platform {
  const clickListeners = new Set<(tag: string | undefined) => void>();
  return {
    paths,
    network: {
      // Node in Electron's main process reads the OS store as plain Node does (Windows: the
      // machine's and the user's trusted roots, where GPO puts the clinic CA).
      systemCaCertificates: () => getCACertificates('system'),
      // Chromium's resolution: the Windows/macOS/GNOME setting, WPAD and PAC scripts.
      resolveProxy: async (url) => fromPacResult(await session.defaultSession.resolveProxy(url)),
    },
    safeStorage: electronSafeStorage(safeStorage),
    notifier: {
      isSupported: () => Notification.isSupported(),
      show: (request) => {
        const notification = new Notification(notificationOptions(request, process.platform));
        notification.on('click', () => clickListeners.forEach((l) => l(request.tag)));
        notification.show();
      },
      onClick: (listener) => {
        clickListeners.add(listener);
        return () => clickListeners.delete(listener);
      },
    },
    idle: {
      idleSeconds: () => powerMonitor.getSystemIdleTime(),
      state: (threshold) => powerMonitor.getSystemIdleState(threshold),
    },
    osSession: {
      on: (listener) => {
        const names: OsSessionEvent[] = ['lock-screen', 'unlock-screen', 'suspend', 'resume', 'shutdown'];
        // powerMonitor's overloads take one literal each; the names here are exactly those.
        const monitor = powerMonitor as unknown as {
          on(name: string, handler: () => void): void;
          off(name: string, handler: () => void): void;
        };
        const handlers = names.map((name) => {
          const handler = () => listener(name);
          monitor.on(name, handler);
          return [name, handler] as const;
        });
        return () => handlers.forEach(([name, handler]) => monitor.off(name, handler));
      },
    },
    clipboard: {
      readText: () => clipboard.readText(),
      writeText: (text) => clipboard.writeText(text),
      clear: () => clipboard.clear(),
    },
    saveDialog: {
      choosePath: async (request) => {
        const options = {
          title: request.title,
          defaultPath: request.suggestedName,
          filters: [request.filter],
          properties: ['showOverwriteConfirmation' as const],
        };
        // Modal to the app's window when there is one, so it cannot get lost behind it.
        const window = BrowserWindow.getFocusedWindow();
        const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
        return result.canceled || !result.filePath ? null : result.filePath;
      },
    },
  };
}
