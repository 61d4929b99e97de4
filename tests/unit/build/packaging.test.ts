import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { config, MSI_UPGRADE_CODE } from '../../../apps/desktop/build/electron-builder.config.ts';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';
import msiProjectCreated, {
  addPolicyProperties,
  MSI_POLICY_PROPERTIES,
} from '../../../apps/desktop/build/msi-policy-hook.ts';
import { parseOrgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';

const FIXTURE = 'tests/fixtures/msi/project.wxs';

describe('electron-builder config', () => {
  it('builds a per-machine MSI with a fixed upgrade code that does not start the app after install', () => {
    expect(config.win.target).toContain('msi');
    expect(config.msi.perMachine).toBe(true);
    expect(config.msi.runAfterFinish).toBe(false);
    expect(config.msi.upgradeCode).toBe(MSI_UPGRADE_CODE);
    // The file name docs/it-rollout.md tells IT to run (msiexec /i Klinikfunk-<version>.msi).
    expect(
      config.msi.artifactName
        .replace('${productName}', config.productName)
        .replace('${version}', '<version>')
        .replace('${ext}', 'msi'),
    ).toBe('Klinikfunk-<version>.msi');
    expect(MSI_UPGRADE_CODE).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(config.msiProjectCreated).toBe(msiProjectCreated);
  });

  it('names the product and its app id (the MSI and the profile folder derive from them)', () => {
    expect(config.appId).toBe('de.klinikfunk.desktop');
    expect(config.productName).toBe('Klinikfunk');
    expect(config.msi.oneClick).toBe(true);
  });

  it('offers NSIS per machine as the alternative, and AppImage and deb on Linux', () => {
    expect(config.win.target).toContain('nsis');
    expect(config.nsis.perMachine).toBe(true);
    expect(config.nsis.runAfterFinish).toBe(false);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
  });

  it('sets every Electron fuse explicitly', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs into asar with the SQLCipher addon unpacked, ships no source maps and no update feed', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack.some((p) => p.includes('better-sqlite3-multiple-ciphers') && p.endsWith('.node'))).toBe(
      true,
    );
    expect(config.files).toContain('!**/*.map');
    expect(config.publish).toBeNull();
  });
});

describe('auto-update', () => {
  it('is not built in: no updater dependency, no update code in the main process, no feed; DisableAutoUpdate defaults to on', async () => {
    const pkg = JSON.parse(await readFile('apps/desktop/package.json', 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((d) => /updater/i.test(d))).toEqual([]);
    const files = (await readdir('apps/desktop/electron', { recursive: true })).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(20);
    const withUpdater = [];
    for (const file of files)
      if (
        /autoUpdater|electron-updater|checkForUpdates/.test(await readFile(join('apps/desktop/electron', file), 'utf8'))
      )
        withUpdater.push(file);
    expect(withUpdater).toEqual([]);
    expect(config.publish).toBeNull();
    expect(resolvePolicy([]).values.disableAutoUpdate).toBe(true);
  });
});

describe('MSI policy hook', () => {
  it('adds RELAYURL and ORGFINGERPRINT as secure public properties', async () => {
    const wxs = addPolicyProperties(await readFile(FIXTURE, 'utf8'));
    expect(wxs).toContain('<Property Id="RELAYURL" Secure="yes"/>');
    expect(wxs).toContain('<Property Id="ORGFINGERPRINT" Secure="yes"/>');
  });

  it('the ORGFINGERPRINT of the documented msiexec line, written as REG_SZ, is a valid OrgFingerprint policy', async () => {
    const doc = await readFile('docs/it-rollout.md', 'utf8');
    const value = /ORGFINGERPRINT="([^"]+)"/.exec(doc)?.[1];
    expect(value).toBeDefined();
    expect(parseOrgFingerprint(value!)).toMatchObject({ ok: true, kind: 'fingerprint' });
    const policy = resolvePolicy([
      { name: 'HKLM', kind: 'registry', values: new Map([['OrgFingerprint', { type: 'REG_SZ', value: value! }]]) },
    ]);
    expect(policy.problems).toEqual([]);
    expect(policy.values.orgFingerprint).toBe(value);
    // The same property with one character mistyped is refused with the reason.
    const typo = (value![0] === 'A' ? 'B' : 'A') + value!.slice(1);
    const bad = resolvePolicy([
      { name: 'HKLM', kind: 'registry', values: new Map([['OrgFingerprint', { type: 'REG_SZ', value: typo }]]) },
    ]);
    expect(bad.problems).toMatchObject([
      { key: 'orgFingerprint', reason: 'invalid_value', detail: expect.stringContaining('mistyped') },
    ]);
  });

  it('writes each property to the HKLM policy key, only when it was given', async () => {
    const wxs = addPolicyProperties(await readFile(FIXTURE, 'utf8'));
    for (const p of MSI_POLICY_PROPERTIES) {
      expect(wxs).toContain(
        `<RegistryValue Root="HKLM" Key="Software\\Policies\\Klinikfunk" Name="${p.valueName}" Type="string" Value="[${p.property}]" KeyPath="yes"/>`,
      );
      expect(wxs).toContain(`<Condition>${p.property}</Condition>`);
      expect(wxs).toContain(`Guid="${p.componentGuid}"`);
      // An upgrade without the property on the command line keeps what the registry holds.
      expect(wxs).toContain(
        `<RegistrySearch Id="Saved${p.valueName}" Root="HKLM" Key="Software\\Policies\\Klinikfunk" Name="${p.valueName}" Type="raw"/>`,
      );
      expect(wxs).toContain(
        `<SetProperty Id="${p.property}" Value="[SAVED_${p.property}]" After="AppSearch" Sequence="both"><![CDATA[SAVED_${p.property} AND NOT ${p.property}]]></SetProperty>`,
      );
    }
  });

  it('references the new components from the product feature and stays well-formed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kf-msi-'));
    try {
      const project = join(dir, 'project.wxs');
      await copyFile(FIXTURE, project);
      await msiProjectCreated(project);
      const wxs = await readFile(project, 'utf8');
      const feature = /<Feature Id="ProductFeature"[^>]*>([\s\S]*?)<\/Feature>/.exec(wxs)?.[1] ?? '';
      expect(feature).toContain('<ComponentGroupRef Id="KlinikfunkPolicyComponents"/>');
      expect(() => execFileSync('xmllint', ['--noout', project], { stdio: 'pipe' })).not.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to run twice or on a project it does not recognise', async () => {
    const once = addPolicyProperties(await readFile(FIXTURE, 'utf8'));
    expect(() => addPolicyProperties(once)).toThrow(/already/);
    expect(() => addPolicyProperties('<Wix><Product></Product></Wix>')).toThrow(/ProductComponents/);
  });
});
