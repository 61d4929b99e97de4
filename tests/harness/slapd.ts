// A throwaway OpenLDAP server for the directory agent's tests: Debian's slapd (.ci/run installs
// it), started unprivileged in the foreground on free loopback ports (ldap:// with StartTLS and
// ldaps://) with a generated slapd.conf, a certificate from a throwaway CA, a small schema for
// AD's userAccountControl, and an LDIF of a fictional hospital loaded with slapadd.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { accepts, freePort } from './ports.ts';
import { issueServerCert, makeCa } from './test-ca.ts';

const run = promisify(execFile);
const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';

export const BASE_DN = 'dc=klinik,dc=test';
export const ADMIN_DN = `cn=admin,${BASE_DN}`;
export const ADMIN_PASSWORD = 'admin-secret';
export const AGENT_DN = `cn=klinikfunk-agent,ou=Dienste,${BASE_DN}`;
export const AGENT_PASSWORD = 'agent-secret';
export const STAFF_GROUP = `cn=klinikfunk-nutzer,ou=Gruppen,${BASE_DN}`;
export const DEPARTMENTS = ['Kardiologie', 'Neurologie', 'Chirurgie', 'Pädiatrie', 'Notaufnahme'];

export interface HospitalOptions {
  /** People in the staff group (default 200). */
  users?: number;
  /** Every n-th of them is disabled (userAccountControl 514); 0: none (default 40, i.e. 5 of 200). */
  disabledEvery?: number;
}

export interface Slapd {
  /** ldap://127.0.0.1:<port> (StartTLS). */
  url: string;
  /** ldaps://127.0.0.1:<port>. */
  ldapsUrl: string;
  /** PEM file of the CA that signed the server certificate. */
  caFile: string;
  /** A file holding the read-only agent account's password. */
  agentPasswordFile: string;
  dir: string;
  stop(): Promise<void>;
}

export const personDn = (i: number) => `uid=person${i},ou=Personal,${BASE_DN}`;
/** Each person's directory password (sign-in with the directory password binds with it). */
export const personPassword = (i: number) => `Kennwort-${i}-Sommer`;
export const departmentOf = (i: number) => DEPARTMENTS[i % DEPARTMENTS.length]!;

/** The hospital: OUs, the staff group, `users` people with entryUUIDs slapadd assigns, some disabled. */
export function hospitalLdif({ users = 200, disabledEvery = 40 }: HospitalOptions = {}): string {
  const entries = [
    `dn: ${BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\ndc: klinik\no: Klinikum Test`,
    ...['Personal', 'Gruppen', 'Dienste'].map(
      (ou) => `dn: ou=${ou},${BASE_DN}\nobjectClass: organizationalUnit\nou: ${ou}`,
    ),
    `dn: ${AGENT_DN}\nobjectClass: person\ncn: klinikfunk-agent\nsn: Agent\nuserPassword: ${AGENT_PASSWORD}`,
  ];
  for (let i = 0; i < users; i++) {
    const disabled = disabledEvery > 0 && i % disabledEvery === disabledEvery - 1;
    entries.push(
      [
        `dn: ${personDn(i)}`,
        'objectClass: inetOrgPerson',
        'objectClass: klinikAccount',
        `uid: person${i}`,
        `cn: Person ${i}`,
        `sn: Nachname${i}`,
        `givenName: Vorname${i}`,
        `displayName: Vorname${i} Nachname${i}`,
        `departmentNumber: ${departmentOf(i)}`,
        `mail: person${i}@klinik.test`,
        `userPassword: ${personPassword(i)}`,
        `userAccountControl: ${disabled ? 514 : 512}`,
      ].join('\n'),
    );
  }
  const members = Array.from({ length: users }, (_, i) => `member: ${personDn(i)}`);
  entries.push([`dn: ${STAFF_GROUP}`, 'objectClass: groupOfNames', 'cn: klinikfunk-nutzer', ...members].join('\n'));
  // The ldif-wrapping rule: lines are short, UTF-8 values (Pädiatrie) must be base64 (`::`).
  return (
    entries
      .map((entry) =>
        entry
          .split('\n')
          .map((line) => {
            const [name, ...rest] = line.split(': ');
            const value = rest.join(': ');
            return /^[\x20-\x7e]*$/.test(value) ? line : `${name}:: ${Buffer.from(value).toString('base64')}`;
          })
          .join('\n'),
      )
      .join('\n\n') + '\n'
  );
}

const SCHEMA = `
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.4203.666.11.900.1 NAME 'klinikAccount' AUXILIARY MAY userAccountControl )
`;

export async function startSlapd(options: HospitalOptions = {}): Promise<Slapd> {
  const dir = await mkdtemp(join(tmpdir(), 'kf-slapd-'));
  const dbDir = join(dir, 'db');
  await mkdir(dbDir);
  const ca = await makeCa(dir, 'ldap-ca');
  const cert = await issueServerCert(dir, ca, 'ldap-server');
  await writeFile(join(dir, 'server.key'), cert.key, { mode: 0o600 });
  await writeFile(join(dir, 'server.pem'), cert.cert);
  await writeFile(join(dir, 'klinik.schema'), SCHEMA);
  const agentPasswordFile = join(dir, 'agent-password');
  await writeFile(agentPasswordFile, `${AGENT_PASSWORD}\n`, { mode: 0o600 });
  const configFile = join(dir, 'slapd.conf');
  await writeFile(
    configFile,
    [
      ...['core', 'cosine', 'inetorgperson'].map((s) => `include /etc/ldap/schema/${s}.schema`),
      `include ${join(dir, 'klinik.schema')}`,
      `pidfile ${join(dir, 'slapd.pid')}`,
      `argsfile ${join(dir, 'slapd.args')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      `TLSCACertificateFile ${ca.certFile}`,
      `TLSCertificateFile ${join(dir, 'server.pem')}`,
      `TLSCertificateKeyFile ${join(dir, 'server.key')}`,
      // Simple binds only over TLS, as a clinic's directory should have it.
      'security simple_bind=128',
      'database mdb',
      'maxsize 268435456',
      `suffix "${BASE_DN}"`,
      `rootdn "${ADMIN_DN}"`,
      `rootpw ${ADMIN_PASSWORD}`,
      `directory ${dbDir}`,
      // The agent reads every person in pages of 500: no total size limit for its account.
      `limits dn.exact="${AGENT_DN}" size.soft=unlimited size.hard=unlimited size.prtotal=unlimited`,
      'access to attrs=userPassword by anonymous auth by * none',
      `access to * by dn.exact="${AGENT_DN}" read by * none`,
      '',
    ].join('\n'),
  );
  const ldif = join(dir, 'hospital.ldif');
  await writeFile(ldif, hospitalLdif(options));
  await run(SLAPADD, ['-q', '-f', configFile, '-l', ldif], { timeout: 120_000 });

  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const ldapsPort = await freePort();
    const url = `ldap://127.0.0.1:${port}`;
    const ldapsUrl = `ldaps://127.0.0.1:${ldapsPort}`;
    const child: ChildProcess = spawn(SLAPD, ['-f', configFile, '-h', `${url}/ ${ldapsUrl}/`, '-d', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let up = false;
    // Bounded wait for both listeners (100 x 100 ms); an early exit ends it sooner.
    for (let i = 0; i < 100 && child.exitCode === null && child.signalCode === null; i++) {
      if ((await accepts(port)) && (await accepts(ldapsPort))) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!up) {
      child.kill('SIGKILL');
      await exited;
      if (attempt === 4) throw new Error(`slapd did not start: ${stderr}`);
      continue;
    }
    return {
      url,
      ldapsUrl,
      caFile: ca.certFile,
      agentPasswordFile,
      dir,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          // Bounded: slapd flushes and exits within a second or two; SIGKILL after 10 s.
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error('slapd did not start');
}
