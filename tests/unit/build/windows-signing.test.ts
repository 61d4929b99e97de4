// The Windows signing configuration, checked against electron-builder's own code that decides what
// it signs and how (WinPackager.shouldSignFile, WindowsSignToolManager), so the test fails if the
// configuration would leave the app's .exe or the MSI unsigned. signtool itself cannot run here
// (no Windows): the certificate-store case stops at the signtool arguments electron-builder computes.
import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WindowsConfiguration } from 'electron-builder';
import { builderConfig, config } from '../../../apps/desktop/build/electron-builder.config.ts';
import { SIGNED_EXTENSIONS, windowsSigning } from '../../../apps/desktop/build/windows-signing.ts';

interface SignToolManager {
  cscInfo: { value: Promise<unknown> };
  signFile(options: { path: string; options: WindowsConfiguration }): Promise<boolean>;
  computeSignToolArgs(options: object, isWin: boolean, vm: object): string[];
}
const require = createRequire(import.meta.url);
// The package's entry first: its modules import each other in a cycle that only resolves in this order.
require('app-builder-lib');
const { WinPackager } = require('app-builder-lib/out/winPackager') as {
  WinPackager: {
    prototype: {
      shouldSignFile(
        this: { platformSpecificBuildOptions: WindowsConfiguration },
        file: string,
        fallback?: boolean,
      ): boolean;
    };
  };
};
const { WindowsSignToolManager } = require('app-builder-lib/out/codeSign/windowsSignToolManager') as {
  WindowsSignToolManager: new (packager: object) => SignToolManager;
};

const THUMBPRINT = '0123456789ABCDEF0123456789ABCDEF01234567';
/** What the app folder and release folder hold that Windows checks signatures of. */
const APP_EXE = 'release/win-unpacked/Klinikfunk.exe';
const MSI = 'release/Klinikfunk-0.1.0.msi';
const NSIS = 'release/Klinikfunk Setup 0.1.0.exe';
const ADDON =
  'release/win-unpacked/resources/app.asar.unpacked/node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node';

/** electron-builder's decision for one file: the app folder walk (signApp) or an artefact (signIf). */
function electronBuilderSigns(win: WindowsConfiguration, file: string, artefact: boolean): boolean {
  if (win.signExecutable === false || win.signAndEditExecutable === false) return false;
  return WinPackager.prototype.shouldSignFile.call({ platformSpecificBuildOptions: win }, file, artefact);
}

/** The slice of a WinPackager that WindowsSignToolManager reads; vm answers the certificate store query. */
function fakePackager(win: WindowsConfiguration, storeJson = '[]') {
  const vm = {
    powershellCommand: { value: Promise.resolve('powershell.exe') },
    exec: async () => storeJson,
    toVmFile: (file: string) => file,
  };
  return {
    platformSpecificBuildOptions: win,
    config: {},
    appInfo: { productName: 'Klinikfunk', type: 'module', computePackageUrl: async () => null },
    info: { getWorkspaceRoot: async () => process.cwd() },
    vm: { value: Promise.resolve(vm) },
    getCscLink: () => null,
    getCscPassword: () => null,
    vmForTest: vm,
  };
}

describe('windows signing configuration', () => {
  it('without signing variables builds unsigned and does not require signing', () => {
    expect(windowsSigning({}).mode).toBe('unsigned');
    const cfg = builderConfig({});
    expect(cfg.win.forceCodeSigning).toBe(false);
    expect(cfg.win).not.toHaveProperty('signtoolOptions');
    expect(cfg.win).not.toHaveProperty('azureSignOptions');
    // Nothing switches signing off: the day a certificate is configured, the same files get signed.
    for (const [file, artefact] of [
      [APP_EXE, false],
      [MSI, true],
      [NSIS, true],
    ] as const)
      expect(electronBuilderSigns(cfg.win, file, artefact)).toBe(true);
    expect(config).toEqual(cfg);
    expect(cfg).not.toHaveProperty('forceCodeSigning');
  });

  it('with a certificate thumbprint signs the app exe, its addon, the MSI and the NSIS installer from the store, and fails the build if it cannot', async () => {
    const cfg = builderConfig({
      KLINIKFUNK_SIGN_CERT_SHA1: '01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67',
    });
    expect(cfg.win.forceCodeSigning).toBe(true);
    expect(cfg.win.signtoolOptions).toMatchObject({ certificateSha1: THUMBPRINT, signingHashAlgorithms: ['sha256'] });
    for (const [file, artefact] of [
      [APP_EXE, false],
      [ADDON, false],
      [MSI, true],
      [NSIS, true],
    ] as const)
      expect(electronBuilderSigns(cfg.win, file, artefact)).toBe(true);
    expect(electronBuilderSigns(cfg.win, 'release/win-unpacked/LICENSES.chromium.html', false)).toBe(false);

    // The certificate electron-builder finds in the store, and the signtool line it would run for each file.
    const packager = fakePackager(
      cfg.win,
      JSON.stringify([
        {
          Subject: 'CN=Other',
          PSParentPath: 'Microsoft.PowerShell.Security\\Certificate::CurrentUser\\My',
          Thumbprint: 'F'.repeat(40),
        },
        {
          Subject: 'CN=Klinikfunk',
          PSParentPath: 'Microsoft.PowerShell.Security\\Certificate::LocalMachine\\My',
          Thumbprint: THUMBPRINT,
        },
      ]),
    );
    const manager = new WindowsSignToolManager(packager);
    const cscInfo = await manager.cscInfo.value;
    expect(cscInfo).toMatchObject({ thumbprint: THUMBPRINT, store: 'My', isLocalMachineStore: true });
    for (const file of [APP_EXE, MSI]) {
      const args = manager.computeSignToolArgs(
        { path: file, options: cfg.win, name: 'Klinikfunk', site: null, cscInfo, hash: 'sha256', isNest: false },
        true,
        packager.vmForTest,
      );
      expect(args).toEqual(
        expect.arrayContaining(['/sha1', THUMBPRINT, '/sm', '/fd', 'sha256', '/tr', 'http://timestamp.digicert.com']),
      );
      expect(args.at(-1)).toBe(file);
    }
  });

  it('with a certificate subject name picks that certificate from the store', async () => {
    const cfg = builderConfig({
      KLINIKFUNK_SIGN_CERT_SUBJECT: 'Klinikfunk GmbH',
      KLINIKFUNK_SIGN_TIMESTAMP_URL: 'http://timestamp.example.test',
    });
    expect(cfg.win.signtoolOptions).toMatchObject({
      certificateSubjectName: 'Klinikfunk GmbH',
      rfc3161TimeStampServer: 'http://timestamp.example.test',
    });
    const packager = fakePackager(
      cfg.win,
      JSON.stringify({
        Subject: 'CN=Klinikfunk GmbH, O=Klinikfunk',
        PSParentPath: 'X\\Certificate::CurrentUser\\My',
        Thumbprint: THUMBPRINT,
      }),
    );
    expect(await new WindowsSignToolManager(packager).cscInfo.value).toMatchObject({
      thumbprint: THUMBPRINT,
      isLocalMachineStore: false,
    });
  });

  describe('through a signing hook (a signing service)', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kf-sign-'));
      // A hook as a signing service's client would be: it receives each file electron-builder signs.
      await writeFile(
        join(dir, 'sign-hook.mjs'),
        `import { appendFile } from 'node:fs/promises';\nexport default async function sign(c) { await appendFile(${JSON.stringify(join(dir, 'signed.txt'))}, c.path + ' ' + c.hash + '\\n'); }\n`,
      );
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('hands the app exe and the MSI to the hook, once each with SHA-256', async () => {
      const cfg = builderConfig({ KLINIKFUNK_SIGN_HOOK: join(dir, 'sign-hook.mjs') });
      expect(cfg.win.forceCodeSigning).toBe(true);
      expect(electronBuilderSigns(cfg.win, APP_EXE, false)).toBe(true);
      expect(electronBuilderSigns(cfg.win, MSI, true)).toBe(true);
      const manager = new WindowsSignToolManager(fakePackager(cfg.win));
      expect(await manager.signFile({ path: APP_EXE, options: cfg.win })).toBe(true);
      expect(await manager.signFile({ path: MSI, options: cfg.win })).toBe(true);
      expect(await readFile(join(dir, 'signed.txt'), 'utf8')).toBe(`${APP_EXE} sha256\n${MSI} sha256\n`);
    });
  });

  it('with Azure Trusted Signing uses the service for every file, and needs all of its variables', () => {
    const env = {
      KLINIKFUNK_AZURE_SIGN_ENDPOINT: 'https://weu.codesigning.azure.net',
      KLINIKFUNK_AZURE_SIGN_ACCOUNT: 'klinikfunk',
      KLINIKFUNK_AZURE_SIGN_PROFILE: 'klinikfunk-public',
      KLINIKFUNK_SIGN_PUBLISHER: 'Klinikfunk GmbH',
    };
    const cfg = builderConfig(env);
    expect(cfg.win.forceCodeSigning).toBe(true);
    expect(cfg.win.azureSignOptions).toEqual({
      endpoint: env.KLINIKFUNK_AZURE_SIGN_ENDPOINT,
      codeSigningAccountName: 'klinikfunk',
      certificateProfileName: 'klinikfunk-public',
      publisherName: 'Klinikfunk GmbH',
    });
    expect(cfg.win).not.toHaveProperty('signtoolOptions');
    for (const [file, artefact] of [
      [APP_EXE, false],
      [MSI, true],
    ] as const)
      expect(electronBuilderSigns(cfg.win, file, artefact)).toBe(true);
    expect(() => builderConfig({ ...env, KLINIKFUNK_AZURE_SIGN_PROFILE: ' ' })).toThrow(
      /needs KLINIKFUNK_AZURE_SIGN_PROFILE/,
    );
  });

  it('with a .pfx through electron-builder’s WIN_CSC_LINK requires signing and keeps the SHA-256 time stamp', () => {
    const cfg = builderConfig({ WIN_CSC_LINK: 'C:\\secure\\klinikfunk.pfx' });
    expect(cfg.win.forceCodeSigning).toBe(true);
    expect(cfg.win.signtoolOptions).toEqual({
      rfc3161TimeStampServer: 'http://timestamp.digicert.com',
      signingHashAlgorithms: ['sha256'],
    });
  });

  it('refuses two ways at once, a malformed thumbprint and a time stamp server that is not a URL', () => {
    expect(() => windowsSigning({ KLINIKFUNK_SIGN_CERT_SHA1: THUMBPRINT, KLINIKFUNK_SIGN_HOOK: '/x.mjs' })).toThrow(
      /choose one way/,
    );
    expect(() => windowsSigning({ KLINIKFUNK_SIGN_CERT_SUBJECT: 'X', WIN_CSC_LINK: 'a.pfx' })).toThrow(
      /choose one way/,
    );
    expect(() => windowsSigning({ KLINIKFUNK_SIGN_CERT_SHA1: 'abc' })).toThrow(/40 hex digits/);
    expect(() => windowsSigning({ KLINIKFUNK_SIGN_HOOK: '/x.mjs', KLINIKFUNK_SIGN_TIMESTAMP_URL: 'digicert' })).toThrow(
      /http\(s\) URL/,
    );
    expect(SIGNED_EXTENSIONS).toContain('.exe');
  });
});
