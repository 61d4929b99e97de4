// Checks a directory account's password for sign-in (docs/security.md "Sign-in with the directory
// password"): the read-only service account finds the one entry whose account attribute is the
// typed name (under userBase, within userFilter), then a second connection binds as that entry
// with the typed password, over TLS only. An unknown name, a wrong password and a bind the
// directory refuses for a locked account give the same answer, after the same work: without an
// entry the second connection binds as a name no entry has, so the answer's timing does not tell
// which account names exist either. Only after the password was right
// does the answer say that the account is disabled or in none of the sign-in groups. The password
// goes to the directory's bind and nowhere else: it is never logged, stored or part of an error.
import { randomBytes } from 'node:crypto';
import { AndFilter, EqualityFilter, FilterParser, InvalidCredentialsError, type Client } from 'ldapts';
import type { AgentConfig } from './config.ts';
import { connectLdap, servicePassword, stableIdOf, text, userAccountDisabled } from './ldap-source.ts';

export type AccountVerdict =
  | { ok: true; stableId: string; dn: string; displayName: string; department: string | null }
  | { ok: false; code: 'wrong_credentials' | 'account_disabled' | 'not_in_group' };

export async function verifyAccount(config: AgentConfig, account: string, password: string): Promise<AccountVerdict> {
  const { ldap, attributes } = config;
  const signIn = config.signIn!;
  // An empty password is an "unauthenticated bind" that many servers accept as anonymous.
  if (password.length === 0) return { ok: false, code: 'wrong_credentials' };
  let service: Client | null = null;
  let entry: (Record<string, unknown> & { dn: string }) | null;
  try {
    service = await connectLdap(ldap);
    await service.bind(ldap.bindDn, servicePassword(ldap));
    const filter = new AndFilter({
      filters: [
        FilterParser.parseString(ldap.userFilter),
        new EqualityFilter({ attribute: signIn.accountAttribute, value: account }),
      ],
    });
    const { searchEntries } = await service.search(ldap.userBase, {
      scope: 'sub',
      filter,
      attributes: [attributes.id, attributes.displayName, attributes.department, 'userAccountControl'],
      explicitBufferAttributes: attributes.id === 'objectGUID' ? ['objectGUID'] : [],
      sizeLimit: 2,
    });
    // None, or a name that is not unique: no one to bind as.
    entry = searchEntries.length === 1 ? searchEntries[0]! : null;
  } finally {
    await service?.unbind().catch(() => {});
  }
  let user: Client | null = null;
  try {
    user = await connectLdap(ldap);
    await user.bind(entry?.dn ?? noSuchEntry(ldap.userBase), password);
  } catch (error) {
    // Wrong password, or an account the directory refuses to bind (AD: locked, disabled, expired).
    if (error instanceof InvalidCredentialsError) return { ok: false, code: 'wrong_credentials' };
    // The directory's own error (its name and diagnostic), never the password: ldapts does not echo it.
    throw new Error(`LDAP bind as the user failed: ${(error as Error).name}`, { cause: error });
  } finally {
    await user?.unbind().catch(() => {});
  }
  if (!entry) return { ok: false, code: 'wrong_credentials' };
  if (userAccountDisabled(entry)) return { ok: false, code: 'account_disabled' };
  if (!(await inSignInGroup(config, entry.dn))) return { ok: false, code: 'not_in_group' };
  const stableId = stableIdOf(entry[attributes.id]);
  if (!stableId) throw new Error(`${entry.dn} has no ${attributes.id}`);
  return {
    ok: true,
    stableId,
    dn: entry.dn,
    displayName: (text(entry[attributes.displayName]) ?? entry.dn).slice(0, 200),
    department: text(entry[attributes.department])?.slice(0, 200) ?? null,
  };
}

/**
 * A DN below userBase that no entry has (a random RDN value), for the bind an unknown name makes
 * in place of a user's: the directory refuses it as it refuses a wrong password.
 */
function noSuchEntry(userBase: string): string {
  return `cn=klinikfunk-unknown-${randomBytes(16).toString('hex')},${userBase}`;
}

/** An LDAP compare on each sign-in group's member (AD) or uniqueMember attribute, as the service account. */
async function inSignInGroup(config: AgentConfig, dn: string): Promise<boolean> {
  const groups = config.signIn?.groups ?? config.groups;
  const client = await connectLdap(config.ldap);
  try {
    await client.bind(config.ldap.bindDn, servicePassword(config.ldap));
    for (const group of groups) {
      for (const attribute of ['member', 'uniqueMember']) {
        const found = await client.compare(group, attribute, dn).catch(() => false);
        if (found) return true;
      }
    }
    return false;
  } finally {
    await client.unbind().catch(() => {});
  }
}
