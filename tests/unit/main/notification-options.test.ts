// The escalation's own sound (main/notification-options.ts): only an escalation notification gets
// it, on Windows in the toast's XML (with the title and text escaped), on macOS as a named sound;
// an ordinary urgent message keeps the system's sound.
import { describe, expect, it } from 'vitest';
import {
  MAC_ESCALATION_SOUND,
  notificationOptions,
  WINDOWS_ESCALATION_SOUND,
} from '../../../apps/desktop/electron/main/notification-options.ts';

const escalated = {
  title: 'Eskaliert von Dienstarzt <Innere> – nicht bestätigt seit 10 Min.',
  body: 'Bitte öffnen & bestätigen',
  urgent: true,
  sound: 'escalation' as const,
};

describe('notification options', () => {
  it('give an escalation the alarm sound on Windows, with title and text escaped in the toast', () => {
    const options = notificationOptions(escalated, 'win32');
    expect(options.toastXml).toContain(`<audio src="${WINDOWS_ESCALATION_SOUND}"`);
    expect(options.toastXml).toContain('Dienstarzt &lt;Innere&gt;');
    expect(options.toastXml).toContain('öffnen &amp; bestätigen');
    expect(options.urgency).toBe('critical');
  });

  it('give it a named sound on macOS and the critical urgency elsewhere', () => {
    expect(notificationOptions(escalated, 'darwin').sound).toBe(MAC_ESCALATION_SOUND);
    const linux = notificationOptions(escalated, 'linux');
    expect(linux).toMatchObject({ urgency: 'critical', silent: false });
    expect(linux.toastXml).toBeUndefined();
  });

  it('leave an urgent message without the escalation sound as it was', () => {
    const options = notificationOptions({ title: 'Dringende Nachricht von Anna', urgent: true }, 'win32');
    expect(options.toastXml).toBeUndefined();
    expect(options.sound).toBeUndefined();
    expect(options).toMatchObject({ title: 'Dringende Nachricht von Anna', body: '', urgency: 'critical' });
  });
});
