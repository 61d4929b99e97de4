// The ProfileRoot policy: the folder that holds a Windows account's Klinikfunk profiles, for VDI
// and roaming setups where the default (%LOCALAPPDATA%\Klinikfunk\profiles) is not where IT wants
// them. The value may use environment variables (%LOCALAPPDATA%, %USERPROFILE%, %USERNAME%, ...),
// expanded at start for the signed-in account.
//
// Two rules beyond "an absolute path":
// - It must name a folder per account (contain a per-account variable). A machine policy naming
//   one folder for everybody would show every account's profiles to every other account and mix
//   their files; the profiles are encrypted, but the list and the PIN attempts are not theirs to see.
// - No network paths (\\server\share, also after expansion, e.g. a %USERPROFILE% on a file server).
//   Each profile is an SQLite (SQLCipher) database with its write-ahead log; SQLite's locking is
//   not reliable over SMB, and a dropped connection can corrupt the store. VDI profile containers
//   (FSLogix and the like) mount a disk that is local to Windows and are fine.
import { posix, win32 } from 'node:path';
import { z } from 'zod';

/** Variables that differ per Windows (or Linux) account. */
export const PER_ACCOUNT_VARIABLES = [
  'LOCALAPPDATA',
  'APPDATA',
  'USERPROFILE',
  'USERNAME',
  'HOMEPATH',
  'HOME',
  'USER',
] as const;

/** An upper bound, not a guarantee: the profiles' files below the folder (about 80 more characters) must still fit Windows' classic 260-character paths. */
export const PROFILE_ROOT_MAX_LENGTH = 240;

const VARIABLE = /%([A-Za-z_][A-Za-z0-9_()]*)%/g;
const isUnc = (p: string) => /^[\\/]{2}/.test(p);

/** What is wrong with the policy value as written, or null. */
function problemOf(value: string): string | null {
  if (value.replace(VARIABLE, '').includes('%'))
    return 'has a % that does not enclose a variable name (write %LOCALAPPDATA%)';
  if (isUnc(value))
    return 'is a network path; profiles must be on a local disk (SQLite stores over SMB can be corrupted)';
  const names = [...value.matchAll(VARIABLE)].map((m) => m[1]!.toUpperCase());
  if (!names.some((n) => (PER_ACCOUNT_VARIABLES as readonly string[]).includes(n)))
    return `must name a folder per account: include one of ${PER_ACCOUNT_VARIABLES.map((v) => `%${v}%`).join(', ')}`;
  if (!/^(%[^%]+%|[A-Za-z]:[\\/]|\/)/.test(value))
    return 'must be an absolute path (C:\\..., or starting with a variable such as %LOCALAPPDATA%)';
  if (/(^|[\\/])\.\.([\\/]|$)/.test(value)) return 'must not contain ..';
  // %LOCALAPPDATA% itself would put Chromium's caches and Local State among the account's other
  // programs' folders, and removing Klinikfunk's data folder would remove theirs.
  if (/^%[^%]+%[\\/]*$/.test(value))
    return "must name a folder of its own below the account's folder (e.g. %LOCALAPPDATA%\\Klinikfunk)";
  return null;
}

export const profileRootSchema = z
  .string()
  .trim()
  .max(PROFILE_ROOT_MAX_LENGTH)
  .superRefine((value, ctx) => {
    const problem = problemOf(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `profile folder ${problem}` });
  });

/**
 * The folder for this account: variables replaced from `environment` (names case-insensitive, as on
 * Windows), then checked again, since a variable can expand to a network path or to nothing.
 */
export function expandProfileRoot(
  value: string,
  environment: Readonly<Record<string, string | undefined>>,
  os: NodeJS.Platform,
): { ok: true; path: string } | { ok: false; detail: string } {
  const problem = problemOf(value);
  if (problem) return { ok: false, detail: `profile folder ${problem}` };
  const byName = new Map(Object.entries(environment).map(([k, v]) => [k.toUpperCase(), v]));
  const missing: string[] = [];
  const expanded = value.replace(VARIABLE, (_, name: string) => {
    const v = byName.get(name.toUpperCase());
    if (!v) missing.push(name);
    return v ?? '';
  });
  if (missing.length)
    return { ok: false, detail: `profile folder names %${missing.join('%, %')}%, which is not set for this account` };
  if (isUnc(expanded))
    return { ok: false, detail: 'profile folder expands to a network path; profiles must be on a local disk' };
  const path = os === 'win32' ? win32 : posix;
  const absolute = os === 'win32' ? /^[A-Za-z]:[\\/]/.test(expanded) : posix.isAbsolute(expanded);
  if (!absolute) return { ok: false, detail: 'profile folder does not expand to an absolute path' };
  return { ok: true, path: path.normalize(expanded).replace(/[\\/]+$/, '') };
}
