// What Electron's Notification is made with for a core notification request. An escalation (an
// urgent message alerted again, or forwarded to this user's role) gets a sound of its own, so
// staff can tell it from any other message without looking: on Windows the toast's alarm sound
// (a toast's sound is set in its XML only), on macOS a named system sound; elsewhere the system's
// critical urgency is all there is.
import type { NotificationConstructorOptions } from 'electron';
import type { NotificationRequest } from '../core/platform/platform.ts';

/** Windows' looping alarm sound, played once; not used by ordinary messages. */
export const WINDOWS_ESCALATION_SOUND = 'ms-winsoundevent:Notification.Looping.Alarm2';
export const MAC_ESCALATION_SOUND = 'Sosumi';

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function notificationOptions(request: NotificationRequest, os: NodeJS.Platform): NotificationConstructorOptions {
  const options: NotificationConstructorOptions = {
    title: request.title,
    body: request.body ?? '',
    silent: false,
    urgency: request.urgent ? 'critical' : 'normal',
  };
  if (request.sound !== 'escalation') return options;
  if (os === 'darwin') return { ...options, sound: MAC_ESCALATION_SOUND };
  if (os !== 'win32') return options;
  return {
    ...options,
    toastXml: `<toast scenario="urgent"><visual><binding template="ToastGeneric"><text>${xml(request.title)}</text><text>${xml(
      request.body ?? '',
    )}</text></binding></visual><audio src="${WINDOWS_ESCALATION_SOUND}" loop="false"/></toast>`,
  };
}
