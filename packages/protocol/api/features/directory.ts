// API of the organisation directory (no address book): every user with name, role and ward.
// Merged into contract.ts; the names are in ./directory-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';
import { role, userId } from '../common.ts';
/** Every input is an object, so methods can grow optional fields without breaking callers. */
const noInput = z.object({}).strict();

export const userSchema = z.object({
  userId,
  displayName: z.string(),
  role,
  ward: z.string().nullable(),
  active: z.boolean(),
});

export const directoryMethods = {
  'directory.users': method({
    input: noInput,
    output: z.array(userSchema),
    doc: 'The organisation directory (no address book): every user with name, role and ward.',
  }),
} satisfies Record<string, MethodSpec>;

export type UserView = z.output<typeof userSchema>;
