// The composer's error for a message over the limit. It is refused at the IPC boundary as
// invalid_input; staff then need both numbers to know how much to cut.
import type { ErrorCode } from '@klinikfunk/protocol/api/result.ts';
import { MAX_MESSAGE_CHARS } from '@klinikfunk/protocol/api/features/messages.ts';

/** `template` ('error.send.tooLong') filled with the length and the limit, or null when that was not the problem. */
export function tooLongText(code: ErrorCode, text: string, template: string, tag: string): string | null {
  if (code !== 'invalid_input' || text.length <= MAX_MESSAGE_CHARS) return null;
  const number = new Intl.NumberFormat(tag);
  return template.replace('{length}', number.format(text.length)).replace('{max}', number.format(MAX_MESSAGE_CHARS));
}
