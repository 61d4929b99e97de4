// What the main process implements for each method of the contract: the desktop core builds the
// table, the IPC router (apps/desktop/electron/ipc/router.ts) calls it after the input schema and
// the contract's declared checks ran. Here, beside the contract, so neither side imports the other.
// `R` is what a checked call acts on (the desktop core's profile runtime); this package does not
// know it.
import type { MethodOutput, MethodParsedInput } from './contract.ts';
import type { MethodName } from './names.ts';

/** What the router hands a handler besides its input. */
export interface CheckedCall<R> {
  /**
   * The profile the router checked the membership on (`requires: 'member'`), which the handler
   * acts on: never the visible profile read again, which a switch meanwhile may have changed.
   * Reading it in a method that declares no `requires` is a bug and throws.
   */
  readonly runtime: R;
}

export type Handler<M extends MethodName, R = unknown> = (
  input: MethodParsedInput<M>,
  call: CheckedCall<R>,
) => Promise<MethodOutput<M>> | MethodOutput<M>;
export type Handlers<R = unknown> = { [M in MethodName]: Handler<M, R> };

/** The checks the contract's methods declare (`requires` in define.ts), answered by the core. */
export interface Guards<R = unknown> {
  /**
   * The visible profile when its user is an active member of the channel, else null; throws
   * `locked` (an AppError) when no profile is unlocked.
   */
  member(channelId: string): Promise<R | null>;
  /**
   * The visible profile, for a `requires: 'member'` call whose optional channel field is absent
   * (nothing to check); throws `locked` when no profile is unlocked.
   */
  visible(): R;
}
