// Reads the people of the configured groups from the clinic's LDAP/AD with a read-only bind,
// over LDAPS or StartTLS (ldapts). Any failure (unreachable, refused bind, a group that does not
// exist) throws: the caller then changes nothing.
import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import type { AgentConfig } from './config.ts';
import { groupMembers } from './group-members.ts';

/** One person as the directory has them. `stableId` is entryUUID/objectGUID, never the mail. */
export interface DirectoryPerson {
  stableId: string;
  dn: string;
  displayName: string;
  department: string | null;
  /** The userAccountControl ACCOUNTDISABLE bit (0x2), as AD sets it for a disabled account. */
  disabled: boolean;
  /** The configured groups (DNs) the person is a direct member of. */
  groups: string[];
}

export class LdapError extends Error {
  override readonly name = 'LdapError';
}

const ACCOUNT_DISABLE = 0x2;

export const text = (value: unknown): string | null => {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (first === undefined || first === null) return null;
  const s = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  return s.length > 0 ? s : null;
};

/** objectGUID is binary (AD): its bytes as hex; entryUUID is text. */
export function stableIdOf(value: unknown): string | null {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (Buffer.isBuffer(first)) return first.length > 0 ? first.toString('hex') : null;
  return text(first)?.toLowerCase() ?? null;
}

const normalDn = (dn: string) => dn.replace(/\s*,\s*/g, ',').toLowerCase();

/**
 * A client of the configured directory over LDAPS, or StartTLS already done, with the server's
 * certificate checked (the CA file, the name in the URL). Nothing is bound yet.
 */
export async function connectLdap(ldap: AgentConfig['ldap']): Promise<Client> {
  const ca = ldap.caFile ? [readFileSync(ldap.caFile)] : undefined;
  // host: the name the certificate must carry (StartTLS upgrades a socket that no longer says it).
  const tlsOptions = { ...(ca ? { ca } : {}), minVersion: 'TLSv1.2' as const, host: new URL(ldap.url).hostname };
  const client = new Client({
    url: ldap.url,
    timeout: ldap.timeoutMs,
    connectTimeout: ldap.timeoutMs,
    ...(ldap.url.startsWith('ldaps://') ? { tlsOptions } : {}),
  });
  if (ldap.startTls) {
    try {
      await client.startTLS(tlsOptions);
    } catch (error) {
      await client.unbind().catch(() => {});
      throw error;
    }
  }
  return client;
}

/** The read-only service account's password, from its own file. */
export const servicePassword = (ldap: AgentConfig['ldap']): string =>
  readFileSync(ldap.bindPasswordFile, 'utf8').trim();

export const userAccountDisabled = (entry: Record<string, unknown>): boolean =>
  (Number(text(entry.userAccountControl) ?? '0') & ACCOUNT_DISABLE) !== 0;

export async function readDirectory(config: AgentConfig): Promise<DirectoryPerson[]> {
  const { ldap, attributes } = config;
  let client: Client | null = null;
  try {
    client = await connectLdap(ldap);
    await client.bind(ldap.bindDn, servicePassword(ldap));
    // Group membership from the group entries (member), as OpenLDAP and AD both keep it.
    const memberOf = new Map<string, string[]>();
    for (const group of config.groups) {
      const { searchEntries } = await client.search(group, {
        scope: 'base',
        attributes: ['member', 'uniqueMember'],
      });
      if (searchEntries.length !== 1) throw new LdapError(`group not found: ${group}`);
      const members = await groupMembers(searchEntries[0]!, async (attribute) => {
        const more = await client!.search(group, { scope: 'base', attributes: [attribute] });
        return more.searchEntries[0] ?? {};
      });
      for (const member of members) {
        const key = normalDn(member);
        memberOf.set(key, [...(memberOf.get(key) ?? []), group]);
      }
    }
    const people: DirectoryPerson[] = [];
    const wanted = [attributes.id, attributes.displayName, attributes.department, 'userAccountControl'];
    for await (const page of client.searchPaginated(ldap.userBase, {
      scope: 'sub',
      filter: ldap.userFilter,
      attributes: wanted,
      explicitBufferAttributes: attributes.id === 'objectGUID' ? ['objectGUID'] : [],
      paged: { pageSize: 500 },
    })) {
      for (const entry of page.searchEntries) {
        const groups = memberOf.get(normalDn(entry.dn));
        if (!groups) continue;
        const stableId = stableIdOf(entry[attributes.id]);
        if (!stableId) throw new LdapError(`${entry.dn} has no ${attributes.id}`);
        people.push({
          stableId,
          dn: entry.dn,
          displayName: (text(entry[attributes.displayName]) ?? entry.dn).slice(0, 200),
          department: text(entry[attributes.department])?.slice(0, 200) ?? null,
          disabled: userAccountDisabled(entry),
          groups,
        });
      }
    }
    return people;
  } catch (error) {
    if (error instanceof LdapError) throw error;
    throw new LdapError(`LDAP: ${(error as Error).name}: ${(error as Error).message.trim()}`);
  } finally {
    await client?.unbind().catch(() => {});
  }
}
