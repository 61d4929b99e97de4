// What the main process implements for each method of the contract: the desktop core builds the
// table, the IPC router (apps/desktop/electron/ipc/router.ts) calls it after the input schema and
// the contract's declared checks ran. Here, beside the contract, so neither side imports the other.
import type { MethodOutput, MethodParsedInput } from './contract.ts';
import type { MethodName } from './names.ts';

export type Handler<M extends MethodName> = (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M>;
export type Handlers = { [M in MethodName]: Handler<M> };

/** The checks the contract's methods declare (`requires` in define.ts), answered by the core. */
export interface Guards {
  /**
   * Whether the visible profile's user is an active member of the channel; throws `locked` (an
   * AppError) when no profile is unlocked.
   */
  member(channelId: string): Promise<boolean>;
}
