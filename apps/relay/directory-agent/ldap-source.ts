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

const text = (value: unknown): string | null => {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (first === undefined || first === null) return null;
  const s = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  return s.length > 0 ? s : null;
};

/** objectGUID is binary (AD): its bytes as hex; entryUUID is text. */
function stableIdOf(value: unknown): string | null {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (Buffer.isBuffer(first)) return first.length > 0 ? first.toString('hex') : null;
  return text(first)?.toLowerCase() ?? null;
}

const normalDn = (dn: string) => dn.replace(/\s*,\s*/g, ',').toLowerCase();

export async function readDirectory(config: AgentConfig): Promise<DirectoryPerson[]> {
  const { ldap, attributes } = config;
  const ca = ldap.caFile ? [readFileSync(ldap.caFile)] : undefined;
  // host: the name the certificate must carry (StartTLS upgrades a socket that no longer says it).
  const tlsOptions = { ...(ca ? { ca } : {}), minVersion: 'TLSv1.2' as const, host: new URL(ldap.url).hostname };
  const client = new Client({
    url: ldap.url,
    timeout: ldap.timeoutMs,
    connectTimeout: ldap.timeoutMs,
    ...(ldap.url.startsWith('ldaps://') ? { tlsOptions } : {}),
  });
  const password = readFileSync(ldap.bindPasswordFile, 'utf8').trim();
  try {
    if (ldap.startTls) await client.startTLS(tlsOptions);
    await client.bind(ldap.bindDn, password);
    // Group membership from the group entries (member), as OpenLDAP and AD both keep it.
    const memberOf = new Map<string, string[]>();
    for (const group of config.groups) {
      const { searchEntries } = await client.search(group, {
        scope: 'base',
        attributes: ['member', 'uniqueMember'],
      });
      if (searchEntries.length !== 1) throw new LdapError(`group not found: ${group}`);
      const members = await groupMembers(searchEntries[0]!, async (attribute) => {
        const more = await client.search(group, { scope: 'base', attributes: [attribute] });
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
        const uac = Number(text(entry.userAccountControl) ?? '0');
        people.push({
          stableId,
          dn: entry.dn,
          displayName: (text(entry[attributes.displayName]) ?? entry.dn).slice(0, 200),
          department: text(entry[attributes.department])?.slice(0, 200) ?? null,
          disabled: (uac & ACCOUNT_DISABLE) !== 0,
          groups,
        });
      }
    }
    return people;
  } catch (error) {
    if (error instanceof LdapError) throw error;
    throw new LdapError(`LDAP: ${(error as Error).name}: ${(error as Error).message.trim()}`);
  } finally {
    await client.unbind().catch(() => {});
  }
}
