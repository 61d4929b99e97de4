// Collects the policy sources of this machine and resolves them once at start. Changes made by
// IT take effect at the next start of Klinikfunk (documented in docs/operations.md).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/logger.ts';
import { POLICY_REGISTRY_PATH } from './definitions.ts';
import type { Hive, RegistryReader, RegistryValue, SyncRegistryReader } from './registry.ts';
import { resolvePolicy, type EffectivePolicy, type PolicySource } from './resolve.ts';

export interface PolicyEnvironment {
  platform: NodeJS.Platform;
  /** %ProgramData% on Windows. */
  programData?: string;
  /** Only on Windows; elsewhere there is no registry. */
  registry?: RegistryReader;
  /** Overrides the policy file location (tests). */
  policyFile?: string;
}

export function policyFilePath(env: Pick<PolicyEnvironment, 'platform' | 'programData' | 'policyFile'>): string {
  if (env.policyFile) return env.policyFile;
  if (env.platform === 'win32') return join(env.programData ?? 'C:\\ProgramData', 'Klinikfunk', 'policy.json');
  return '/etc/klinikfunk/policy.json';
}

function jsonSource(text: string | null, path: string, log: Logger): PolicySource | null {
  if (text === null) return null; // No file is the normal case.
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      log.warn('policy file ignored: not a JSON object', { path });
      return null;
    }
    return { name: 'file', kind: 'json', values: parsed as Record<string, unknown>, path };
  } catch (error) {
    log.warn('policy file ignored: not valid JSON', {
      path,
      error: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
}

function registrySource(hive: Hive, read: () => Map<string, RegistryValue>, log: Logger): PolicySource | null {
  try {
    const values = read();
    return values.size > 0 ? { name: hive, kind: 'registry', values } : null;
  } catch (error) {
    log.warn('registry policy could not be read', {
      hive,
      error: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
}

function resolveAndReport(sources: Array<PolicySource | null>, log: Logger): EffectivePolicy {
  const policy = resolvePolicy(sources.filter((s): s is PolicySource => s !== null));
  for (const problem of policy.problems) {
    log.warn(
      problem.reason === 'unknown_key' ? 'unknown policy ignored' : 'policy value rejected, built-in default used',
      { ...problem },
    );
  }
  return policy;
}

export async function loadMachinePolicy(env: PolicyEnvironment, log: Logger): Promise<EffectivePolicy> {
  const sources: Array<PolicySource | null> = [];
  if (env.registry) {
    for (const hive of ['HKLM', 'HKCU'] as const) {
      let values: Map<string, RegistryValue> | null = null;
      let failure: unknown = null;
      try {
        values = await env.registry.readValues(hive, POLICY_REGISTRY_PATH);
      } catch (error) {
        failure = error;
      }
      sources.push(
        registrySource(
          hive,
          () => {
            if (!values) throw failure;
            return values;
          },
          log,
        ),
      );
    }
  }
  const path = policyFilePath(env);
  sources.push(jsonSource(await readFile(path, 'utf8').catch(() => null), path, log));
  return resolveAndReport(sources, log);
}

/**
 * The same, blocking: the desktop app reads policy before Electron is ready, because ProfileRoot
 * decides Electron's data folder (core/app/data-location.ts). Two `reg query` runs and one file.
 */
export function loadMachinePolicySync(
  env: Omit<PolicyEnvironment, 'registry'> & { registry?: SyncRegistryReader },
  log: Logger,
): EffectivePolicy {
  const sources: Array<PolicySource | null> = [];
  if (env.registry) {
    const registry = env.registry;
    for (const hive of ['HKLM', 'HKCU'] as const)
      sources.push(registrySource(hive, () => registry.readValuesSync(hive, POLICY_REGISTRY_PATH), log));
  }
  const path = policyFilePath(env);
  let text: string | null = null;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // no file
  }
  sources.push(jsonSource(text, path, log));
  return resolveAndReport(sources, log);
}
