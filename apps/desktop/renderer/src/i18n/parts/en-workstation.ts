// English strings of the workstation part; must cover every key of de-workstation.ts.
import type { deWorkstation } from './de-workstation.ts';

export const enWorkstation: Record<keyof typeof deWorkstation, string> = {
  'workstation.rules.title': 'How Klinikfunk protects this workstation',
  'workstation.rules.idle': 'Without input Klinikfunk locks after {minutes} minutes. Press Ctrl+L to lock at once.',
  'workstation.rules.idleSeconds':
    'Without input Klinikfunk locks after {seconds} seconds. Press Ctrl+L to lock at once.',
  'workstation.rules.attempts': 'After {count} wrong PINs you are signed out and need your passphrase.',
  'workstation.rules.hours': 'At the latest after {hours} hours Klinikfunk asks for your passphrase again.',
  'workstation.copy': 'Copy',
  'workstation.copyLabel': 'Copy the text of the message from {sender}',
  'workstation.copied': 'Text copied. Klinikfunk clears the clipboard after {seconds} seconds and on lock.',
  'workstation.copiedLockOnly': 'Text copied. Klinikfunk clears the clipboard on lock.',
  'workstation.copyFailed': 'The text could not be copied. Please try again.',
} as const;
