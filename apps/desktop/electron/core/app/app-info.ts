import type { AppInfo } from '@klinikfunk/protocol/api/contract.ts';
import { snapshotOf } from '../policy/policy.ts';
import type { EffectivePolicy } from '../policy/resolve.ts';

/** Facts about this build, filled in by the composition root (Electron main or the harness). */
export interface BuildInfo {
  name: string;
  version: string;
  commit: string;
  date: string;
  electron: string | null;
}

export function appInfo(build: BuildInfo, policy: EffectivePolicy): AppInfo {
  const snapshot = snapshotOf(policy);
  return {
    name: build.name,
    version: build.version,
    build: {
      commit: build.commit,
      date: build.date,
      electron: build.electron,
      node: process.versions.node,
      platform: process.platform,
    },
    managedSettings: [...snapshot.managedKeys],
    policyLanguage: snapshot.language,
    prefill: { relayUrl: policy.managedBy.relayUrl ? policy.values.relayUrl : null },
    pinMinLength: policy.values.pinMinLength,
    supportExportSignedOut: supportExportSignedOut(policy),
  };
}

/** A reception terminal faces the public: its save dialog opens only for an unlocked profile. */
export function supportExportSignedOut(policy: EffectivePolicy): boolean {
  return policy.values.workstationPreset !== 'reception';
}
