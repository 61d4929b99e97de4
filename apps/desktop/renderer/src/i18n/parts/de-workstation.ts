// German strings of the workstation part; merged into de.ts (the source of truth for keys).
export const deWorkstation = {
  'workstation.rules.title': 'So schützt Klinikfunk diesen Arbeitsplatz',
  'workstation.rules.idle':
    'Ohne Eingabe sperrt sich Klinikfunk nach {minutes} Minuten. Mit Strg+L sperren Sie sofort.',
  'workstation.rules.idleSeconds':
    'Ohne Eingabe sperrt sich Klinikfunk nach {seconds} Sekunden. Mit Strg+L sperren Sie sofort.',
  'workstation.rules.attempts': 'Nach {count} falschen PINs werden Sie abgemeldet und brauchen Ihre Passphrase.',
  'workstation.rules.hours': 'Spätestens nach {hours} Stunden fragt Klinikfunk wieder nach Ihrer Passphrase.',
  'workstation.copy': 'Kopieren',
  'workstation.copyLabel': 'Text der Nachricht von {sender} kopieren',
  'workstation.copied': 'Text kopiert. Klinikfunk leert die Zwischenablage nach {seconds} Sekunden und beim Sperren.',
  'workstation.copiedLockOnly': 'Text kopiert. Klinikfunk leert die Zwischenablage beim Sperren.',
  'workstation.copyFailed': 'Der Text konnte nicht kopiert werden. Bitte versuchen Sie es noch einmal.',
} as const;
