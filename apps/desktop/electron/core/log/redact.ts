// What must not leave the PC in a log file or a support package, taken out of any text on its way
// there (log/rotating-file.ts, app/support-package.ts):
//
// - credentials in a URL ("wss://user:secret@relay", a proxy "user:secret@proxy:3128"): an error
//   or a policy value may carry them, and a support package goes to people outside the clinic;
// - the Windows user's name in paths: Node's file errors name the path ("ENOENT … open
//   'C:\Users\anna.schmidt\AppData\Roaming\Klinikfunk\…'"), and on a personal PC the account
//   name is the person's name. The home folder becomes "~", the name as a path segment elsewhere
//   (redirected folders on a file server: \\srv\home$\anna.schmidt\…) becomes "<Benutzer>".
import { homedir, userInfo } from 'node:os';

export interface RedactOptions {
  /** The user's home folder (os.homedir() by default). */
  homeDir?: string;
  /** The OS account name (os.userInfo() by default). */
  userName?: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "scheme://userinfo@" (userinfo up to the last "@" of the authority) and a bare "userinfo@host:port". */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*(?:@[^\s/?#@]*)*@/gi;
const BARE_CREDENTIALS = /^[^\s/\\:@]+:[^\s/\\]*@(?=[^\s/\\@]+:\d{1,5}\/?$)/;

function accountName(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (containers) or no profile: nothing to take out.
    return '';
  }
}

/** A function that takes credentials and the user's home folder and name out of a text. */
export function createRedactor(options: RedactOptions = {}): (text: string) => string {
  const home = options.homeDir ?? homedir();
  const user = options.userName ?? accountName();
  // Windows paths come with either slash, and in any case.
  const homePattern = home.length > 1 ? new RegExp(escape(home).replace(/\\\\|\//g, '[\\\\/]'), 'gi') : null;
  const userPattern = user.length > 1 ? new RegExp(`(^|[\\\\/])${escape(user)}(?=[\\\\/]|$|['"\\s])`, 'gim') : null;
  return (text) => {
    let out = text.replace(URL_CREDENTIALS, '$1***@');
    // A bare "user:secret@host:port" is a whole value (ProxyServer, at most 500 characters); the
    // bound keeps the backtracking of its pattern small on long texts such as stacks.
    if (out.length <= 500) out = out.replace(BARE_CREDENTIALS, '***@');
    if (homePattern) out = out.replace(homePattern, '~');
    if (userPattern) out = out.replace(userPattern, '$1<Benutzer>');
    return out;
  };
}

/** Every string in a JSON-like value passed through `redact` (objects and arrays rebuilt). */
export function redactDeep(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)]));
  return value;
}
