// electron-builder `msiProjectCreated` hook: makes the MSI take the relay address and the
// organisation fingerprint as public properties and write them to the machine policy key, so
//
//   msiexec /i Klinikfunk.msi /qn RELAYURL=wss://klinikfunk.klinik.local ORGFINGERPRINT="YF2D F42H ... Z6H8"
//
// configures a workstation in one step. Secure="yes" lets the properties pass from the client to
// the elevated server side of a per-machine install. Each value is its own component with a
// condition, so an install without the property writes nothing (Group Policy may set it). The value
// is written as typed; the app checks it like any OrgFingerprint policy (packages/protocol/wire/org-fingerprint.ts).
// An upgrade run without the properties keeps the values: a major upgrade removes the old product
// (and its registry values) before the new one writes, so each property is first read back from
// the registry (SAVED_<PROPERTY>, AppSearch) and taken when the command line gave none.
import { readFile, writeFile } from 'node:fs/promises';
import { POLICY_REGISTRY_PATH } from '../electron/core/policy/definitions.ts';

export interface MsiPolicyProperty {
  /** Public MSI property (upper case, so it can be set on the msiexec command line). */
  property: string;
  /** Registry value name under HKLM\Software\Policies\Klinikfunk. */
  valueName: string;
  /** Fixed component GUID: must never change, or upgrades orphan the registry value. */
  componentGuid: string;
}

export const MSI_POLICY_PROPERTIES: readonly MsiPolicyProperty[] = [
  { property: 'RELAYURL', valueName: 'RelayUrl', componentGuid: '{5B0E7E84-6C1B-4E8A-9D1C-2A63F1E0B701}' },
  { property: 'ORGFINGERPRINT', valueName: 'OrgFingerprint', componentGuid: '{5B0E7E84-6C1B-4E8A-9D1C-2A63F1E0B702}' },
];

const GROUP_ID = 'KlinikfunkPolicyComponents';
const FEATURE_ANCHOR = '<ComponentGroupRef Id="ProductComponents"/>';

/** Adds the properties, the registry components and their reference to a WiX project. */
export function addPolicyProperties(wxs: string): string {
  if (wxs.includes(GROUP_ID)) throw new Error('msi policy hook: project already has the policy components');
  if (!wxs.includes(FEATURE_ANCHOR))
    throw new Error('msi policy hook: ProductComponents reference not found in the WiX project');
  if (!wxs.includes('</Product>')) throw new Error('msi policy hook: </Product> not found in the WiX project');

  const properties = MSI_POLICY_PROPERTIES.map(
    (p) => `    <Property Id="${p.property}" Secure="yes"/>
    <Property Id="SAVED_${p.property}" Secure="yes">
      <RegistrySearch Id="Saved${p.valueName}" Root="HKLM" Key="${POLICY_REGISTRY_PATH}" Name="${p.valueName}" Type="raw"/>
    </Property>
    <SetProperty Id="${p.property}" Value="[SAVED_${p.property}]" After="AppSearch" Sequence="both"><![CDATA[SAVED_${p.property} AND NOT ${p.property}]]></SetProperty>`,
  ).join('\n');
  const components = MSI_POLICY_PROPERTIES.map(
    (p) => `      <Component Id="Policy${p.valueName}" Guid="${p.componentGuid}">
        <Condition>${p.property}</Condition>
        <RegistryValue Root="HKLM" Key="${POLICY_REGISTRY_PATH}" Name="${p.valueName}" Type="string" Value="[${p.property}]" KeyPath="yes"/>
      </Component>`,
  ).join('\n');
  const block = `
    <!-- Klinikfunk machine policy from msiexec properties (apps/desktop/build/msi-policy-hook.ts) -->
${properties}
    <ComponentGroup Id="${GROUP_ID}" Directory="APPLICATIONFOLDER">
${components}
    </ComponentGroup>
  </Product>`;

  return wxs
    .replace(FEATURE_ANCHOR, `${FEATURE_ANCHOR}\n      <ComponentGroupRef Id="${GROUP_ID}"/>`)
    .replace('</Product>', block);
}

/** The hook itself: electron-builder passes the path of the generated project.wxs. */
export default async function msiProjectCreated(projectFile: string): Promise<void> {
  await writeFile(projectFile, addPolicyProperties(await readFile(projectFile, 'utf8')));
}
