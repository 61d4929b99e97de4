// Generates the Group Policy templates (ADMX + ADML de-DE/en-US) and the policy reference table
// from the one definitions table in apps/desktop/electron/core/policy. `npm run policy:templates` writes them;
// a unit test checks the committed files equal what this produces.
import { ALL_POLICIES, POLICY_REGISTRY_PATH, type PolicyDefinition } from '../../electron/core/policy/definitions.ts';

type Lang = 'de' | 'en';
const NS = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';
const SUPPORTED = 'SUPPORTED_Klinikfunk_0_1';

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const optionId = (def: PolicyDefinition, value: string) => `${def.valueName}_${value}`;

function admxElements(def: PolicyDefinition): string {
  const id = def.valueName;
  switch (def.kind) {
    case 'string':
      return `<elements><text id="${id}" valueName="${id}"${def.expandable ? ' expandable="true"' : ''} maxLength="${def.maxLength ?? 2048}" /></elements>`;
    case 'dword':
      return `<elements><decimal id="${id}" valueName="${id}" minValue="${def.range!.min}" maxValue="${def.range!.max}" /></elements>`;
    case 'enum': {
      const items = def
        .options!.map((o) => `<item displayName="$(string.${optionId(def, o.value)})"><value><string>${escapeXml(o.value)}</string></value></item>`)
        .join('');
      return `<elements><enum id="${id}" valueName="${id}" required="true">${items}</enum></elements>`;
    }
    case 'list':
      return `<elements><multiText id="${id}" valueName="${id}" /></elements>`;
    case 'boolean':
      return '';
  }
}

export function renderAdmx(): string {
  const policies = ALL_POLICIES.map((def) => {
    const id = def.valueName;
    const isBool = def.kind === 'boolean';
    const attrs = [
      `name="${id}"`,
      'class="Both"',
      `displayName="$(string.${id})"`,
      `explainText="$(string.${id}_Help)"`,
      ...(isBool ? [`valueName="${id}"`] : [`presentation="$(presentation.${id})"`]),
      `key="${POLICY_REGISTRY_PATH}"`,
    ].join(' ');
    const body = isBool
      ? '<enabledValue><decimal value="1" /></enabledValue><disabledValue><decimal value="0" /></disabledValue>'
      : admxElements(def);
    return `    <policy ${attrs}>\n      <parentCategory ref="Klinikfunk" />\n      <supportedOn ref="${SUPPORTED}" />\n      ${body}\n    </policy>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from apps/desktop/electron/core/policy/definitions.ts by apps/desktop/build/policy/templates.ts. Do not edit. -->
<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="${NS}">
  <policyNamespaces>
    <target prefix="klinikfunk" namespace="Klinikfunk.Policies.Klinikfunk" />
    <using prefix="windows" namespace="Microsoft.Policies.Windows" />
  </policyNamespaces>
  <resources minRequiredRevision="1.0" />
  <supportedOn>
    <definitions>
      <definition name="${SUPPORTED}" displayName="$(string.${SUPPORTED})" />
    </definitions>
  </supportedOn>
  <categories>
    <category name="Klinikfunk" displayName="$(string.Cat_Klinikfunk)" />
  </categories>
  <policies>
${policies}
  </policies>
</policyDefinitions>
`;
}

function presentation(def: PolicyDefinition, lang: Lang): string | null {
  const id = def.valueName;
  const label = escapeXml(def.label[lang]);
  switch (def.kind) {
    case 'boolean':
      return null;
    case 'string':
      return `<presentation id="${id}"><textBox refId="${id}"><label>${label}</label></textBox></presentation>`;
    case 'dword':
      return `<presentation id="${id}"><decimalTextBox refId="${id}" defaultValue="${String(def.defaultValue)}">${label}</decimalTextBox></presentation>`;
    case 'enum':
      return `<presentation id="${id}"><dropdownList refId="${id}" noSort="true" defaultItem="0">${label}</dropdownList></presentation>`;
    case 'list':
      return `<presentation id="${id}"><multiTextBox refId="${id}">${label}</multiTextBox></presentation>`;
  }
}

export function renderAdml(lang: Lang): string {
  const strings: Array<[string, string]> = [
    ['Cat_Klinikfunk', 'Klinikfunk'],
    [SUPPORTED, lang === 'de' ? 'Klinikfunk 0.1 und neuer' : 'Klinikfunk 0.1 and later'],
  ];
  for (const def of ALL_POLICIES) {
    strings.push([def.valueName, def.label[lang]], [`${def.valueName}_Help`, def.help[lang]]);
    for (const option of def.options ?? []) strings.push([optionId(def, option.value), option.label[lang]]);
  }
  const stringTable = strings.map(([id, text]) => `      <string id="${id}">${escapeXml(text)}</string>`).join('\n');
  const presentations = ALL_POLICIES.map((d) => presentation(d, lang))
    .filter((p): p is string => p !== null)
    .map((p) => `      ${p}`)
    .join('\n');
  const description = lang === 'de' ? 'Richtlinien für Klinikfunk' : 'Policies for Klinikfunk';
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from apps/desktop/electron/core/policy/definitions.ts by apps/desktop/build/policy/templates.ts. Do not edit. -->
<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="${NS}">
  <displayName>Klinikfunk</displayName>
  <description>${description}</description>
  <resources>
    <stringTable>
${stringTable}
    </stringTable>
    <presentationTable>
${presentations}
    </presentationTable>
  </resources>
</policyDefinitionResources>
`;
}

const registryType = (def: PolicyDefinition) =>
  ({ string: def.expandable ? 'REG_EXPAND_SZ' : 'REG_SZ', enum: 'REG_SZ', dword: 'REG_DWORD', boolean: 'REG_DWORD (0/1)', list: 'REG_MULTI_SZ' })[def.kind];

const showDefault = (value: unknown) =>
  value === null ? '(not set)' : Array.isArray(value) ? (value.length ? value.join(', ') : '(empty)') : String(value);

/** The reference table in docs/policies.md. */
export function renderPolicyDocs(): string {
  const rows = ALL_POLICIES.map((def) => {
    const values = def.options ? def.options.map((o) => `\`${o.value}\``).join(', ') : def.range ? `${def.range.min}–${def.range.max}` : '';
    return `| \`${def.valueName}\` | \`${def.key}\` | ${registryType(def)} | ${values} | ${showDefault(def.defaultValue)} | ${def.help.en} |`;
  }).join('\n');
  return `# Machine policies

Generated from \`apps/desktop/electron/core/policy/definitions.ts\` (\`npm run policy:templates\`); do not edit by hand.

Registry: \`HKLM\\${POLICY_REGISTRY_PATH}\` (machine) and \`HKCU\\${POLICY_REGISTRY_PATH}\` (user), set by Group
Policy with the templates in \`apps/desktop/build/policy/\` (copy \`klinikfunk.admx\` to \`PolicyDefinitions\\\` and the
\`.adml\` files to \`PolicyDefinitions\\de-DE\\\` and \`PolicyDefinitions\\en-US\\\`). File: \`%ProgramData%\\Klinikfunk\\policy.json\`
on Windows, \`/etc/klinikfunk/policy.json\` on Linux, a JSON object with the keys in the second column.

**Precedence**: HKLM > HKCU > policy file > built-in default. The strongest source that names a key decides it.
If its value has the wrong registry type or is out of range, Klinikfunk logs the problem and uses the built-in
default for that key; it does not fall back to a weaker source, so a typo in a machine policy never hands the
setting to a per-user value. Unknown names are ignored with a log line. Policies are read at start: restart
Klinikfunk after a change. Settings set by any source are shown locked in the app ("Von Ihrer Organisation verwaltet").

| registry value | JSON key | type | allowed | default | effect |
| --- | --- | --- | --- | --- | --- |
${rows}

## Availability: an organisation setting, not a machine policy

Availability ("im Dienst", "nicht stören" with a cover, "abwesend bis …", [protocol](protocol.md#availability)) is
**off by default** and has no registry value: it is switched on for the whole organisation in the admin view, tab
*Richtlinien*, checkbox *Verfügbarkeit: Status »im Dienst«, »nicht stören« mit Vertretung, »abwesend bis …«*, which
signs it into the organisation settings (\`org_settings\` field \`availability\`, absent = off) that every
workstation reads from the relay. It is not a machine policy because who may see a status, and whether an urgent
message goes to a cover, must be the same on every workstation; a value set per PC would let one workstation show
or forward what another does not. Off, no workstation offers the status button, shows a status or forwards an urgent
message, and setting a status is refused (\`unavailable\`); switched on again, statuses set earlier show again
unless they have ended.

## Relay certificate and proxy

Every connection to the relay (the device's WebSocket with messages and file transfers, and the
short connections at setup, enrolment and remote wipe) follows these three policies.

**\`RelayCaCertificates\`**: the relay's certificate is checked against the CAs Node ships, the
operating system's store (Windows: the trusted roots where Group Policy
puts the clinic's CA; Linux: the system bundle), and the entries of this policy. A file entry is an
absolute path to a PEM file (one or more certificates) or a DER \`.cer\` file, read at start; a file
that cannot be read is logged (\`ca_file_unusable\` with the path) and adds nothing. A thumbprint entry
is the SHA-256 fingerprint of a CA certificate (64 hex digits; colons and spaces are accepted, as in the
output of \`openssl x509 -fingerprint -sha256\`); it works only for a CA certificate the
relay sends in its chain (an issuing CA, or the root when the relay sends its full chain): Klinikfunk
fetches the chain once per relay address without trusting it, takes the certificates with a listed
fingerprint as trusted, and then verifies every connection as usual, the relay's host name included.
A CA named by file or thumbprint may be an intermediate: it is trusted on its own. Intermediate CAs
that are only in the operating system's store (Windows: *Zwischenzertifizierungsstellen*) are not:
a chain through them must end at a trusted root. A certificate no
trusted CA issued is refused: the app shows *Der Server wurde abgelehnt …* (code \`relay_untrusted\`)
and keeps trying.

**\`ProxyMode\`** / **\`ProxyServer\`**: \`direct\` connects directly; \`fixed\` tunnels through the HTTP
proxy in \`ProxyServer\` with \`CONNECT\` (\`host:port\`, \`http://host:port\`, or
\`http://user:password@host:port\` for a proxy with Basic authentication; \`https://\` for a proxy
spoken to over TLS, whose certificate is checked like the relay's, against the same CAs); \`fixed\` without \`ProxyServer\` connects directly and logs
\`proxy_server_missing\`. \`system\` (the default) asks the operating system for the relay's address
(as an \`https://\` URL for \`wss://\`): in the desktop app Chromium's proxy resolution, i.e. the Windows
proxy setting, automatic detection (WPAD) and PAC scripts; the first entry of the answer that is
\`DIRECT\`, \`PROXY\` or \`HTTPS\` is used, SOCKS entries are skipped. Outside Electron (the
test harness) \`HTTPS_PROXY\`/\`HTTP_PROXY\` and \`NO_PROXY\` decide. Only HTTP proxies with
\`CONNECT\` are supported (no SOCKS, no NTLM or Kerberos authentication). When the proxy refuses the
connection (\`proxy_refused\`), wants credentials (\`proxy_auth\`) or cannot be reached
(\`proxy_unreachable\`, also when it does not answer the \`CONNECT\` within 15 s), the app says so
in German with what IT has to check and keeps trying with backoff. The password in \`ProxyServer\` is readable by anyone who can read the policy; the app's
*Verwaltete Einstellungen* show the proxy without it.

## The organisation fingerprint (\`OrgFingerprint\`)

One format everywhere: 36 characters in 9 groups of 4, such as \`YF2D F42H CNV4 JBYB KA0J QWCF H289 XJKE Z6H8\`.
The first 8 groups are the first 160 bits of the organisation id (which is itself a hash of the organisation key),
in Crockford base32 (digits and letters without I, L, O, U); the last group is a check group (CRC-20) that catches
every single mistyped character and every swap of two neighbours. Case, spaces and hyphens do not matter, and O, I
and L are read as 0, 1 and 1. Code: \`packages/protocol/wire/org-fingerprint.ts\` (client, admin view and relay).

Where to read it: the admin view, tab *Organisationsschlüssel*, field *Fingerabdruck der Organisation* (with a
*Kopieren* button), and the relay's log, in the line \`bootstrap: bound to organisation\` of its first run and in the
line \`organisation\` at every start (field \`orgFingerprint\`).

A mistyped value (wrong length, a character outside the alphabet, or a check group that does not fit) is refused
with the reason, shown under **Verwaltete Einstellungen**, and joining an organisation on that workstation is
refused until IT corrects it (the pin does not silently fall away). A workstation with \`OrgFingerprint\` set cannot
create a new organisation. The bare 43-character organisation id, which earlier versions compared, is still
accepted (exactly, case-sensitive).

## Moving the relay (\`RelayUrl\`)

Each profile keeps the relay address it was set up with. When \`RelayUrl\` names another address (the relay
moved to another host or port, or now speaks \`wss://\`), each profile on the PC moves at its next sign-in (after
setting the policy, restart Klinikfunk; every profile then signs in again). Before it moves, it checks the relay
at the new address as at enrolment: the relay must accept this device and its directory must begin with the
organisation root signed by the organisation key the profile trusts. Then the profile uses the new address from
then on (also if the policy is removed later) and its tile, and the main view after sign-in, say *Die
Serveradresse wurde von Ihrer IT auf … geändert.* A relay of another organisation moves nobody: the profile
stays on its relay and says *Neue Serveradresse abgelehnt* with the address. A relay that does not answer at
sign-in moves nobody either, without a notice; the next sign-in tries again (logged as \`relay the policy names
not reached\`). A relay this PC cannot reach through its network (the relay's certificate is not trusted here, or the
proxy refuses the connection, wants credentials or cannot be reached) moves nobody, and since that needs IT, the
profile says *Neue Serveradresse nicht erreichbar*; the next sign-in tries again. The relay at the new address must serve the same data (the same database, or the data folder
moved with it): it has to know the devices.

## Where profiles live (\`ProfileRoot\`)

Each Windows account keeps its Klinikfunk data in one folder, by default \`%LOCALAPPDATA%\\Klinikfunk\`: the
\`profiles\` folder (each profile's encrypted store, file cache and identity), the \`logs\` folder, and Chromium's
\`Local State\` file, which holds the key the Windows secure store (DPAPI) seals each profile's key with; a sealed profile
cannot be opened without the \`Local State\` beside it (security.md). Local app data is not copied to the file
server by a roaming profile at sign-out (Linux: \`~/.config/Klinikfunk/\`). In a VDI with a profile container
(FSLogix and the like) that folder is on the container's disk and stays with the account.

\`ProfileRoot\` puts this folder elsewhere, e.g. \`D:\\Klinikfunk\\%USERNAME%\` on a persistent disk of a
non-persistent VDI; profiles are then in \`D:\\Klinikfunk\\<account>\\profiles\`. Klinikfunk sets no permissions on
the folders it creates there: they get those of the folder above, and the default permissions of a data disk that
Windows formatted let every signed-in user read and change everything below its root (Authenticated Users: Modify),
so each account could read the others' profile lists and reset their wrong-passphrase counters. Create the folder
above once, as for home folders, so that each account gets only its own folder: \`icacls D:\\Klinikfunk
/inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-3-0:(OI)(CI)(IO)F *S-1-5-11:(X,RA,AD)\`
(SYSTEM and Administrators full control; whoever creates a folder in it full control of that folder; signed-in
users may only create folders). Below \`%LOCALAPPDATA%\` or \`%USERPROFILE%\` the account's own folder already
has such permissions. The value is a REG_EXPAND_SZ (the
template writes it so) or REG_SZ; \`%VARIABLES%\` are replaced with the signed-in account's environment at start
(names in any case). Klinikfunk refuses, with the reason under **Verwaltete Einstellungen**, a value that

- does not contain one of \`%LOCALAPPDATA%\`, \`%APPDATA%\`, \`%USERPROFILE%\`, \`%USERNAME%\`, \`%HOMEPATH%\` (or, on
  Linux, \`%HOME%\`, \`%USER%\`): every account needs its own folder, or each would see the others' profiles;
- is not absolute (it starts with a drive, \`C:\\…\`, or with a variable), or contains \`..\`;
- is one of the account's own folders itself (\`%LOCALAPPDATA%\`, \`%USERPROFILE%\`): Klinikfunk needs a folder of
  its own there, such as \`%LOCALAPPDATA%\\Klinikfunk\`, or Chromium's files would mix with other programs' and
  removing Klinikfunk's data folder would remove theirs;
- is a network path (UNC, two backslashes and a server name). Each profile is an SQLite database with a
  write-ahead log, and SQLite's file locking is not reliable over SMB: a dropped connection can damage the store.
  A drive letter mapped to a share (\`H:\\\`) is not recognised as one: do not use it either.

A value that passes but cannot be used for the account at start (a variable that is not set, or one that expands
to a network path, such as \`%APPDATA%\` under folder redirection, or a folder that cannot be created, such as on a
VDI disk that is not attached) is not used either: the data stays in the
default folder, **Verwaltete Einstellungen** marks the value as rejected and the log says why
(\`ProfileRoot policy not used\`). The folder in use is logged at each start
(\`data folder\`). The policy is read before the app window opens, like every policy: restart Klinikfunk after a
change.

**Moving existing data.** At start, before anything in it is opened, Klinikfunk moves the folder of earlier
versions, the roaming \`%APPDATA%\\Klinikfunk\` (and, when \`ProfileRoot\` is set, the default
\`%LOCALAPPDATA%\\Klinikfunk\`), to the folder in use, all of it (profiles, \`Local State\`, logs). It moves only
when the new folder is empty; on one disk that is a rename, across disks a copy that is used only once it is
complete, after which the old folder is deleted (an interrupted copy is finished at the next start). When the new
folder already holds something and the old folder holds profiles, or the old folder cannot be moved because another
program holds a file in it, Klinikfunk keeps using the old folder, logs why (\`data folder stays in its old place:
…\`) and tries again at the next start; if both folders hold profiles, move or delete one by hand while Klinikfunk
is closed. An old folder without profiles in it does not hold the new one back. A second start of Klinikfunk while
the first is still moving (a copy across disks can take minutes before the window opens) ends at once and touches
neither folder; the first start opens the window when it is done. Changing \`ProfileRoot\` again
later does not move the earlier \`ProfileRoot\` folder: move it by hand while Klinikfunk is closed.

## Who may send broadcast alerts (an organisation setting, not a machine policy)

Broadcast alerts (**Alarme**, protocol.md "Templates and broadcast alerts") are sent by organisation admins and by
department admins for their departments. The organisation can let the holders of chosen function roles
(**Dienste**) send them too, to their department or to everyone: in **Verwaltung** → organisation settings, "Alarme
senden dürfen außerdem", tick the roles. The choice is part of the signed organisation settings
(\`org_settings\`, field \`alertSenderRoleIds\`), so every workstation applies the same rule; it is not a registry
value, and machine policy cannot change it. Default: no role, admins only.
`;
}
