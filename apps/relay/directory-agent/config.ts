// The directory agent's config file (JSON), checked with zod before anything connects: a bad
// file stops the agent with the path of the first wrong field (docs/it-rollout.md "Verzeichnis-
// Agent" documents every field).
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const nonEmpty = z.string().min(1).max(2_000);

export const agentConfigSchema = z.strictObject({
  relay: z.strictObject({
    /** wss:// (ws:// only with allowPlaintextForTests). */
    url: z.string().regex(/^wss?:\/\//, 'relay.url: ws:// or wss://'),
    /** The organisation key (base64url), to check every record the relay hands over. */
    orgPublicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'relay.orgPublicKey: 32 bytes base64url'),
    /** PEM file of the CA that signed the relay's certificate, when not a public one. */
    caFile: nonEmpty.optional(),
  }),
  /** The delegation (admin.createDelegation, holder: this agent's public key) and its secret key file. */
  delegationId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  keyFile: nonEmpty,
  ldap: z.strictObject({
    /** ldaps://host:636, or ldap://host:389 with startTls. */
    url: z.string().regex(/^ldaps?:\/\//, 'ldap.url: ldap:// or ldaps://'),
    startTls: z.boolean().default(false),
    caFile: nonEmpty.optional(),
    /** A read-only account; its password in a file of its own. */
    bindDn: nonEmpty,
    bindPasswordFile: nonEmpty,
    userBase: nonEmpty,
    /** LDAP filter for person entries, e.g. (objectClass=inetOrgPerson) or (objectClass=user). */
    userFilter: nonEmpty.default('(objectClass=person)'),
    timeoutMs: z.number().int().min(1_000).max(300_000).default(30_000),
  }),
  attributes: z
    .strictObject({
      /** Stable id: entryUUID (OpenLDAP) or objectGUID (AD); never the mail address. */
      id: z.enum(['entryUUID', 'objectGUID']).default('entryUUID'),
      displayName: nonEmpty.default('displayName'),
      /** Becomes the user's ward (Station/Bereich); absent in the entry: no ward. */
      department: nonEmpty.default('department'),
    })
    .default({ id: 'entryUUID', displayName: 'displayName', department: 'department' }),
  /** Members of these groups (DNs) are the users; someone in none of them is deactivated. */
  groups: z.array(nonEmpty).min(1).max(200),
  schedule: z
    .strictObject({
      /** Minutes between runs; a disabled or removed person is deactivated within one interval. */
      intervalMinutes: z.number().int().min(1).max(1_440).default(15),
    })
    .default({ intervalMinutes: 15 }),
  safety: z
    .strictObject({
      /**
       * Most users one run may deactivate, as a share of the active users the agent manages; more
       * (an emptied group, a wrong filter) stops the run and changes nothing.
       */
      maxDeactivateShare: z.number().min(0).max(1).default(0.1),
      /** Below this many users found, nothing at all is deactivated (an empty answer is a failure). */
      minUsers: z.number().int().min(1).default(1),
    })
    .default({ maxDeactivateShare: 0.1, minUsers: 1 }),
  /**
   * Sign-in with the directory password (the delegation must allow it: signIn). Absent: the agent
   * answers no sign-ins. The password is checked by a bind as the user, over TLS only.
   */
  signIn: z
    .strictObject({
      /** The attribute staff type as their account name: uid (OpenLDAP), sAMAccountName (AD). */
      accountAttribute: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'signIn.accountAttribute: an attribute name')
        .default('uid'),
      /** Members of these groups (DNs) may sign in; absent: the groups above. */
      groups: z.array(nonEmpty).min(1).max(200).optional(),
      /** Attempts per account name in `windowMinutes` (right or wrong); then "zu viele Versuche". */
      attemptsPerAccount: z.number().int().min(1).max(100).default(5),
      /** Attempts per workstation (its network address as the relay sees it) in `windowMinutes`. */
      attemptsPerWorkstation: z.number().int().min(1).max(1_000).default(20),
      windowMinutes: z.number().int().min(1).max(1_440).default(15),
    })
    .optional(),
  /** Test rigs only: lets ldap:// without StartTLS and ws:// bind and send in the clear. */
  allowPlaintextForTests: z.boolean().default(false),
});

export type AgentConfig = z.output<typeof agentConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses a config object; the error names the field. */
export function parseConfig(input: unknown): AgentConfig {
  const parsed = agentConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`config: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const config = parsed.data;
  const plainLdap = config.ldap.url.startsWith('ldap://') && !config.ldap.startTls;
  if (!config.allowPlaintextForTests && plainLdap)
    throw new ConfigError(
      'config: ldap: ldap:// needs startTls: true (or use ldaps://); the bind would be in the clear',
    );
  if (!config.allowPlaintextForTests && config.relay.url.startsWith('ws://'))
    throw new ConfigError('config: relay.url: use wss://');
  return config;
}

export function loadConfig(path: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`config: cannot read ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config: ${path} is no JSON: ${(error as Error).message}`);
  }
  return parseConfig(json);
}
