// Collects the policy sources of this machine and resolves them once at start. Changes made by
// IT take effect at the next start of Klinikfunk (documented in docs/operations.md).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/logger.ts';
import { POLICY_REGISTRY_PATH } from './definitions.ts';
import type { RegistryReader } from './registry.ts';
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

export function policyFilePath(env: PolicyEnvironment): string {
  if (env.policyFile) return env.policyFile;
  if (env.platform === 'win32') return join(env.programData ?? 'C:\\ProgramData', 'Klinikfunk', 'policy.json');
  return '/etc/klinikfunk/policy.json';
}

async function readJsonSource(path: string, log: Logger): Promise<PolicySource | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null; // No file is the normal case.
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      log.warn('policy file ignored: not a JSON object', { path });
      return null;
    }
    return { name: 'file', kind: 'json', values: parsed as Record<string, unknown>, path };
  } catch (error) {
    log.warn('policy file ignored: not valid JSON', { path, error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

export async function loadMachinePolicy(env: PolicyEnvironment, log: Logger): Promise<EffectivePolicy> {
  const sources: PolicySource[] = [];
  if (env.registry) {
    for (const hive of ['HKLM', 'HKCU'] as const) {
      try {
        const values = await env.registry.readValues(hive, POLICY_REGISTRY_PATH);
        if (values.size > 0) sources.push({ name: hive, kind: 'registry', values });
      } catch (error) {
        log.warn('registry policy could not be read', { hive, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  const file = await readJsonSource(policyFilePath(env), log);
  if (file) sources.push(file);

  const policy = resolvePolicy(sources);
  for (const problem of policy.problems) {
    log.warn(problem.reason === 'unknown_key' ? 'unknown policy ignored' : 'policy value rejected, built-in default used', { ...problem });
  }
  return policy;
}
