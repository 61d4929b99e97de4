// Checks every 30 s for calendar reminders of the profile on screen and shows them through the
// platform notifier. A locked screen gets a reminder without its title (nothing sensitive on a
// shared PC); policy "no content" likewise. The window starts at the first check, so signing in
// does not replay reminders of the past.
import type { HandlerContext } from '../../app/handler-context.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { dueReminders, REMINDER_LEAD_MS } from '../../calendar/reminders.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';
import { calendarRepository } from './repository.ts';

const CHECK_EVERY_MS = 30_000;
const TEXT = {
  de: { title: 'Termin in 15 Minuten', hidden: 'Klinikfunk: Termin in 15 Minuten' },
  en: { title: 'Appointment in 15 minutes', hidden: 'Klinikfunk: appointment in 15 minutes' },
};

export async function checkReminders(
  ctx: HandlerContext,
  runtime: ProfileRuntime,
  onScreen: boolean,
  window: { from: number; to: number },
): Promise<number> {
  const { notifier } = ctx.platform;
  if (!notifier.isSupported()) return 0;
  const text = TEXT[ctx.policy.values.uiLanguage ?? 'de'];
  const showTitle = onScreen && ctx.policy.values.notificationContent !== 'none';
  const store = runtime.profile.store;
  const channels = await store.members.activeChannelIds(runtime.identity.userId);
  let shown = 0;
  for (const channelId of channels) {
    const entries = await store.repository(calendarRepository).entries(channelId);
    if (entries.length === 0) continue;
    for (const due of dueReminders(
      entries,
      store.repository(calendarRepository).creators(channelId),
      runtime.identity.userId,
      window,
      REMINDER_LEAD_MS,
    )) {
      notifier.show(
        showTitle
          ? { title: text.title, body: due.title.slice(0, 200), tag: channelId }
          : { title: text.hidden, tag: channelId },
      );
      shown++;
    }
  }
  return shown;
}

/** Starts the loop; the clock's timers do not keep the process alive. */
export function startReminderLoop(ctx: HandlerContext): void {
  const last = new Map<string, number>();
  const tick = async () => {
    const profileId = ctx.sessions.session.visibleProfile;
    const runtime = profileId ? ctx.sessions.runtime(profileId) : undefined;
    if (profileId && runtime) {
      const now = ctx.clock.now();
      const from = last.get(profileId) ?? now;
      last.set(profileId, now);
      if (now > from) {
        await checkReminders(ctx, runtime, !ctx.sessions.session.isLocked, { from, to: now }).catch((error: unknown) =>
          ctx.log.warn('calendar reminders failed', { error: loggable(error) }),
        );
      }
    }
    ctx.clock.after(CHECK_EVERY_MS, next);
  };
  // A tick that throws (a profile closing under it) must not end the loop or the process.
  const next = () => {
    tick().catch((error: unknown) => {
      ctx.log.warn('calendar reminder tick failed', { error: loggable(error) });
      ctx.clock.after(CHECK_EVERY_MS, next);
    });
  };
  ctx.clock.after(CHECK_EVERY_MS, next);
}
