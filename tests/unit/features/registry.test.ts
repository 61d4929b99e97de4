// A feature declares each of its event types once (features/registry.ts → store/content-features.ts):
// the protocol's payload schema, its row of the rule table and its content type. Every type of the
// protocol's union has exactly one owner, the store's own tables or one registered feature, so a
// feature's type missing from the union, the rule table or the content types fails here (and the
// core refuses to start with a declaration that is not the union's).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { channelEventPayload, pollVote, type ChannelEventType } from '@klinikfunk/protocol/domain/events.ts';
import { CONTENT_TYPE, contentTypeOf } from '../../../apps/desktop/electron/core/client/messaging-client.ts';
import { ruleOf, STORE_RULES } from '../../../apps/desktop/electron/core/store/authorise.ts';
import {
  contentFeatureOf,
  loggedTextsAbout,
  registerContentFeature,
  registeredFeatures,
  typesOf,
  typesWithLoggedText,
  type ContentFeature,
} from '../../../apps/desktop/electron/core/store/content-features.ts';

const unionTypes = channelEventPayload.options.map((schema) => schema.shape.type.value) as ChannelEventType[];

function stub(name: string, events: ContentFeature['events']): ContentFeature {
  return { name, events, apply: () => null, author: () => undefined };
}

describe('the feature registry (vitest registers it as core/wiring.ts does)', () => {
  it('gives every event type of the protocol exactly one owner: the store or one feature', () => {
    const owners = new Map<string, string[]>();
    for (const type of unionTypes) owners.set(type, []);
    for (const type of Object.keys(STORE_RULES)) owners.get(type)?.push('store rules');
    for (const type of Object.keys(CONTENT_TYPE)) owners.get(type)?.push('client content types');
    for (const feature of registeredFeatures())
      for (const type of typesOf(feature)) {
        if (!owners.has(type))
          throw new Error(`${feature.name} declares ${type}, which is not in the protocol's union`);
        owners.get(type)!.push(`feature ${feature.name}`);
      }
    const wrong = [...owners].filter(([, by]) => {
      const store = by.filter((o) => !o.startsWith('feature')).length;
      const features = by.length - store;
      // The store's own types: its rule row and the client's content type; a feature's: its declaration alone.
      return !((store === 2 && features === 0) || (store === 0 && features === 1));
    });
    expect(wrong).toEqual([]);
  });

  it('resolves a rule, a content type and a reducer for every feature type', () => {
    expect(
      registeredFeatures()
        .map((f) => f.name)
        .sort(),
    ).toEqual([
      'alerts',
      'availability',
      'calendar',
      'escalation',
      'files',
      'messages',
      'pins',
      'polls',
      'reactions',
      'roles',
    ]);
    for (const feature of registeredFeatures())
      for (const type of typesOf(feature)) {
        expect(ruleOf(type)).toBe(feature.events[type]!.rule);
        expect(contentTypeOf(type)).toBe(feature.events[type]!.contentType);
        expect(contentFeatureOf(type)).toBe(feature);
      }
    expect(ruleOf('poll.close').who).toBe('author');
    expect(contentTypeOf('file.share')).toBe('file');
  });

  it('refuses a declaration whose schema is not the protocol union one (a type missing from the union)', () => {
    expect(() =>
      registerContentFeature(
        stub('bogus', {
          ['poll.retract' as ChannelEventType]: { schema: pollVote, rule: { who: 'member' }, contentType: 'poll' },
        }),
      ),
    ).toThrow(/not the protocol's/);
    expect(() =>
      registerContentFeature(
        stub('bogus', { 'poll.create': { schema: pollVote, rule: { who: 'member' }, contentType: 'poll' } }),
      ),
    ).toThrow(/not the protocol's/);
    expect(contentFeatureOf('poll.create').name).toBe('polls');
  });

  it('refuses a second feature claiming a registered type, and leaves the first in place', () => {
    const claimed = registeredFeatures().find((f) => f.name === 'files')!;
    expect(() => registerContentFeature(stub('files-copy', claimed.events))).toThrow(/claimed by files and files-copy/);
    expect(contentFeatureOf('file.share')).toBe(claimed);
  });
});

describe("the store's event mechanics (issue 16: the store knows no message types)", () => {
  // Applying, authorising, queueing, acknowledging and undoing own events are generic: what an
  // event type means (what it waits for, what text search finds in it, what its own ack or refusal
  // does) is its feature's declaration. These files may name the store's own types only.
  const mechanics = [
    'apply.ts',
    'authorise.ts',
    'authorise-facts.ts',
    'content-features.ts',
    'outbox.ts',
    'own-refused.ts',
    'retention.ts',
    'search-terms.ts',
    'sync-history.ts',
    'sync-store.ts',
  ];
  const featureTypes = registeredFeatures().flatMap(typesOf);

  it('deletion reads the texts kept in the log alone from the declarations: messages, their edits, file names', () => {
    // retention.ts named these three before; a feature whose text lives in its log events alone
    // declares `searchText.scrubbed` and is read by retention, selective and conversation deletion.
    expect(typesWithLoggedText().sort()).toEqual(['file.share', 'message.create', 'message.edit']);
    expect(loggedTextsAbout()).toEqual([{ type: 'message.edit', field: 'messageId' }]);
  });

  it.each(mechanics)('store/%s names no event type of a feature', (file) => {
    const text = readFileSync(new URL(`../../../apps/desktop/electron/core/store/${file}`, import.meta.url), 'utf8');
    expect(featureTypes.filter((type) => text.includes(`'${type}'`) || text.includes(`"${type}"`))).toEqual([]);
  });
});
