// Effective machine policy from its sources, strongest first:
//   HKLM\Software\Policies\Klinikfunk  >  HKCU\...same  >  policy.json (ProgramData or /etc)  >  defaults
// The rule for a bad value: the strongest source that names a key decides it. If that value has
// the wrong type or is out of range, the key falls back to the built-in default and stays
// managed; it never falls through to a weaker source. Otherwise a typo in a machine-wide policy
// would hand the setting to a per-user value IT did not intend to be in charge.
import { ALL_POLICIES, type PolicyDefinition, type PolicyKey, type PolicyValues } from './definitions.ts';
import type { RegistryValue } from './registry.ts';

export type PolicySourceName = 'HKLM' | 'HKCU' | 'file';

export type PolicySource =
  | { name: 'HKLM' | 'HKCU'; kind: 'registry'; values: Map<string, RegistryValue> }
  | { name: 'file'; kind: 'json'; values: Record<string, unknown>; path: string };

export interface PolicyProblem {
  source: PolicySourceName;
  key: string;
  reason: 'unknown_key' | 'wrong_type' | 'invalid_value';
  detail: string;
}

export interface EffectivePolicy {
  values: PolicyValues;
  /** Which source decided each managed key; keys absent here are the user's to choose. */
  managedBy: Partial<Record<PolicyKey, PolicySourceName>>;
  problems: PolicyProblem[];
}

const PRESET_DEFAULTS: Record<string, Partial<Record<PolicyKey, unknown>>> = {
  ward: {},
  reception: { idleLockSeconds: 60, notificationContent: 'none' },
};

/** The value a registry entry stands for, or a reason it cannot stand for this policy's type. */
function fromRegistry(
  def: PolicyDefinition,
  reg: RegistryValue,
): { ok: true; value: unknown } | { ok: false; detail: string } {
  const isString = reg.type === 'REG_SZ' || reg.type === 'REG_EXPAND_SZ';
  switch (def.kind) {
    case 'string':
    case 'enum':
      return isString
        ? { ok: true, value: reg.value === '' ? null : reg.value }
        : { ok: false, detail: `expected REG_SZ, got ${reg.type}` };
    case 'dword':
      return reg.type === 'REG_DWORD'
        ? { ok: true, value: reg.value }
        : { ok: false, detail: `expected REG_DWORD, got ${reg.type}` };
    case 'boolean':
      if (reg.type !== 'REG_DWORD') return { ok: false, detail: `expected REG_DWORD 0 or 1, got ${reg.type}` };
      return reg.value === 0 || reg.value === 1
        ? { ok: true, value: reg.value === 1 }
        : { ok: false, detail: `expected 0 or 1, got ${reg.value}` };
    case 'list':
      if (reg.type === 'REG_MULTI_SZ') return { ok: true, value: reg.value };
      // GPO "list" editors sometimes write one string; accept ; or , separated.
      if (isString)
        return {
          ok: true,
          value: reg.value
            .split(/[;,]/)
            .map((s) => s.trim())
            .filter(Boolean),
        };
      return { ok: false, detail: `expected REG_MULTI_SZ, got ${reg.type}` };
  }
}

function lookup(
  source: PolicySource,
  def: PolicyDefinition,
): { found: false } | { found: true; raw: { ok: true; value: unknown } | { ok: false; detail: string } } {
  if (source.kind === 'registry') {
    // Registry value names are case-insensitive.
    for (const [name, reg] of source.values) {
      if (name.toLowerCase() === def.valueName.toLowerCase()) return { found: true, raw: fromRegistry(def, reg) };
    }
    return { found: false };
  }
  if (!Object.hasOwn(source.values, def.key)) return { found: false };
  return { found: true, raw: { ok: true, value: source.values[def.key] } };
}

function knownNames(source: PolicySource): Set<string> {
  return new Set(ALL_POLICIES.map((d) => (source.kind === 'registry' ? d.valueName.toLowerCase() : d.key)));
}

export function resolvePolicy(sources: readonly PolicySource[]): EffectivePolicy {
  const problems: PolicyProblem[] = [];
  for (const source of sources) {
    const known = knownNames(source);
    const names = source.kind === 'registry' ? [...source.values.keys()] : Object.keys(source.values);
    for (const name of names) {
      if (!known.has(source.kind === 'registry' ? name.toLowerCase() : name)) {
        problems.push({ source: source.name, key: name, reason: 'unknown_key', detail: 'ignored' });
      }
    }
  }

  const decided = new Map<string, unknown>();
  const managedBy: Partial<Record<PolicyKey, PolicySourceName>> = {};
  for (const def of ALL_POLICIES) {
    for (const source of sources) {
      const hit = lookup(source, def);
      if (!hit.found) continue;
      managedBy[def.key as PolicyKey] = source.name;
      if (!hit.raw.ok) {
        problems.push({ source: source.name, key: def.key, reason: 'wrong_type', detail: hit.raw.detail });
        break;
      }
      const parsed = def.schema.safeParse(hit.raw.value);
      if (parsed.success) decided.set(def.key, parsed.data);
      else
        problems.push({
          source: source.name,
          key: def.key,
          reason: 'invalid_value',
          detail: parsed.error.issues.map((i) => i.message).join('; '),
        });
      break;
    }
  }

  const preset = (decided.get('workstationPreset') as string | undefined) ?? 'ward';
  const presetDefaults = PRESET_DEFAULTS[preset] ?? {};
  const values = Object.fromEntries(
    ALL_POLICIES.map((def) => [
      def.key,
      decided.has(def.key)
        ? decided.get(def.key)
        : def.key in presetDefaults
          ? presetDefaults[def.key as PolicyKey]
          : def.defaultValue,
    ]),
  ) as PolicyValues;

  return { values, managedBy, problems };
}
