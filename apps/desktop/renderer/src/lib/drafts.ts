// Composer drafts per channel, in memory only. Cleared when the screen locks or the profile
// changes, because a draft is message content too.

export interface Draft {
  body: string;
  /** userId -> display name of users chosen from the autocomplete. */
  mentions: Map<string, string>;
  replyTo: { messageId: string; senderName: string; excerpt: string } | null;
  urgent: boolean;
}

const drafts = new Map<string, Draft>();

export function getDraft(channelId: string): Draft {
  return drafts.get(channelId) ?? { body: '', mentions: new Map(), replyTo: null, urgent: false };
}

export function saveDraft(channelId: string, draft: Draft): void {
  if (draft.body === '' && draft.replyTo === null && !draft.urgent) drafts.delete(channelId);
  else drafts.set(channelId, draft);
}

/**
 * After a send succeeded: the channel's draft is dropped if it still holds the sent text. A draft is
 * saved when the composer goes away, so switching channel while a send was still on its way kept
 * the sent text as a draft, and Enter in that channel later sent it twice.
 */
export function forgetSentDraft(channelId: string, sentText: string): void {
  const draft = drafts.get(channelId);
  if (draft && draft.body.trim() === sentText) drafts.delete(channelId);
}

export function clearDrafts(): void {
  drafts.clear();
}
