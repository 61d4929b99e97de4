// Composition root of the desktop app: lifecycle, single instance, sandbox, the window, the
// app:// protocol, IPC. Everything with logic lives in apps/desktop/electron/core and is tested under Node.
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { settleDataDir } from '../core/app/data-location.ts';
import { quitSequence } from '../core/app/quit-sequence.ts';
import { createCore, type Core } from '../core/wiring.ts';
import { calibrateKdf } from '../core/crypto/kdf.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { deferredSink } from '../core/log/deferred-sink.ts';
import { createLogger, jsonLineSink } from '../core/log/logger.ts';
import { openRotatingLog, teeSink, type RotatingLog } from '../core/log/rotating-file.ts';
import { installProcessGuards } from '@klinikfunk/node-common/process-guard.ts';
import { loadMachinePolicySync } from '../core/policy/load.ts';
import { createRegQuerySyncReader } from '../core/policy/registry.ts';
import { createRouter } from '../ipc/router.ts';
import { handleAppProtocol, registerAppScheme } from './app-protocol.ts';
import { createElectronPlatform, electronAppPaths } from './electron-platform.ts';
import { registerIpc, sendEvent } from './ipc.ts';
import { APP_ENTRY_URL, APP_ORIGIN, denyAllPermissions, hardenWebContents, mainWindowOptions } from './window.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

declare const __KLINIKFUNK_COMMIT__: string;
declare const __KLINIKFUNK_BUILD_DATE__: string;

// stderr as before, and a rotating file in the data folder for support (5 × 2 MiB; the support
// package carries it, docs/it-rollout.md "Log file and support package"). The file opens only
// once this process holds the single-instance lock (start below); lines before that wait in
// `fileSink`.
const fileSink = deferredSink();
let logFile: RotatingLog | null = null;
const log = createLogger(teeSink(jsonLineSink, fileSink.sink), 'main');
// Logged, and the app keeps running (why: packages/node-common/process-guard.ts).
installProcessGuards(log.child('process'), { exitOnUncaughtException: false });

// Sandbox every renderer, including any created by a library, before anything else runs.
app.enableSandbox();
registerAppScheme();

// Policy first, blocking, before Electron is ready: ProfileRoot decides the data folder, which
// becomes Electron's userData, so Chromium's Local State (the key DPAPI seals profiles with) sits
// beside the profiles it opens. The folder moves out of the roaming profile once, here, before
// anything in it is open (core/app/data-location.ts). The single-instance lock is per userData.
const paths = electronAppPaths();
const policy = loadMachinePolicySync(
  {
    platform: process.platform,
    ...(process.env.ProgramData ? { programData: process.env.ProgramData } : {}),
    ...(process.platform === 'win32' ? { registry: createRegQuerySyncReader() } : {}),
  },
  log.child('policy'),
);
const dataDir = settleDataDir(paths, policy, log.child('data'));
if (dataDir !== null) app.setPath('userData', dataDir);

if (dataDir === null || !app.requestSingleInstanceLock()) {
  // A second start (double click on a ward PC) focuses the running window instead, and never
  // opens the running app's log file or profiles. One that comes while the first start is still
  // moving the data folder (no window yet, no lock to find) ends the same way.
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  let core: Core | null = null;
  // Electron waits for nothing a quit handler starts: hold the quit until the core is closed and
  // the log file holds its last line, then quit for real.
  const quit = quitSequence(() => ({ core, logFile, log }));
  let quitReady = false;
  app.on('will-quit', (event) => {
    if (quitReady) return;
    event.preventDefault();
    const quitNow = () => {
      quitReady = true;
      app.quit();
    };
    // quitSequence never rejects; quit either way.
    quit().then(quitNow, quitNow);
  });

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
    logFile = openRotatingLog({ dir: join(dataDir, 'logs') });
    fileSink.attach(logFile.sink);
    log.info('data folder', { dir: dataDir, byPolicy: policy.values.profileRoot !== null });
    denyAllPermissions(session.defaultSession);
    const appDir = app.getAppPath();
    handleAppProtocol(join(appDir, 'dist', 'renderer'));
    // Argon2id cost for new passphrase wraps, chosen for this machine by one derivation at the
    // floor (about 0.2 s); never below 64 MiB / 3 passes. Existing wraps keep their stored cost.
    await readySodium();
    const kdf = await calibrateKdf({ targetMs: 500 });
    log.info('passphrase KDF calibrated', { memLimitBytes: kdf.memLimitBytes, opsLimit: kdf.opsLimit });

    const started = createCore({
      build: {
        name: 'Klinikfunk',
        version: app.getVersion(),
        commit: __KLINIKFUNK_COMMIT__,
        date: __KLINIKFUNK_BUILD_DATE__,
        electron: process.versions.electron ?? null,
      },
      policy,
      platform: createElectronPlatform(paths),
      dataDir: join(dataDir, 'profiles'),
      kdf,
      log: log.child('core'),
      logFiles: () => logFile?.files() ?? Promise.resolve([]),
      emit: (event, payload) => sendEvent(mainWindow?.webContents ?? null, event, payload),
    });
    core = started;
    const router = createRouter({
      handlers: started.handlers,
      guards: started.guards,
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
    mainWindow
      .loadURL(APP_ENTRY_URL)
      .catch((error: unknown) => log.error('window did not load', { error: loggable(error) }));
  };
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      // Without policy, store or window there is nothing to show: log why and end.
      log.error('start failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      // The log file writes in the background: let it take this line before the process ends.
      const exit = () => app.exit(1);
      quit().then(exit, exit);
    });
}
