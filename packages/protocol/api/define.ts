import type { z } from 'zod';

/** One API method: what goes in, what comes out, and what it does (the reference for whoever calls it: renderer, tests). */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  doc: string;
  /**
   * `member`: the call acts on one channel, named by the input field `channelField`; the IPC router
   * answers `not_found` (as for a channel that does not exist, so nothing can probe for channels)
   * unless the visible profile's user is an active member of it, before the handler runs. Where the
   * field is optional, only a given id is checked. Every method with a channel id in its input
   * declares this or is listed in tests/unit/ipc/member-guard.test.ts with the reason it does not.
   */
  requires?: 'member';
  channelField?: string;
}

export interface EventSpec<P extends z.ZodType = z.ZodType> {
  payload: P;
  doc: string;
}

/** `channelField` must name a field of the input (a typo fails the typecheck). */
export const method = <I extends z.ZodType, O extends z.ZodType>(
  spec: MethodSpec<I, O> & { channelField?: Extract<keyof z.output<I>, string> },
) => spec;
export const event = <P extends z.ZodType>(spec: EventSpec<P>) => spec;
