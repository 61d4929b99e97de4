// Identifiers and small values the API features share (channel, message and user ids, roles).
import { z } from 'zod';

export const channelId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'channel id');
export const messageId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'message id');
export const userId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'user id');
export const role = z.enum(['admin', 'member']);
export const messageRef = z.strictObject({ channelId, messageId });
