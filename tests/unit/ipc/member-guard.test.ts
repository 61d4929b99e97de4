// The membership check is declared in the contract (`requires: 'member'`) and enforced once, by the
// router, before any handler runs: a call about a channel the user is not a member of gets
// `not_found`, as for a channel that does not exist (the answer the handlers gave before, one by one).
// The handler then gets the profile that was checked (tests/integration/workstation/switch-mid-call.test.ts
// switches the visible profile in between).
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { methods } from '@klinikfunk/protocol/api/contract.ts';
import type { MethodSpec } from '@klinikfunk/protocol/api/define.ts';
import type { CheckedCall, Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import { createRouter } from '../../../apps/desktop/electron/ipc/router.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';

const APP_FRAME = { url: 'app://klinikfunk/index.html', isMainFrame: true };
const C = 'channel-of-others';
const ID = 'abcdefgh12';
const T = 1_900_000_000_000;

/** Methods that take a channel id without requiring membership, and why. */
const NOT_MEMBER_CHECKED: Record<string, string> = {
  'channels.join': 'asks to join a channel the user is not a member of yet',
};

/** A valid input of each member-checked method, so the call gets past the schema to the check. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  'channels.get': { channelId: C },
  'channels.setMembers': { channelId: C, memberUserIds: [] },
  'channels.leave': { channelId: C },
  'channels.markRead': { channelId: C, upToSortKey: 1 },
  'messages.page': { channelId: C },
  'messages.send': { channelId: C, body: 'Hallo' },
  'messages.edit': { channelId: C, messageId: ID, body: 'Hallo' },
  'messages.delete': { channelId: C, messageId: ID },
  'messages.ack': { channelId: C, messageId: ID },
  'messages.acks': { channelId: C, messageId: ID },
  'messages.readers': { channelId: C, messageId: ID },
  'escalations.ofMessage': { channelId: C, messageId: ID },
  'availability.forwards': { channelId: C },
  'messages.retry': { channelId: C, messageId: ID },
  'search.query': { text: 'Visite', channelId: C },
  'roles.conversation': { channelId: C },
  'polls.list': { channelId: C },
  'polls.create': {
    channelId: C,
    question: 'Wann?',
    options: ['Mo', 'Di'],
    multipleChoice: false,
    deadline: null,
    hideVoters: false,
  },
  'polls.vote': { channelId: C, pollId: ID, optionIds: ['o1'] },
  'polls.close': { channelId: C, pollId: ID },
  'files.list': { channelId: C },
  'files.beginUpload': { channelId: C, name: 'a.pdf', mimeType: 'application/pdf', size: 10 },
  'files.shareTogether': { channelId: C, uploadIds: ['trAAAAAAAAAAAAAAAA'], caption: '' },
  'files.thumbnail': { channelId: C, fileId: ID },
  'files.preview': { channelId: C, fileId: ID },
  'files.download': { channelId: C, fileId: ID },
  'files.exportOpen': { channelId: C, fileId: ID },
  'calendar.range': { channelId: C, from: T, to: T + 86_400_000 },
  'calendar.put': { channelId: C, title: 'Visite', start: T, end: T + 3_600_000, allDay: false },
  'calendar.cancel': { channelId: C, uid: ID },
  'calendar.putOccurrence': { channelId: C, uid: ID, recurrenceId: T, title: 'Visite', start: T, end: T + 1 },
  'calendar.cancelOccurrence': { channelId: C, uid: ID, recurrenceId: T },
  'calendar.rsvp': { channelId: C, uid: ID, rsvp: 'yes' },
  'calendar.exportIcs': { channelId: C, uid: ID },
  'calendar.importIcs': { channelId: C, text: 'BEGIN:VCALENDAR' },
  'clipboard.copyMessage': { channelId: C, messageId: ID },
  'clipboard.copySelection': { channelId: C, text: 'Hallo' },
  'pins.list': { channelId: C },
  'pins.add': { channelId: C, messageId: ID },
  'pins.remove': { channelId: C, messageId: ID },
  'timeline.items': { channelId: C, afterSortKey: null, upToSortKey: null },
  'reactions.list': { channelId: C },
  'reactions.toggle': { channelId: C, messageId: ID, reaction: '👍' },
};

const specs = Object.entries(methods) as Array<[keyof Handlers, MethodSpec]>;
const memberChecked = specs.filter(([, spec]) => spec.requires === 'member').map(([name]) => name);

describe("the contract's member check", () => {
  it('every method with a channel id in its input declares it, or says here why not', () => {
    const undeclared = specs
      .filter(([name, spec]) => {
        expect(spec.input, name).toBeInstanceOf(z.ZodObject);
        const fields = Object.keys((spec.input as z.ZodObject).shape);
        return fields.includes('channelId') && spec.requires !== 'member' && !(name in NOT_MEMBER_CHECKED);
      })
      .map(([name]) => name);
    expect(undeclared).toEqual([]);
    for (const [name, spec] of specs)
      if (spec.requires === 'member')
        expect(Object.keys((spec.input as z.ZodObject).shape), name).toContain(spec.channelField);
  });

  it('refuses a non-member call to every member-checked method with not_found before its handler runs', async () => {
    expect(memberChecked.length).toBeGreaterThan(30);
    const called: string[] = [];
    const asked: string[] = [];
    const handlers = new Proxy({} as Handlers, {
      get: (_, name: string) => () => {
        called.push(name);
        return { done: true };
      },
    });
    const router = createRouter({
      handlers,
      allowedOrigin: 'app://klinikfunk',
      validateOutput: false,
      log: createMemoryLogger().logger,
      guards: {
        member: (channelId) => {
          asked.push(channelId);
          return Promise.resolve(null);
        },
        visible: () => ({ profile: 'visible' }),
      },
    });
    for (const name of memberChecked) {
      const sample = SAMPLES[name];
      expect(sample, `a sample input for ${name} in this test`).toBeDefined();
      asked.length = 0;
      const result = await router.invoke(APP_FRAME, name, sample);
      expect(result, name).toEqual({ ok: false, error: { code: 'not_found', message: expect.any(String) } });
      expect(asked, name).toEqual([C]);
    }
    expect(called).toEqual([]);
  });

  it("lets a member's call through to the handler with the checked profile, and a call without the optional channel id unchecked", async () => {
    const called: string[] = [];
    const asked: string[] = [];
    const handedOver: unknown[] = [];
    const handlers = new Proxy({} as Handlers<{ profile: string }>, {
      get: (_, name: string) => (_input: unknown, call: CheckedCall<{ profile: string }>) => {
        called.push(name);
        handedOver.push(call.runtime);
        return { done: true };
      },
    });
    const router = createRouter({
      handlers,
      allowedOrigin: 'app://klinikfunk',
      validateOutput: false,
      log: createMemoryLogger().logger,
      guards: {
        member: (channelId) => {
          asked.push(channelId);
          return Promise.resolve({ profile: 'checked' });
        },
        visible: () => ({ profile: 'visible' }),
      },
    });
    expect(await router.invoke(APP_FRAME, 'messages.delete', SAMPLES['messages.delete'])).toEqual({
      ok: true,
      value: { done: true },
    });
    expect(await router.invoke(APP_FRAME, 'search.query', { text: 'Visite' })).toMatchObject({ ok: true });
    expect(called).toEqual(['messages.delete', 'search.query']);
    expect(asked).toEqual([C]);
    // The handler acts on the profile the check answered for, not on whatever is visible by then.
    expect(handedOver).toEqual([{ profile: 'checked' }, { profile: 'visible' }]);
  });

  it('a method without the member check has no checked profile to act on', async () => {
    const { logger } = createMemoryLogger();
    const router = createRouter({
      handlers: {
        'session.status': (_input: unknown, call: CheckedCall<object>) => call.runtime,
      } as unknown as Handlers<object>,
      allowedOrigin: 'app://klinikfunk',
      validateOutput: false,
      log: logger,
      guards: { member: () => Promise.resolve({}), visible: () => ({}) },
    });
    expect(await router.invoke(APP_FRAME, 'session.status', {})).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('answers locked when the check finds no unlocked profile, and a bad input before any check', async () => {
    const { AppError } = await import('@klinikfunk/protocol/api/result.ts');
    const router = createRouter({
      handlers: {} as Handlers,
      allowedOrigin: 'app://klinikfunk',
      validateOutput: false,
      log: createMemoryLogger().logger,
      guards: {
        member: () => Promise.reject(new AppError('locked', 'No profile is unlocked.')),
        visible: () => {
          throw new AppError('locked', 'No profile is unlocked.');
        },
      },
    });
    expect(await router.invoke(APP_FRAME, 'polls.list', { channelId: C })).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    expect(await router.invoke(APP_FRAME, 'polls.list', { channelId: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });
});
