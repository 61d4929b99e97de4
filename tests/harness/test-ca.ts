// A clinic CA and relay certificates made by openssl in a temp folder, as hospital IT makes them:
// a self-signed root (CA:TRUE) and a server certificate for 127.0.0.1 signed by it.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCa {
  name: string;
  certFile: string;
  keyFile: string;
  pem: string;
  /** SHA-256 fingerprint as openssl prints it (AB:CD:...). */
  thumbprint: string;
}

export interface ServerCert {
  key: string;
  /** Leaf only. */
  cert: string;
  /** Leaf and the CA certificate, as a relay sends a full chain. */
  fullChain: string;
}

export async function makeCa(dir: string, name: string): Promise<TestCa> {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', `/CN=${name} Test CA`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', keyFile, '-out', certFile,
  ]); // prettier-ignore
  const { stdout } = await run('openssl', ['x509', '-in', certFile, '-noout', '-fingerprint', '-sha256']);
  const thumbprint = stdout.trim().split('=')[1]!;
  return { name, certFile, keyFile, pem: await readFile(certFile, 'utf8'), thumbprint };
}

export async function issueServerCert(dir: string, ca: TestCa, name: string): Promise<ServerCert> {
  const keyFile = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(ext, 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  await run('openssl', [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=relay.klinik.test',
    '-keyout',
    keyFile,
    '-out',
    csr,
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    certFile,
  ]);
  const cert = await readFile(certFile, 'utf8');
  return { key: await readFile(keyFile, 'utf8'), cert, fullChain: cert + ca.pem };
}

/** An issuing CA (CA:TRUE, pathlen 0) signed by `root`, as a clinic's two-tier PKI has. */
export async function issueIntermediateCa(dir: string, root: TestCa, name: string): Promise<TestCa> {
  const keyFile = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(ext, 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
  await run('openssl', [
    'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name} Issuing CA`,
    '-keyout', keyFile, '-out', csr,
  ]); // prettier-ignore
  await run('openssl', [
    'x509', '-req', '-in', csr, '-CA', root.certFile, '-CAkey', root.keyFile, '-CAcreateserial', '-days', '2',
    '-extfile', ext, '-out', certFile,
  ]); // prettier-ignore
  const { stdout } = await run('openssl', ['x509', '-in', certFile, '-noout', '-fingerprint', '-sha256']);
  return { name, certFile, keyFile, pem: await readFile(certFile, 'utf8'), thumbprint: stdout.trim().split('=')[1]! };
}
