// Packaging, typed. `npm run package` builds for the current OS; the MSI needs a Windows build
// machine with network access (Electron and WiX downloads), see docs/operations.md.
import type { Configuration } from 'electron-builder';
import msiProjectCreated from './msi-policy-hook.ts';

/** Fixed for the life of the product: MSI major upgrades find the installed version by it. */
export const MSI_UPGRADE_CODE = '7E2C4A4B-1F55-4F6B-9C7B-5E0D2B8A3C11';

export const config = {
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
  win: { target: ['msi', 'nsis'] },
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
  linux: { target: ['AppImage', 'deb'], category: 'Network;InstantMessaging', maintainer: 'Klinikfunk' },
} satisfies Configuration;
