// UI benchmarks in real Chromium through the harness: open a channel of 100,000 messages to the
// first paint of its newest 50, and frame times while scrolling back through 1,000 messages.
// The profile is real (SQLCipher store, created through org.create against a real relay); the
// 100k messages are applied with the store's own materialiser, as sync would.
import { chromium } from '@playwright/test';
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../apps/desktop/electron/core/store/apply.ts';
import type { Db } from '../apps/desktop/electron/core/store/database.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.ts';
import { startClinicRelay } from '../tests/harness/clinic-relay.ts';
import { startWorkstation } from '../tests/harness/workstation.ts';
import { repeated } from './lib/stats.ts';
import type { BenchResult } from './types.ts';
import { uncheckedCall } from '../apps/desktop/electron/ipc/router.ts';
import { testDatabase } from '../apps/desktop/electron/core/store/test-database.ts';

const MESSAGES = Number(process.env.KF_BENCH_UI_MESSAGES ?? 100_000);
const BIG = 'chnBenchStation100k';
const SMALL = 'chnBenchKleinerKanal';
const WORDS =
  'Übergabe Zimmer Bett Blutdruck Puls Visite Labor Befund Verband Medikation bitte danke heute morgen Nachtdienst Frühdienst'.split(
    ' ',
  );

function seed(db: Db, userId: string): void {
  const now = Date.now();
  for (const [channelId, name] of [
    [BIG, 'Station 100k'],
    [SMALL, 'Kleiner Kanal'],
  ] as const) {
    db.prepare(
      `INSERT INTO channels (channel_id, kind, name, topic, history_for_new_members, created_at) VALUES (?, 'channel', ?, '', 0, ?)`,
    ).run(channelId, name, now);
    db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(channelId, userId, 'admin');
  }
  const make = (channelId: string, i: number, total: number): ChannelEvent => ({
    eventId: `evtbench${channelId.slice(-6)}${String(i).padStart(9, '0')}`,
    channelId,
    seq: i + 1,
    senderUserId: userId,
    senderDeviceId: 'devBenchDevice01',
    createdAt: now - (total - i) * 60_000,
    payload: {
      type: 'message.create',
      body: `${Array.from({ length: 10 }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ')} Nr. ${i}`,
      mentions: [],
      replyTo: null,
      urgent: false,
    },
  });
  for (let i = 0; i < MESSAGES; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, MESSAGES - i) }, (_, k) => make(BIG, i + k, MESSAGES));
    db.transaction(() => applyEvents(db, batch))();
  }
  db.transaction(() =>
    applyEvents(
      db,
      Array.from({ length: 60 }, (_, k) => make(SMALL, k, 60)),
    ),
  )();
  db.prepare('INSERT INTO read_state VALUES (?, ?, ?), (?, ?, ?)').run(BIG, 1e12, now, SMALL, 1e12, now);
}

export async function run(): Promise<BenchResult[]> {
  const clinic = await startClinicRelay();
  const workstation = await startWorkstation({ deviceLabel: 'Bench' });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const h = workstation.core.handlers;
    await h['org.create'](
      {
        orgName: 'Bench-Klinik',
        displayName: 'Bench Admin',
        relayUrl: clinic.url,
        setupCode: clinic.setupCode,
        passphrase: 'Bench-Passphrase-lang',
      },
      uncheckedCall,
    );
    await h['session.setPin']({ pin: '482915' }, uncheckedCall);
    const runtime = workstation.core.sessions.visible();
    seed(testDatabase(runtime.profile.store), runtime.identity.userId);

    const page = await (
      await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'de-DE' })
    ).newPage();
    await page.goto(workstation.url);
    await page.locator(`[data-testid="channel-entry"][data-channel-id="${SMALL}"]`).waitFor();

    // Open the big channel from the small one, five times; time from the click to the frame after
    // the newest message is in the DOM.
    const openTimes: number[] = [];
    for (let round = 0; round < 5; round++) {
      await page.locator(`[data-testid="channel-entry"][data-channel-id="${SMALL}"]`).click();
      await page.locator(`[data-testid="channel-view"][data-channel-id="${SMALL}"]`).waitFor();
      await page.waitForTimeout(200);
      openTimes.push(
        await page.evaluate(
          async ({ big, newest }) => {
            const button = document.querySelector<HTMLButtonElement>(
              `[data-testid="channel-entry"][data-channel-id="${big}"]`,
            )!;
            const t0 = performance.now();
            button.click();
            await new Promise<void>((resolve) => {
              const check = () => {
                const view = document.querySelector(`[data-testid="channel-view"][data-channel-id="${big}"]`);
                if (view && view.textContent?.includes(newest)) resolve();
                else requestAnimationFrame(check);
              };
              check();
            });
            await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
            return performance.now() - t0;
          },
          { big: BIG, newest: `Nr. ${MESSAGES - 1}` },
        ),
      );
    }

    // Scroll up through 1,000 messages, recording frame gaps and long tasks.
    const scroll = await page.evaluate(async (target) => {
      const longTasks: number[] = [];
      const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
      observer.observe({ type: 'longtask', buffered: false });
      const list = document.querySelector('[data-testid="message-list"]')!;
      let scroller: HTMLElement | null = list as HTMLElement;
      while (
        scroller &&
        !(scroller.scrollHeight > scroller.clientHeight && getComputedStyle(scroller).overflowY !== 'visible')
      )
        scroller = scroller.parentElement;
      if (!scroller) throw new Error('no scroll container');
      const seen = new Set<string>();
      const frames: number[] = [];
      let last = performance.now();
      const started = last;
      while (seen.size < target && performance.now() - started < 60_000) {
        scroller.scrollTop = Math.max(0, scroller.scrollTop - 300);
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frames.push(now - last);
        last = now;
        for (const el of document.querySelectorAll<HTMLElement>('[data-testid="message"]'))
          seen.add(el.dataset.messageId ?? '');
      }
      await new Promise((r) => setTimeout(r, 100));
      observer.disconnect();
      frames.sort((a, b) => a - b);
      return {
        seen: seen.size,
        frames: frames.length,
        p95: frames[Math.floor(frames.length * 0.95)]!,
        max: frames.at(-1)!,
        longTaskMax: Math.max(0, ...longTasks),
        longTasks: longTasks.length,
      };
    }, 1000);

    const open = repeated(openTimes, {
      suite: 'ui',
      name: `open a ${MESSAGES.toLocaleString('en')}-message channel to the newest 50 painted`,
      unit: 'ms',
      target: '< 100 ms',
    });
    return [
      { ...open, ok: open.value < 100 },
      {
        suite: 'ui',
        name: `scroll back through ${scroll.seen} messages: longest task`,
        value: scroll.longTaskMax,
        unit: 'ms',
        target: 'no long task > 50 ms',
        ok: scroll.longTaskMax <= 50,
        note: `${scroll.longTasks} long tasks`,
      },
      { suite: 'ui', name: 'scroll: frame interval p95', value: scroll.p95, unit: 'ms', samples: scroll.frames },
      { suite: 'ui', name: 'scroll: longest frame interval', value: scroll.max, unit: 'ms' },
    ];
  } finally {
    await browser.close();
    await workstation.close();
    await clinic.relay.dispose();
  }
}
