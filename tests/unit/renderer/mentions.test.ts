import { describe, expect, it } from 'vitest';
import {
  findMentionQuery,
  insertMention,
  mentionedUserIds,
  rankCandidates,
} from '../../../apps/desktop/renderer/src/lib/mentions.ts';

const users = [
  { userId: 'usr00000001', displayName: 'Dr. Anna Meier', ward: null },
  { userId: 'usr00000002', displayName: 'Bernd Pflege', ward: 'Station 3' },
  { userId: 'usr00000003', displayName: 'Dr. Jörg Özdemir', ward: 'Notaufnahme' },
  { userId: 'usr00000004', displayName: 'Annette Kurz', ward: null },
];

describe('renderer mention autocomplete', () => {
  it('finds the query before the caret', () => {
    expect(findMentionQuery('Danke @An', 9)).toEqual({ start: 6, query: 'An' });
    expect(findMentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(findMentionQuery('Danke @Anna M', 13)).toEqual({ start: 6, query: 'Anna M' });
  });

  it('ignores e-mail addresses, closed mentions and other lines', () => {
    expect(findMentionQuery('mail@anna', 9)).toBeNull();
    expect(findMentionQuery('@Anna Meier ist da', 18)).toBeNull();
    expect(findMentionQuery('@An\nx', 5)).toBeNull();
  });

  it('ranks names that start with the query first and ignores accents', () => {
    expect(rankCandidates(users, 'an').map((u) => u.displayName)).toEqual(['Annette Kurz', 'Dr. Anna Meier']);
    expect(rankCandidates(users, 'ozd').map((u) => u.displayName)).toEqual(['Dr. Jörg Özdemir']);
    expect(rankCandidates(users, '').length).toBe(4);
  });

  it('inserts the chosen name and places the caret after it', () => {
    const text = 'Danke @An bitte';
    expect(insertMention(text, { start: 6, query: 'An' }, 9, 'Dr. Anna Meier')).toEqual({
      text: 'Danke @Dr. Anna Meier bitte',
      caret: 22,
    });
  });

  it('sends only the chosen users still mentioned in the body', () => {
    const chosen = new Map([
      ['usr00000001', 'Dr. Anna Meier'],
      ['usr00000002', 'Bernd Pflege'],
    ]);
    expect(mentionedUserIds('Bitte @Dr. Anna Meier, danke', chosen)).toEqual(['usr00000001']);
    expect(mentionedUserIds('Bitte @Bernd Pflegeheim', chosen)).toEqual([]);
  });
});
