// Why a relay connection failed when the network between workstation and relay is the reason,
// not the relay: the relay's certificate is not trusted, or the clinic's proxy refused, wants
// credentials or cannot be reached. Stable codes: the connection view, the join and setup
// screens and the log all carry them, and the renderer words them in German and English.
export const NETWORK_PROBLEMS = ['relay_untrusted', 'proxy_refused', 'proxy_auth', 'proxy_unreachable'] as const;
export type NetworkProblem = (typeof NETWORK_PROBLEMS)[number];
export const isNetworkProblem = (code: string): code is NetworkProblem =>
  (NETWORK_PROBLEMS as readonly string[]).includes(code);

/** OpenSSL/Node verification failures: the chain does not end at a trusted CA, or not for this name. */
const UNTRUSTED_TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_REJECTED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export const isUntrustedCertificate = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && UNTRUSTED_TLS_CODES.has(String((error as { code?: unknown }).code));
