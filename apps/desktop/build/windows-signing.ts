// Code signing of the Windows build, chosen by environment variables of the build machine so that
// no certificate, thumbprint of a private key's store or service credential is committed.
// electron-builder signs with the one `win` configuration every file it signs: the app's
// Klinikfunk.exe (and the other .exe/.dll/.node files in the app folder), the MSI, the NSIS
// installer and its uninstaller. Without any of the variables nothing is signed and the build still
// succeeds (a test or pilot build); with them, a file that cannot be signed fails the build
// (`forceCodeSigning`), so an unsigned MSI never leaves a signing build by accident.
//
//   certificate in the Windows certificate store (hardware token, EV certificate):
//     KLINIKFUNK_SIGN_CERT_SHA1=<thumbprint>          or  KLINIKFUNK_SIGN_CERT_SUBJECT=<"issued to" name>
//   a .pfx file: electron-builder's own WIN_CSC_LINK and WIN_CSC_KEY_PASSWORD (no variable of ours)
//   Azure Trusted Signing:
//     KLINIKFUNK_AZURE_SIGN_ENDPOINT, KLINIKFUNK_AZURE_SIGN_ACCOUNT, KLINIKFUNK_AZURE_SIGN_PROFILE,
//     KLINIKFUNK_SIGN_PUBLISHER, plus AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET for Entra ID
//   any other signing service: KLINIKFUNK_SIGN_HOOK=<path of a module whose default export signs
//     one file>, called by electron-builder with { path, hash, ... } for every file to sign
//   KLINIKFUNK_SIGN_TIMESTAMP_URL: RFC 3161 time stamp server for the signtool ways
//     (default http://timestamp.digicert.com)
//
// docs/it-rollout.md "Building and signing the MSI" is the description for IT.
import type { WindowsConfiguration } from 'electron-builder';

type Env = Readonly<Record<string, string | undefined>>;

export type WindowsSigning = Pick<WindowsConfiguration, 'signtoolOptions' | 'azureSignOptions' | 'signExts'> & {
  /** How the build signs, for the build log and the test. */
  mode: 'unsigned' | 'certificate-store' | 'pfx' | 'azure-trusted-signing' | 'hook';
};

/** Besides .exe (always): DLLs and the SQLCipher addon, so application control (WDAC, AppLocker) can allow them by publisher. */
export const SIGNED_EXTENSIONS = ['.exe', '.dll', '.node'] as const;

const AZURE_VARIABLES = [
  'KLINIKFUNK_AZURE_SIGN_ENDPOINT',
  'KLINIKFUNK_AZURE_SIGN_ACCOUNT',
  'KLINIKFUNK_AZURE_SIGN_PROFILE',
  'KLINIKFUNK_SIGN_PUBLISHER',
] as const;

const value = (env: Env, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v ? v : undefined;
};

/** The signing part of the `win` configuration for these environment variables; throws on a half or double setup. */
export function windowsSigning(env: Env = process.env): WindowsSigning {
  const sha1 = value(env, 'KLINIKFUNK_SIGN_CERT_SHA1')?.replace(/[\s:]/g, '').toUpperCase();
  const subject = value(env, 'KLINIKFUNK_SIGN_CERT_SUBJECT');
  const hook = value(env, 'KLINIKFUNK_SIGN_HOOK');
  const pfx = value(env, 'WIN_CSC_LINK') ?? value(env, 'CSC_LINK');
  const azureGiven = AZURE_VARIABLES.filter(
    (name) => value(env, name) !== undefined && name !== 'KLINIKFUNK_SIGN_PUBLISHER',
  );
  const timestamp = value(env, 'KLINIKFUNK_SIGN_TIMESTAMP_URL');

  const ways = [
    sha1 || subject ? 'certificate store' : null,
    hook ? 'KLINIKFUNK_SIGN_HOOK' : null,
    pfx ? 'WIN_CSC_LINK' : null,
    azureGiven.length ? 'Azure Trusted Signing' : null,
  ].filter((w): w is string => w !== null);
  if (ways.length > 1) throw new Error(`windows signing: choose one way to sign, not ${ways.join(' and ')}`);
  if (sha1 !== undefined && !/^[0-9A-F]{40}$/.test(sha1))
    throw new Error(
      'windows signing: KLINIKFUNK_SIGN_CERT_SHA1 must be the 40 hex digits of the certificate thumbprint',
    );
  if (timestamp !== undefined && !/^https?:\/\/\S+$/.test(timestamp))
    throw new Error('windows signing: KLINIKFUNK_SIGN_TIMESTAMP_URL must be an http(s) URL');
  const stamp = {
    rfc3161TimeStampServer: timestamp ?? 'http://timestamp.digicert.com',
    signingHashAlgorithms: ['sha256' as const],
  };

  if (azureGiven.length) {
    const missing = AZURE_VARIABLES.filter((name) => value(env, name) === undefined);
    if (missing.length) throw new Error(`windows signing: Azure Trusted Signing needs ${missing.join(', ')}`);
    return {
      mode: 'azure-trusted-signing',
      signExts: [...SIGNED_EXTENSIONS],
      azureSignOptions: {
        endpoint: value(env, 'KLINIKFUNK_AZURE_SIGN_ENDPOINT')!,
        codeSigningAccountName: value(env, 'KLINIKFUNK_AZURE_SIGN_ACCOUNT')!,
        certificateProfileName: value(env, 'KLINIKFUNK_AZURE_SIGN_PROFILE')!,
        publisherName: value(env, 'KLINIKFUNK_SIGN_PUBLISHER')!,
      },
    };
  }
  if (sha1 || subject) {
    return {
      mode: 'certificate-store',
      signExts: [...SIGNED_EXTENSIONS],
      signtoolOptions: { ...(sha1 ? { certificateSha1: sha1 } : { certificateSubjectName: subject! }), ...stamp },
    };
  }
  if (hook) return { mode: 'hook', signExts: [...SIGNED_EXTENSIONS], signtoolOptions: { sign: hook, ...stamp } };
  if (pfx) return { mode: 'pfx', signExts: [...SIGNED_EXTENSIONS], signtoolOptions: stamp };
  return { mode: 'unsigned', signExts: [...SIGNED_EXTENSIONS] };
}
