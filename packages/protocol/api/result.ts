// The shape of every answer that crosses a process or network boundary. Exceptions stay
// inside a module; at the boundary they become one of these with a stable code.
import { z } from 'zod';

/**
 * Stable error codes. The renderer maps each to a German/English sentence that tells staff what
 * to do (apps/desktop/renderer/src/i18n); `message` is for logs and developers.
 */
export const ERROR_CODES = [
  /** The input did not match the method's schema. */
  'invalid_input',
  /** The method or event name is not in the contract. */
  'unknown_method',
  /** The call came from a frame or origin other than the app's own top frame. */
  'forbidden_sender',
  /** The profile is locked or signed out; unlock first. */
  'locked',
  /** The referenced object does not exist (or is not visible to this profile). */
  'not_found',
  /** The feature is switched off by policy or not available on this platform. */
  'unavailable',
  /** The caller lacks the role for this action. */
  'not_permitted',
  /** The passphrase does not open this profile. */
  'wrong_passphrase',
  /** Too many wrong passphrases for this profile: the next attempt is accepted only after a wait. */
  'too_many_attempts',
  /** The profile's key is sealed by the OS secure store of another Windows account or PC (or none is available). */
  'secure_store_unavailable',
  /** The relay holds as many file bytes of this device as it allows (its blob quota): no more uploads until IT raises it or files are removed. */
  'quota_exceeded',
  /** The relay cannot be reached (network, address, relay down); local data stays usable. */
  'relay_unreachable',
  /** The relay's certificate is not from a CA this workstation trusts (OS store, policy RelayCaCertificates). */
  'relay_untrusted',
  /** The proxy refused the connection to the relay (ProxyMode/ProxyServer, or the proxy's own rules). */
  'proxy_refused',
  /** The proxy wants credentials that ProxyServer does not give, or refused them. */
  'proxy_auth',
  /** The proxy in ProxyServer or the system setting cannot be reached. */
  'proxy_unreachable',
  /** A bug: logged with details, shown to staff as a generic error. */
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
export const errorCodeSchema = z.enum(ERROR_CODES);

export interface AppErrorShape {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });

export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: z.object({ code: errorCodeSchema, message: z.string() }) }),
  ]);

/** Thrown inside the core to end a call with a specific code; the IPC router turns it into a Result. */
export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }
}
