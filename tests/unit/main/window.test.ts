import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import {
  APP_ENTRY_URL,
  denyAllPermissions,
  hardenWebContents,
  isAppUrl,
  mainWindowOptions,
} from '../../../apps/desktop/electron/main/window.ts';
import { FakeSession, FakeWebContents } from './fake-electron.ts';

describe('main window options', () => {
  it('isolates and sandboxes the renderer and gives it no Node', () => {
    const prefs = mainWindowOptions({ preloadPath: '/app/preload.cjs', isPackaged: true }).webPreferences!;
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
  });

  it('has DevTools only in unpackaged builds', () => {
    expect(mainWindowOptions({ preloadPath: 'p', isPackaged: true }).webPreferences!.devTools).toBe(false);
    expect(mainWindowOptions({ preloadPath: 'p', isPackaged: false }).webPreferences!.devTools).toBe(true);
  });

  it('opens at the typical ward PC resolution', () => {
    const options = mainWindowOptions({ preloadPath: 'p', isPackaged: true });
    expect([options.width, options.height]).toEqual([1366, 768]);
  });
});

describe('web contents guards', () => {
  function guarded() {
    const contents = new FakeWebContents();
    const deps = {
      confirmExternal: vi.fn(async () => true),
      openExternal: vi.fn(async () => {}),
      log: { warn: vi.fn() },
    };
    hardenWebContents(contents as unknown as WebContents, deps);
    return { contents, deps };
  }

  it('allows navigation within the app origin only', () => {
    const { contents } = guarded();
    expect(contents.fire('will-navigate', APP_ENTRY_URL)).toBe(false);
    for (const url of [
      'https://example.org/',
      'file:///etc/passwd',
      'app://other/index.html',
      'javascript:alert(1)',
      'nonsense',
    ]) {
      expect(contents.fire('will-navigate', url), url).toBe(true);
      expect(contents.fire('will-redirect', url), url).toBe(true);
    }
  });

  it('refuses webviews', () => {
    const { contents } = guarded();
    expect(contents.fire('will-attach-webview', {}, {})).toBe(true);
  });

  it('denies every new window; an https link opens externally only after confirmation', async () => {
    const { contents, deps } = guarded();
    expect(contents.windowOpenHandler!({ url: 'https://jitsi.klinik.example/team' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(deps.openExternal).toHaveBeenCalledWith('https://jitsi.klinik.example/team'));
    expect(deps.confirmExternal).toHaveBeenCalledOnce();
  });

  it('does not open an https link the user declined', async () => {
    const { contents, deps } = guarded();
    deps.confirmExternal.mockResolvedValueOnce(false);
    contents.windowOpenHandler!({ url: 'https://example.org/' });
    await vi.waitFor(() => expect(deps.confirmExternal).toHaveBeenCalledOnce());
    await new Promise((r) => setTimeout(r, 10));
    expect(deps.openExternal).not.toHaveBeenCalled();
  });

  it.each(['http://example.org/', 'file:///C:/Windows/system32/calc.exe', 'smb://server/share', 'javascript:alert(1)'])(
    'never opens %s, not even after asking',
    async (url) => {
      const { contents, deps } = guarded();
      expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
      await new Promise((r) => setTimeout(r, 10));
      expect(deps.confirmExternal).not.toHaveBeenCalled();
      expect(deps.openExternal).not.toHaveBeenCalled();
    },
  );

  it('recognises only the app origin as the app', () => {
    expect(isAppUrl('app://klinikfunk/index.html')).toBe(true);
    expect(isAppUrl('app://klinikfunk.evil/index.html')).toBe(false);
    expect(isAppUrl('https://klinikfunk/')).toBe(false);
  });
});

describe('permissions', () => {
  it('denies every permission request, check and device access', () => {
    const session = new FakeSession();
    denyAllPermissions(session as unknown as Session);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid']) {
      let granted: boolean | null = null;
      session.permissionRequestHandler!(null, permission, (g) => (granted = g));
      expect(granted, permission).toBe(false);
      expect(session.permissionCheckHandler!(null, permission)).toBe(false);
    }
    expect(session.devicePermissionHandler!({})).toBe(false);
  });
});
