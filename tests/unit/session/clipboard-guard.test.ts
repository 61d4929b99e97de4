import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import { FakeClipboard } from '../../../apps/desktop/electron/core/platform/fakes.ts';
import { ClipboardGuard } from '../../../apps/desktop/electron/core/session/clipboard-guard.ts';

function setup(clearAfterSeconds = 60) {
  const clock = new FakeClock();
  const clipboard = new FakeClipboard();
  const guard = new ClipboardGuard({ clipboard, clock, clearAfterSeconds });
  /** Fires due timers, then lets the guard's async read of the clipboard finish. */
  const wait = async (seconds: number) => {
    clock.advance(seconds * 1000);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { clock, clipboard, guard, wait };
}

describe('clipboard guard', () => {
  it('removes copied text after the policy time, not before', async () => {
    const t = setup(60);
    await t.guard.copy('Patient Zimmer 12: Blutzucker 250');
    expect(t.clipboard.text).toBe('Patient Zimmer 12: Blutzucker 250');
    await t.wait(59);
    expect(t.clipboard.text).toBe('Patient Zimmer 12: Blutzucker 250');
    await t.wait(1);
    expect(t.clipboard.text).toBe('');
    expect(t.guard.holdsCopy).toBe(false);
  });

  it('leaves the clipboard alone when something else was copied since', async () => {
    const t = setup(30);
    await t.guard.copy('Befund Zimmer 7');
    t.clipboard.text = 'Text aus einem anderen Programm';
    await t.wait(30);
    expect(t.clipboard.text).toBe('Text aus einem anderen Programm');
  });

  it('a second copy restarts the time and the first one no longer clears it early', async () => {
    const t = setup(60);
    await t.guard.copy('erste Nachricht');
    await t.wait(40);
    await t.guard.copy('zweite Nachricht');
    await t.wait(40);
    expect(t.clipboard.text).toBe('zweite Nachricht');
    await t.wait(20);
    expect(t.clipboard.text).toBe('');
    expect(t.clock.pendingTimers).toBe(0);
  });

  it('clears at once on request (lock, sign-out) if the copy is still there', async () => {
    const t = setup(60);
    await t.guard.copy('Übergabe 14 Uhr');
    expect(await t.guard.clearIfUnchanged()).toBe(true);
    expect(t.clipboard.text).toBe('');
    expect(t.clock.pendingTimers).toBe(0);
    expect(await t.guard.clearIfUnchanged()).toBe(false);
  });

  it('never clears a copy made while an earlier clear was still reading the clipboard', async () => {
    const t = setup(60);
    await t.guard.copy('alt');
    const clearing = t.guard.clearIfUnchanged();
    await t.guard.copy('neu');
    expect(await clearing).toBe(false);
    expect(t.clipboard.text).toBe('neu');
  });

  it('with 0 seconds keeps the copy until the screen locks', async () => {
    const t = setup(0);
    await t.guard.copy('bleibt');
    await t.wait(3600);
    expect(t.clipboard.text).toBe('bleibt');
    expect(await t.guard.clearIfUnchanged()).toBe(true);
    expect(t.clipboard.text).toBe('');
  });
});
