// Every machine policy IT can set, in one table: the JSON key (ProgramData / etc file), the
// registry value name under Software\Policies\Klinikfunk, how the registry stores it, the schema
// a value must pass, the built-in default, and the German/English texts the ADMX/ADML templates
// and docs/operations.md are generated from. Adding a policy here is the only step needed for
// the resolver, the templates and the docs to know it (tests check they stay in step).
import { z } from 'zod';
import { parseOrgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';
import { proxyServerSchema } from '../net/proxy-choice.ts';
import { relayCaEntrySchema } from '../net/relay-ca-policy.ts';
import { PROFILE_ROOT_MAX_LENGTH, profileRootSchema } from './profile-root.ts';

/** How the value sits in the registry (ADMX element in brackets). */
export type RegistryKind =
  | 'string' /* REG_SZ, <text> */
  | 'dword' /* REG_DWORD, <decimal> */
  | 'boolean' /* REG_DWORD 0/1, <boolean> */
  | 'enum' /* REG_SZ, <enum> */
  | 'list'; /* REG_MULTI_SZ, <multiText> */

interface Texts {
  de: string;
  en: string;
}

export interface PolicyDefinition<T = unknown, K extends string = string> {
  key: K;
  valueName: string;
  kind: RegistryKind;
  schema: z.ZodType<T>;
  defaultValue: T;
  /** For enums: the allowed strings with their labels. */
  options?: ReadonlyArray<{ value: string; label: Texts }>;
  /** For strings: stored as REG_EXPAND_SZ (<text expandable="true">), %VARIABLES% expanded by the app. */
  expandable?: boolean;
  /** For strings: the longest value the template's text box takes (also enforced by the schema); 2048 if not set. */
  maxLength?: number;
  /** For dwords: the allowed range (also enforced by the schema). */
  range?: { min: number; max: number };
  label: Texts;
  help: Texts;
}

const def = <const K extends string, T>(d: PolicyDefinition<T, K>) => d;

const wsUrl = z
  .string()
  .max(2048)
  .refine((s) => /^wss?:\/\/[^\s/]+/i.test(s), 'must be a ws:// or wss:// URL');
// The one fingerprint format (packages/protocol/wire/org-fingerprint.ts); a typo is refused with what is wrong.
const fingerprint = z
  .string()
  .max(200)
  .superRefine((s, ctx) => {
    const parsed = parseOrgFingerprint(s);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `organisation fingerprint ${parsed.message}` });
  });
const int = (min: number, max: number) => z.number().int().min(min).max(max);
const fileType = z
  .string()
  .transform((s) => s.trim().replace(/^\./, '').toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9]{1,16}$/, 'file type must be an extension such as pdf'));

export const POLICY_DEFINITIONS = [
  def({
    key: 'relayUrl',
    valueName: 'RelayUrl',
    kind: 'string',
    schema: wsUrl.nullable(),
    defaultValue: null,
    label: { de: 'Relay-Adresse', en: 'Relay address' },
    help: {
      de: 'Adresse des Klinikfunk-Relays Ihrer Einrichtung, z. B. wss://klinikfunk.klinik.local. Ist sie gesetzt, ist sie bei der Einrichtung vorbelegt und dort nicht änderbar. Wird sie geändert, zieht jedes Profil auf diesem PC bei seiner nächsten Anmeldung auf die neue Adresse um, nachdem geprüft ist, dass das Relay dort zur selben Organisation gehört; sonst bleibt es beim bisherigen Relay und sagt, warum.',
      en: "Address of your organisation's Klinikfunk relay, e.g. wss://klinikfunk.klinik.local. When set, it is prefilled at setup and cannot be changed there. When it changes, every profile on this PC moves to the new address at its next sign-in, once the relay there is checked to belong to the same organisation; otherwise it stays on its relay and says why.",
    },
  }),
  def({
    key: 'orgFingerprint',
    valueName: 'OrgFingerprint',
    kind: 'string',
    schema: fingerprint.nullable(),
    defaultValue: null,
    label: { de: 'Fingerabdruck der Organisation', en: 'Organisation fingerprint' },
    help: {
      de: 'Fingerabdruck der Organisation, wie ihn die Verwaltung (Organisationsschlüssel) und das Relay beim ersten Start zeigen: 9 Gruppen zu 4 Zeichen, Groß-/Kleinschreibung egal. Klinikfunk tritt nur dieser Organisation bei; ein Tippfehler wird erkannt und blockiert die Einrichtung.',
      en: 'Fingerprint of the organisation as the admin view (organisation key) and the relay at first start show it: 9 groups of 4 characters, any case. Klinikfunk joins only this organisation; a typo is detected and blocks setup.',
    },
  }),
  def({
    key: 'workstationPreset',
    valueName: 'WorkstationPreset',
    kind: 'enum',
    schema: z.enum(['ward', 'reception']),
    defaultValue: 'ward',
    options: [
      { value: 'ward', label: { de: 'Stationsarbeitsplatz', en: 'Ward workstation' } },
      { value: 'reception', label: { de: 'Empfang (öffentlich einsehbar)', en: 'Reception (faces the public)' } },
    ],
    label: { de: 'Art des Arbeitsplatzes', en: 'Kind of workstation' },
    help: {
      de: 'Empfang: sperrt standardmäßig nach 1 Minute und zeigt in Benachrichtigungen keinen Inhalt. Einzeln gesetzte Richtlinien haben Vorrang.',
      en: 'Reception: locks after 1 minute by default and shows no content in notifications. Individually set policies take precedence.',
    },
  }),
  def({
    key: 'idleLockSeconds',
    valueName: 'IdleLockSeconds',
    kind: 'dword',
    schema: int(30, 3600),
    defaultValue: 300,
    range: { min: 30, max: 3600 },
    label: { de: 'Sperre bei Inaktivität (Sekunden)', en: 'Lock when idle (seconds)' },
    help: {
      de: 'Nach so vielen Sekunden ohne Eingabe sperrt Klinikfunk den Bildschirm. Standard 300 (Empfang: 60).',
      en: 'After this many seconds without input Klinikfunk locks the screen. Default 300 (reception: 60).',
    },
  }),
  def({
    key: 'pinMinLength',
    valueName: 'PinMinLength',
    kind: 'dword',
    schema: int(6, 12),
    defaultValue: 6,
    range: { min: 6, max: 12 },
    label: { de: 'Mindestlänge der PIN', en: 'Minimum PIN length' },
    help: {
      de: 'Anzahl der Ziffern, die eine PIN mindestens haben muss (6 bis 12).',
      en: 'Minimum number of digits of a PIN (6 to 12).',
    },
  }),
  def({
    key: 'pinMaxAttempts',
    valueName: 'PinMaxAttempts',
    kind: 'dword',
    schema: int(3, 10),
    defaultValue: 5,
    range: { min: 3, max: 10 },
    label: { de: 'Fehlversuche bis zur Abmeldung', en: 'Wrong PINs before sign-out' },
    help: {
      de: 'Nach so vielen falschen PINs wird das Profil abgemeldet; danach ist die Passphrase nötig.',
      en: 'After this many wrong PINs the profile is signed out; the passphrase is then required.',
    },
  }),
  def({
    key: 'maxSessionHours',
    valueName: 'MaxSessionHours',
    kind: 'dword',
    schema: int(1, 12),
    defaultValue: 12,
    range: { min: 1, max: 12 },
    label: { de: 'Höchstdauer einer Anmeldung (Stunden)', en: 'Maximum session length (hours)' },
    help: {
      de: 'Spätestens nach so vielen Stunden seit der letzten Passphrase-Eingabe ist die Passphrase erneut nötig (TI-M A_22716).',
      en: 'At the latest this many hours after the last passphrase entry the passphrase is required again (TI-M A_22716).',
    },
  }),
  def({
    key: 'notificationContent',
    valueName: 'NotificationContent',
    kind: 'enum',
    schema: z.enum(['none', 'sender', 'full']),
    defaultValue: 'sender',
    options: [
      { value: 'none', label: { de: 'Kein Inhalt', en: 'No content' } },
      { value: 'sender', label: { de: 'Nur Absender', en: 'Sender only' } },
      { value: 'full', label: { de: 'Absender und Text', en: 'Sender and text' } },
    ],
    label: { de: 'Inhalt von Benachrichtigungen', en: 'Notification content' },
    help: {
      de: 'Was Benachrichtigungen des Betriebssystems über neue Nachrichten, Dateien, Umfragen und Termine zeigen: nur die Art, den Absender oder den Absender mit Text (den Text einer Nachricht, die Beschriftung einer Datei oder sonst ihren Namen, die Frage einer Umfrage, den Titel eines Termins; nie den Inhalt oder das Bild einer Datei). Standard: nur Absender (Empfang: kein Inhalt).',
      en: "What operating system notifications of new messages, files, polls and appointments show: nothing but the kind, the sender, or the sender with the text (a message's text, a file's caption or else its name, a poll's question, an appointment's title; never a file's content or picture). Default: sender only (reception: no content).",
    },
  }),
  def({
    key: 'contentProtection',
    valueName: 'ContentProtection',
    kind: 'boolean',
    schema: z.boolean(),
    defaultValue: true,
    label: { de: 'Bildschirmaufnahmen verhindern', en: 'Prevent screen capture' },
    help: {
      de: 'Schützt das Fenster vor Bildschirmfotos und Aufzeichnung durch andere Programme.',
      en: 'Protects the window from screenshots and recording by other programs.',
    },
  }),
  def({
    key: 'clipboardClearSeconds',
    valueName: 'ClipboardClearSeconds',
    kind: 'dword',
    schema: int(0, 3600),
    defaultValue: 60,
    range: { min: 0, max: 3600 },
    label: { de: 'Zwischenablage leeren nach (Sekunden)', en: 'Clear clipboard after (seconds)' },
    help: {
      de: 'Kopierter Nachrichtentext wird nach dieser Zeit aus der Zwischenablage entfernt, wenn er noch darin ist. 0 = nie.',
      en: 'Copied message text is removed from the clipboard after this time if it is still there. 0 = never.',
    },
  }),
  def({
    key: 'retentionDays',
    valueName: 'RetentionDays',
    kind: 'dword',
    schema: int(0, 3650),
    defaultValue: 0,
    range: { min: 0, max: 3650 },
    label: { de: 'Aufbewahrung auf diesem Arbeitsplatz (Tage)', en: 'Retention on this workstation (days)' },
    help: {
      de: 'Nachrichten und Dateien, die älter sind, werden lokal gelöscht. 0 = Vorgabe der Organisation.',
      en: 'Messages and files older than this are deleted locally. 0 = the organisation setting.',
    },
  }),
  def({
    key: 'maxUploadMegabytes',
    valueName: 'MaxUploadMegabytes',
    kind: 'dword',
    schema: int(1, 2048),
    defaultValue: 100,
    range: { min: 1, max: 2048 },
    label: { de: 'Größte Datei zum Senden (MB)', en: 'Largest file to send (MB)' },
    help: {
      de: 'Größere Dateien lehnt Klinikfunk mit einem Hinweis ab.',
      en: 'Klinikfunk refuses larger files with a message.',
    },
  }),
  def({
    key: 'blockedFileTypes',
    valueName: 'BlockedFileTypes',
    kind: 'list',
    schema: z.array(fileType).max(200),
    defaultValue: ['exe', 'msi', 'bat', 'cmd', 'com', 'scr', 'ps1', 'vbs', 'js', 'jar', 'dll', 'lnk', 'hta', 'reg'],
    label: { de: 'Gesperrte Dateitypen', en: 'Blocked file types' },
    help: {
      de: 'Dateiendungen, die nicht gesendet werden dürfen, eine pro Zeile (z. B. exe).',
      en: 'File extensions that may not be sent, one per line (e.g. exe).',
    },
  }),
  def({
    key: 'allowedFileTypes',
    valueName: 'AllowedFileTypes',
    kind: 'list',
    schema: z.array(fileType).max(200),
    defaultValue: [],
    label: { de: 'Erlaubte Dateitypen', en: 'Allowed file types' },
    help: {
      de: 'Wenn gesetzt, dürfen nur diese Dateiendungen gesendet werden, eine pro Zeile. Leer = alle außer den gesperrten.',
      en: 'When set, only these file extensions may be sent, one per line. Empty = all except the blocked ones.',
    },
  }),
  def({
    key: 'disableAutoUpdate',
    valueName: 'DisableAutoUpdate',
    kind: 'boolean',
    schema: z.boolean(),
    defaultValue: true,
    label: { de: 'Automatische Updates abschalten', en: 'Disable automatic updates' },
    help: {
      de: 'Klinikfunk hat keinen eingebauten Updater: Updates verteilt die IT als MSI. Der Wert ist für eine spätere Version reserviert und hat derzeit keine Wirkung.',
      en: 'Klinikfunk has no built-in updater: IT distributes updates as MSI. The value is reserved for a later version and has no effect today.',
    },
  }),
  def({
    key: 'relayCaCertificates',
    valueName: 'RelayCaCertificates',
    kind: 'list',
    schema: z.array(relayCaEntrySchema).max(50),
    defaultValue: [],
    label: {
      de: 'Zusätzliche Zertifizierungsstellen für das Relay',
      en: 'Additional certificate authorities for the relay',
    },
    help: {
      de: 'Klinikfunk vertraut dem Zertifikatsspeicher des Betriebssystems (dort verteilt die Gruppenrichtlinie die Zertifizierungsstelle der Klinik) und zusätzlich den hier genannten, einer pro Zeile: der absolute Pfad einer Zertifikatsdatei (PEM oder DER, z. B. C:\\ProgramData\\Klinikfunk\\klinik-ca.pem) oder der SHA-256-Fingerabdruck (64 Hexadezimalziffern) eines Zertifikats der Zertifizierungsstelle, das das Relay in seiner Zertifikatskette mitsendet.',
      en: "Klinikfunk trusts the operating system's certificate store (where Group Policy distributes the clinic's CA) and also the ones given here, one per line: the absolute path of a certificate file (PEM or DER, e.g. C:\\ProgramData\\Klinikfunk\\clinic-ca.pem) or the SHA-256 thumbprint (64 hex digits) of a CA certificate the relay sends in its certificate chain.",
    },
  }),
  def({
    key: 'proxyMode',
    valueName: 'ProxyMode',
    kind: 'enum',
    schema: z.enum(['system', 'direct', 'fixed']),
    defaultValue: 'system',
    options: [
      { value: 'system', label: { de: 'Systemeinstellung', en: 'System setting' } },
      { value: 'direct', label: { de: 'Kein Proxy', en: 'No proxy' } },
      { value: 'fixed', label: { de: 'Fester Proxy', en: 'Fixed proxy' } },
    ],
    label: { de: 'Proxy', en: 'Proxy' },
    help: {
      de: 'Wie Klinikfunk das Relay erreicht. Systemeinstellung (Standard): der Proxy, den Windows für die Relay-Adresse nennt (auch über PAC-Datei oder automatische Erkennung). Kein Proxy: direkt. Fester Proxy: über den Proxy-Server aus der Richtlinie ProxyServer. Nur HTTP-Proxys mit CONNECT werden unterstützt.',
      en: 'How Klinikfunk reaches the relay. System setting (default): the proxy Windows names for the relay address (also through a PAC file or automatic detection). No proxy: directly. Fixed proxy: through the server in the policy ProxyServer. Only HTTP proxies with CONNECT are supported.',
    },
  }),
  def({
    key: 'proxyServer',
    valueName: 'ProxyServer',
    kind: 'string',
    schema: proxyServerSchema.nullable(),
    defaultValue: null,
    label: { de: 'Proxy-Server', en: 'Proxy server' },
    help: {
      de: 'host:port oder http://benutzer:passwort@host:port (Sonderzeichen im Passwort URL-kodiert), nur bei Proxy = Fester Proxy. Das Passwort ist für jeden lesbar, der die Richtlinie lesen kann: ein eigenes Dienstkonto nur für den Proxy verwenden.',
      en: 'host:port or http://user:password@host:port (special characters in the password URL-encoded), only with Proxy = Fixed proxy. The password is readable by anyone who can read the policy: use a service account for the proxy only.',
    },
  }),
  def({
    key: 'profileRoot',
    valueName: 'ProfileRoot',
    kind: 'string',
    expandable: true,
    maxLength: PROFILE_ROOT_MAX_LENGTH,
    schema: profileRootSchema.nullable(),
    defaultValue: null,
    label: { de: 'Ordner der Profile', en: 'Profile folder' },
    help: {
      de: 'Ordner, in dem Klinikfunk die Daten eines Windows-Kontos ablegt (die Profile, die Schlüsseldatei des Windows-Schlüsselspeichers »Local State« und die Protokolldateien), für VDI- und Roaming-Umgebungen. Nicht gesetzt: %LOCALAPPDATA%\\Klinikfunk (lokal, wandert nicht mit einem servergespeicherten Profil). Umgebungsvariablen wie %LOCALAPPDATA%, %USERPROFILE% oder %USERNAME% werden für das angemeldete Konto ersetzt; der Pfad muss absolut sein und eine dieser kontobezogenen Variablen enthalten, damit jedes Konto seinen eigenen Ordner hat. Netzwerkpfade (UNC) werden abgelehnt: die verschlüsselten Datenbanken der Profile können über SMB beschädigt werden. Daten am bisherigen Ort werden beim nächsten Start einmal hierher verschoben, wenn der neue Ordner leer ist.',
      en: "Folder in which Klinikfunk keeps a Windows account's data (the profiles, the key file of the Windows secure store 'Local State' and the log files), for VDI and roaming setups. Not set: %LOCALAPPDATA%\\Klinikfunk (local, does not travel with a roaming profile). Environment variables such as %LOCALAPPDATA%, %USERPROFILE% or %USERNAME% are replaced for the signed-in account; the path must be absolute and contain one of these per-account variables, so that each account has its own folder. Network paths (UNC) are refused: the profiles' encrypted databases can be corrupted over SMB. Data in the previous place is moved here once at the next start, when the new folder is empty.",
    },
  }),
  def({
    key: 'uiLanguage',
    valueName: 'UiLanguage',
    kind: 'enum',
    schema: z.enum(['de', 'en']).nullable(),
    defaultValue: null,
    options: [
      { value: 'de', label: { de: 'Deutsch', en: 'German' } },
      { value: 'en', label: { de: 'Englisch', en: 'English' } },
    ],
    label: { de: 'Sprache der Oberfläche', en: 'User interface language' },
    help: {
      de: 'Legt die Sprache fest; die Auswahl in der App ist dann gesperrt. Nicht gesetzt: Deutsch, änderbar.',
      en: 'Fixes the language; the choice in the app is then locked. Not set: German, changeable.',
    },
  }),
] as const;

type Defs = typeof POLICY_DEFINITIONS;
export type PolicyKey = Defs[number]['key'];
export type PolicyValues = { [D in Defs[number] as D['key']]: D extends PolicyDefinition<infer T, string> ? T : never };

/** The table, widened for code that walks every policy generically. */
export const ALL_POLICIES: readonly PolicyDefinition[] = POLICY_DEFINITIONS as unknown as readonly PolicyDefinition[];

export const POLICY_REGISTRY_PATH = 'Software\\Policies\\Klinikfunk';
