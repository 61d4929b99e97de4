// German strings of the attach tray; merged into de.ts (the source of truth for keys).
export const deTray = {
  'tray.title': 'Anhänge vor dem Senden',
  'tray.pastedImage': 'Eingefügtes Bild.png',
  'tray.thumbnail': 'Vorschau von {name}',
  'tray.redacted': 'Bereiche geschwärzt',
  'tray.notRedacted': 'nicht geschwärzt',
  'tray.redact': 'Bereiche schwärzen',
  'tray.redactMore': 'Weitere Bereiche schwärzen',
  'tray.applyRedaction': 'Schwärzung übernehmen',
  'tray.remove': 'Entfernen',
  'tray.removeLabel': '{name} aus den Anhängen entfernen',
  'tray.caption': 'Beschriftung (wird verschlüsselt mitgesendet)',
  'tray.captionPlaceholder': 'Beschriftung hinzufügen …',
  'tray.discard': 'Verwerfen',
  'tray.send': 'Senden ({count})',
  'tray.sendUnredacted': 'Ohne Schwärzung senden',
  'tray.unreadable':
    '{name} wurde nicht gesendet: Das Bild lässt sich hier nicht öffnen, daher können versteckte Angaben darin (etwa der Aufnahmeort) nicht entfernt werden. Bitte als JPEG oder PNG neu speichern und wieder anhängen.',
} as const;
