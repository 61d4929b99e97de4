import { describe, expect, it } from 'vitest';
import { createRouter, type Handlers } from '../../../apps/desktop/electron/ipc/router.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';

const ORIGIN = 'app://klinikfunk';
const APP_FRAME = { url: 'app://klinikfunk/index.html', isMainFrame: true };

const info = {
  name: 'Klinikfunk',
  version: '1.2.3',
  build: { commit: 'abc', date: '2026-11-22', electron: null, node: '24', platform: 'linux' },
  managedSettings: [],
  policyLanguage: null,
  prefill: { relayUrl: null },
  pinMinLength: 6,
  supportExportSignedOut: true,
};
const noProfiles = {
  state: 'no_profiles',
  profileCount: 0,
  activeProfileId: null,
  profiles: [],
  pinRequired: false,
  lastSignOutReason: null,
} as const;

function setup(overrides: Partial<Handlers> = {}, validateOutput = true) {
  const { logger, records } = createMemoryLogger();
  const calls: string[] = [];
  // Only the two methods under test; the router never calls the others here.
  const handlers = {
    'app.info': () => {
      calls.push('app.info');
      return info;
    },
    'session.status': () => {
      calls.push('session.status');
      return noProfiles;
    },
    ...overrides,
  } as Handlers;
  // No method under test here acts on a channel (tests/unit/ipc/member-guard.test.ts covers the check).
  const guards = {
    member: () => Promise.reject(new Error('no channel method is called here')),
    visible: () => {
      throw new Error('no channel method is called here');
    },
  };
  const router = createRouter({ handlers, allowedOrigin: ORIGIN, validateOutput, log: logger, guards });
  return { router, calls, records };
}

describe('IPC router', () => {
  it('returns an ok Result with the handler value for a valid call from the app frame', async () => {
    const { router, calls } = setup();
    const result = await router.invoke(APP_FRAME, 'app.info', {});
    expect(result).toEqual({ ok: true, value: info });
    expect(calls).toEqual(['app.info']);
  });

  it.each([
    ['a subframe of the app', { url: 'app://klinikfunk/index.html', isMainFrame: false }],
    ['a web page', { url: 'https://evil.example/', isMainFrame: true }],
    ['a file:// page', { url: 'file:///C:/Users/x/index.html', isMainFrame: true }],
    ['a lookalike host', { url: 'app://klinikfunk.evil/index.html', isMainFrame: true }],
    ['an empty url (destroyed frame)', { url: '', isMainFrame: true }],
  ])('refuses a call from %s with forbidden_sender and runs no handler', async (_label, sender) => {
    const { router, calls, records } = setup();
    const result = await router.invoke(sender, 'app.info', {});
    expect(result).toEqual({ ok: false, error: { code: 'forbidden_sender', message: expect.any(String) } });
    expect(calls).toEqual([]);
    expect(records.some((r) => r.level === 'warn' && r.message.includes('foreign frame'))).toBe(true);
  });

  it.each([['profile.dump'], [42], [null], ['__proto__'], ['constructor']])(
    'refuses unknown method %s',
    async (method) => {
      const { router, calls } = setup();
      const result = await router.invoke(APP_FRAME, method, {});
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('unknown_method');
      expect(calls).toEqual([]);
    },
  );

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an array', []],
    ['an unexpected field', { extra: true }],
  ])('refuses %s as input with invalid_input and the schema message', async (_label, input) => {
    const { router, calls } = setup();
    const result = await router.invoke(APP_FRAME, 'session.status', input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_input');
      expect(result.error.message.length).toBeGreaterThan(0);
    }
    expect(calls).toEqual([]);
  });

  it('turns an AppError thrown by a handler into its code', async () => {
    const { router } = setup({
      'session.status': () => {
        throw new AppError('locked', 'profile is locked');
      },
    });
    expect(await router.invoke(APP_FRAME, 'session.status', {})).toEqual({
      ok: false,
      error: { code: 'locked', message: 'profile is locked' },
    });
  });

  it('turns any other exception into internal without leaking its message, and logs it', async () => {
    const { router, records } = setup({
      'app.info': async () => {
        throw new Error('secret path /home/x/store.db');
      },
    });
    const result = await router.invoke(APP_FRAME, 'app.info', {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'An internal error occurred.' } });
    expect(records.some((r) => r.level === 'error' && r.message === 'handler failed')).toBe(true);
  });

  it('catches output that breaks the contract when output validation is on', async () => {
    const broken = (() => ({ ...info, version: 7 })) as unknown as Handlers['app.info'];
    const { router } = setup({ 'app.info': broken });
    const result = await router.invoke(APP_FRAME, 'app.info', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('internal');
  });

  it('never throws across the boundary, whatever arrives', async () => {
    const { router } = setup();
    const weird: unknown[] = [
      undefined,
      Symbol('x'),
      {
        toString: () => {
          throw new Error('boom');
        },
      },
      new Proxy({}, {}),
    ];
    for (const method of weird) {
      for (const input of weird) {
        const result = await router.invoke(APP_FRAME, method, input);
        expect(result.ok).toBe(false);
      }
    }
  });
});
