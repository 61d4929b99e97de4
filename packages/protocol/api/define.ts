import type { z } from 'zod';

/** One API method: what goes in, what comes out, and what it does (the reference for whoever calls it: renderer, tests). */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  doc: string;
}

export interface EventSpec<P extends z.ZodType = z.ZodType> {
  payload: P;
  doc: string;
}

export const method = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>) => spec;
export const event = <P extends z.ZodType>(spec: EventSpec<P>) => spec;
