// The admin's "noch nicht aktualisiert" count during a rolling upgrade (apps/desktop/renderer/src/lib/device-versions.ts).
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  versionSummary,
  type VersionedDevice,
} from '../../../apps/desktop/renderer/src/lib/device-versions.ts';

const device = (
  appVersion: string | null,
  protocol: number | null,
  extra: Partial<VersionedDevice> = {},
): VersionedDevice => ({
  appVersion,
  protocol,
  revoked: false,
  userActive: true,
  wipeOrderedAt: null,
  ...extra,
});

describe('device versions', () => {
  it('orders versions numerically, a pre-release before its release, build metadata ignored', () => {
    const sorted = ['1.10.0', '1.5.0-rc.2', '1.4.2', '1.5.0', '1.5.0-rc.10', '0.9', '1.5.0-beta'].sort(compareVersions);
    expect(sorted).toEqual(['0.9', '1.4.2', '1.5.0-beta', '1.5.0-rc.2', '1.5.0-rc.10', '1.5.0', '1.10.0']);
    expect(compareVersions('1.5.0+build.7', '1.5.0')).toBe(0);
    expect(compareVersions('2', '2.0.0')).toBe(0);
  });

  it('counts devices behind the newest reported version, previous-protocol devices as behind, unseen ones apart', () => {
    const summary = versionSummary([
      device('1.10.0', 4),
      device('1.10.0', 4),
      device('1.9.3', 4),
      device(null, 3), // previous protocol: reports no version, is older
      device(null, null), // never connected since the relay records versions
      device('1.2.0', 4, { revoked: true }), // revoked, wiped or deactivated devices do not count
      device('1.2.0', 4, { userActive: false }),
      device('1.2.0', 4, { wipeOrderedAt: 5 }),
    ]);
    expect(summary).toEqual({ newest: '1.10.0', current: 2, behind: 2, unknown: 1 });
  });

  it('has no newest version while no device reported one', () => {
    expect(versionSummary([device(null, 3), device(null, null)])).toEqual({
      newest: null,
      current: 0,
      behind: 1,
      unknown: 1,
    });
  });
});
