// Packaging, typed. `npm run package` builds for the current OS; the MSI needs a Windows build
// machine with network access (Electron and WiX downloads), see docs/operations.md.
import type { Configuration } from 'electron-builder';
import msiProjectCreated from './msi-policy-hook.ts';
import { windowsSigning, type WindowsSigning } from './windows-signing.ts';

/** Fixed for the life of the product: MSI major upgrades find the installed version by it. */
export const MSI_UPGRADE_CODE = '7E2C4A4B-1F55-4F6B-9C7B-5E0D2B8A3C11';

const baseConfig = {
  appId: 'de.klinikfunk.desktop',
  productName: 'Klinikfunk',
  copyright: 'Klinikfunk',
  directories: { output: 'release', buildResources: 'build/resources' },
  files: ['dist/electron/**', 'dist/renderer/**', 'package.json', '!**/*.map'],
  asar: true,
  // The SQLCipher addon is a native module: it must be a real file on disk to be loaded.
  asarUnpack: ['**/node_modules/better-sqlite3-multiple-ciphers/**/*.node'],
  // N-API prebuilds load in Electron as they are; no compiler on the build machine.
  npmRebuild: false,
  // No update feed: IT distributes updates as MSI. Auto-update stays off unless policy allows it.
  publish: null,
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
  // Drawn by build/icon-mark.ts (`npm run icons`).
  win: { target: ['msi', 'nsis'], icon: 'build/icon.ico' },
  msi: {
    // The name docs/it-rollout.md gives IT for msiexec (electron-builder's default has a space).
    artifactName: '${productName}-${version}.${ext}',
    perMachine: true,
    oneClick: true,
    runAfterFinish: false,
    upgradeCode: MSI_UPGRADE_CODE,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    warningsAsErrors: true,
  },
  msiProjectCreated,
  nsis: { perMachine: true, oneClick: false, allowElevation: true, runAfterFinish: false },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Network;InstantMessaging',
    maintainer: 'Klinikfunk <support@klinikfunk.de>',
    icon: 'build/icon.png',
  },
} satisfies Configuration;

/**
 * The configuration for a build machine's environment: the signing variables (build/windows-signing.ts)
 * decide whether and how the Windows files are signed; everything else is fixed.
 */
export type BuilderConfig = typeof baseConfig & {
  win: typeof baseConfig.win & Omit<WindowsSigning, 'mode'> & { forceCodeSigning: boolean };
};

export function builderConfig(env: Readonly<Record<string, string | undefined>> = process.env): BuilderConfig {
  const { mode, ...signing } = windowsSigning(env);
  return {
    ...baseConfig,
    // A signing build that cannot sign a file fails instead of shipping it unsigned (Windows
    // only: the Linux packages are not signed, and must still build on a machine with the variables).
    win: { ...baseConfig.win, ...signing, forceCodeSigning: mode !== 'unsigned' },
  } satisfies Configuration;
}

/** The configuration without signing variables (an unsigned build), for tests and tools that only read it. */
export const config: BuilderConfig = builderConfig({});
