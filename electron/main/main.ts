// Composition root of the desktop app: lifecycle, single instance, sandbox, the window, the
// app:// protocol, IPC. Everything with logic lives in electron/core and is tested under Node.
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { createCore } from '../core/compose.ts';
import { calibrateKdf } from '../core/crypto/kdf.ts';
import { readySodium } from '../core/crypto/sodium.ts';
import { createLogger, jsonLineSink } from '../core/log/logger.ts';
import { openRotatingLog, teeSink } from '../core/log/rotating-file.ts';
import { installProcessGuards } from '../core/log/process-guard.ts';
import { loadMachinePolicy } from '../core/policy/load.ts';
import { createRegQueryReader } from '../core/policy/registry.ts';
import { createRouter } from '../ipc/router.ts';
import { handleAppProtocol, registerAppScheme } from './app-protocol.ts';
import { createElectronPlatform } from './electron-platform.ts';
import { registerIpc, sendEvent } from './ipc.ts';
import { APP_ENTRY_URL, APP_ORIGIN, denyAllPermissions, hardenWebContents, mainWindowOptions } from './window.ts';
import { loggable } from '../../shared/log/logger.ts';

declare const __KLINIKFUNK_COMMIT__: string;
declare const __KLINIKFUNK_BUILD_DATE__: string;

// stderr as before, and a rotating file beside the profiles for support (5 × 2 MiB; the support
// package carries it, docs/it-rollout.md "Log file and support package").
const logFile = openRotatingLog({ dir: join(app.getPath('userData'), 'logs') });
const log = createLogger(teeSink(jsonLineSink, logFile.sink), 'main');
// Logged, and the app keeps running (why: electron/core/log/process-guard.ts).
installProcessGuards(log.child('process'), { exitOnUncaughtException: false });

// Sandbox every renderer, including any created by a library, before anything else runs.
app.enableSandbox();
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  // A second start (double click on a ward PC) focuses the running window instead.
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, {
      confirmExternal: async (url) => {
        const { response } = await dialog.showMessageBox({
          type: 'question',
          buttons: ['Abbrechen', 'Im Browser öffnen'],
          defaultId: 0,
          cancelId: 0,
          title: 'Externen Link öffnen?',
          message: 'Dieser Link führt aus Klinikfunk hinaus. Nur öffnen, wenn Sie der Quelle vertrauen.',
          detail: url,
        });
        return response === 1;
      },
      openExternal: (url) => shell.openExternal(url),
      log: log.child('guard'),
    });
  });

  app.on('window-all-closed', () => app.quit());

  const start = async (): Promise<void> => {
    const policy = await loadMachinePolicy(
      {
        platform: process.platform,
        ...(process.env.ProgramData ? { programData: process.env.ProgramData } : {}),
        ...(process.platform === 'win32' ? { registry: createRegQueryReader() } : {}),
      },
      log.child('policy'),
    );
    denyAllPermissions(session.defaultSession);
    const appDir = app.getAppPath();
    handleAppProtocol(join(appDir, 'dist', 'renderer'));
    // Argon2id cost for new passphrase wraps, chosen for this machine by one derivation at the
    // floor (about 0.2 s); never below 64 MiB / 3 passes. Existing wraps keep their stored cost.
    await readySodium();
    const kdf = await calibrateKdf({ targetMs: 500 });
    log.info('passphrase KDF calibrated', { memLimitBytes: kdf.memLimitBytes, opsLimit: kdf.opsLimit });

    const core = createCore({
      build: {
        name: 'Klinikfunk',
        version: app.getVersion(),
        commit: __KLINIKFUNK_COMMIT__,
        date: __KLINIKFUNK_BUILD_DATE__,
        electron: process.versions.electron ?? null,
      },
      policy,
      platform: createElectronPlatform(),
      dataDir: join(app.getPath('userData'), 'profiles'),
      kdf,
      log: log.child('core'),
      logFiles: () => logFile.files(),
      emit: (event, payload) => sendEvent(mainWindow?.webContents ?? null, event, payload),
    });
    const router = createRouter({
      handlers: core.handlers,
      allowedOrigin: APP_ORIGIN,
      validateOutput: !app.isPackaged,
      log: log.child('ipc'),
    });
    registerIpc(ipcMain, router);

    mainWindow = new BrowserWindow(
      mainWindowOptions({ preloadPath: join(appDir, 'dist', 'electron', 'preload.cjs'), isPackaged: app.isPackaged }),
    );
    // Screen capture and sharing show a black window when IT asks for it (policy ContentProtection).
    mainWindow.setContentProtection(policy.values.contentProtection);
    mainWindow.once('ready-to-show', () => mainWindow?.show());
    mainWindow.on('closed', () => (mainWindow = null));
    mainWindow.loadURL(APP_ENTRY_URL).catch((error: unknown) => log.error('window did not load', { error: loggable(error) }));

    app.on('before-quit', () => {
      core.close().catch((error: unknown) => log.error('core did not close cleanly', { error: loggable(error) }));
    });
  };
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      // Without policy, store or window there is nothing to show: log why and end.
      log.error('start failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      // The log file writes in the background: let it take this line before the process ends.
      logFile.close().then(
        () => app.exit(1),
        () => app.exit(1),
      );
    });
}
