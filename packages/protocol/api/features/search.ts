// API of the full-text search over messages, file names, poll questions and appointment titles. Merged into contract.ts; the names are in ./search-names.ts.
import { z } from 'zod';
import { method, type MethodSpec } from '../define.ts';
import { channelId } from '../common.ts';

export const searchInput = z.strictObject({
  text: z.string().trim().min(1).max(200),
  channelId: channelId.optional(),
  limit: z.number().int().min(1).max(100).default(30),
});

export const searchHitSchema = z.object({
  /** A message, or a shared thing whose timeline item the hit jumps to (id: the item's event id). */
  kind: z.enum(['message', 'file', 'poll', 'calendar']),
  channelId,
  channelName: z.string(),
  id: z.string(),
  /** A file sent in a group: the file the hit is, inside the group's one item `id` (absent: the item is the hit). */
  part: z.string().optional(),
  sortKey: z.number(),
  createdAt: z.number().int(),
  senderName: z.string(),
  snippet: z.string(),
  highlights: z.array(z.tuple([z.number().int(), z.number().int()])),
});

export const searchMethods = {
  'search.query': method({
    requires: 'member',
    channelField: 'channelId',
    input: searchInput,
    output: z.array(searchHitSchema),
    doc: 'Full-text search in all channels or one, newest first, with highlight ranges into plain-text snippets.',
  }),
} satisfies Record<string, MethodSpec>;

export type SearchHitView = z.output<typeof searchHitSchema>;
