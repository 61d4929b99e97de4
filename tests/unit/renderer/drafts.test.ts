// Drafts per channel: a sent message never comes back as a draft, also when the composer went away
// (channel switched) while the send was on its way.
import { beforeEach, describe, expect, it } from 'vitest';
import { clearDrafts, forgetSentDraft, getDraft, saveDraft } from '../../../apps/desktop/renderer/src/lib/drafts.ts';

const draft = (body: string) => ({ body, mentions: new Map<string, string>(), replyTo: null, urgent: false });

describe('drafts after a send', () => {
  beforeEach(() => clearDrafts());

  it('drops the draft the composer saved on its way out when it holds the sent text', () => {
    saveDraft('chn-station', draft('Zimmer 12: Verband gewechselt '));
    forgetSentDraft('chn-station', 'Zimmer 12: Verband gewechselt');
    expect(getDraft('chn-station').body).toBe('');
  });

  it('keeps a draft with other text, and drafts of other channels', () => {
    saveDraft('chn-station', draft('Zimmer 14 noch offen'));
    saveDraft('chn-labor', draft('Zimmer 12: Verband gewechselt'));
    forgetSentDraft('chn-station', 'Zimmer 12: Verband gewechselt');
    expect(getDraft('chn-station').body).toBe('Zimmer 14 noch offen');
    expect(getDraft('chn-labor').body).toBe('Zimmer 12: Verband gewechselt');
  });
});
