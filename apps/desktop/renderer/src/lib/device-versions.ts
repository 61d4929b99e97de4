// Which devices still wait for an update, for the admin's device list during a rolling upgrade
// (docs/operations.md, "Upgrades"). The newest app version any device reported is the target:
// the admin's own workstation may itself be one of those not updated yet.

/** What the summary needs of a device (a subset of AdminDevice). */
export interface VersionedDevice {
  appVersion: string | null;
  protocol: number | null;
  revoked: boolean;
  userActive: boolean;
  wipeOrderedAt: number | null;
}

export interface VersionSummary {
  /** Newest app version reported; null when no device reported one. */
  newest: string | null;
  /** Devices on the newest version. */
  current: number;
  /** Devices on an older version, or on the previous protocol (which reports none). */
  behind: number;
  /** Devices that reported nothing: not connected since the relay records it. */
  unknown: number;
}

/**
 * Orders versions like "1.4.2" < "1.10.0" and a pre-release before its release ("1.5.0-rc.1" <
 * "1.5.0"); build metadata after "+" does not count. Negative, zero or positive.
 */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core = '', pre] = v.split('+')[0]!.split(/-(.*)/s);
    return { parts: core.split('.'), pre: pre ?? null };
  };
  const x = split(a);
  const y = split(b);
  const part = (p: string | undefined, q: string | undefined): number => {
    const [m, n] = [p ?? '0', q ?? '0'];
    const numeric = /^\d+$/.test(m) && /^\d+$/.test(n);
    return numeric ? Number(m) - Number(n) : m.localeCompare(n, 'en');
  };
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const d = part(x.parts[i], y.parts[i]);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  const [xs, ys] = [x.pre.split('.'), y.pre.split('.')];
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    if (xs[i] === undefined) return -1;
    if (ys[i] === undefined) return 1;
    const d = part(xs[i], ys[i]);
    if (d !== 0) return d;
  }
  return 0;
}

/** Devices that still count: not revoked, not wiped, their user active. */
const inService = (d: VersionedDevice) => !d.revoked && d.userActive && d.wipeOrderedAt === null;

export function versionSummary(devices: readonly VersionedDevice[]): VersionSummary {
  const counted = devices.filter(inService);
  let newest: string | null = null;
  for (const d of counted)
    if (d.appVersion !== null && (newest === null || compareVersions(d.appVersion, newest) > 0)) newest = d.appVersion;
  let current = 0;
  let behind = 0;
  let unknown = 0;
  for (const d of counted) {
    if (d.appVersion === null && d.protocol === null) unknown++;
    else if (d.appVersion !== null && newest !== null && compareVersions(d.appVersion, newest) === 0) current++;
    else behind++;
  }
  return { newest, current, behind, unknown };
}
