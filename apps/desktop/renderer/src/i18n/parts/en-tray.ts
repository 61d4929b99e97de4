// English strings of the attach tray; merged into en.ts (keys as in de-tray.ts).
export const enTray = {
  'tray.title': 'Attachments before sending',
  'tray.pastedImage': 'Pasted image.png',
  'tray.thumbnail': 'Preview of {name}',
  'tray.redacted': 'areas redacted',
  'tray.notRedacted': 'not redacted',
  'tray.redact': 'Redact areas',
  'tray.redactMore': 'Redact more areas',
  'tray.applyRedaction': 'Apply redaction',
  'tray.remove': 'Remove',
  'tray.removeLabel': 'Remove {name} from the attachments',
  'tray.caption': 'Caption (sent encrypted with the files)',
  'tray.captionPlaceholder': 'Add a caption …',
  'tray.discard': 'Discard',
  'tray.send': 'Send ({count})',
  'tray.sendUnredacted': 'Send without redaction',
  'tray.unreadable':
    '{name} was not sent: the image cannot be opened here, so hidden details in it (such as where it was taken) cannot be removed. Please save it again as JPEG or PNG and attach it again.',
} as const;
