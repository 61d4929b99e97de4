// German strings of the channel timeline's shared things; merged into de.ts (the source of truth for keys).
export const deTimeline = {
  'timeline.file.shared': 'hat eine Datei geteilt',
  'timeline.poll.shared': 'hat eine Umfrage gestartet',
  'timeline.calendar.shared': 'hat einen Termin eingetragen',
  'timeline.file.open': '{name} öffnen ({type}, {size})',
  'timeline.file.imageAlt': 'Vorschaubild von {name}',
  'timeline.poll.loading': 'Umfrage wird geladen …',
  'timeline.calendar.cancelled': 'Abgesagt',
  'timeline.calendar.recurring': 'Wiederholt sich',
  'timeline.calendar.yourAnswer': 'Ihre Antwort zu „{title}“',
  'timeline.calendar.answered': 'Antwort gespeichert: {answer}',
  'timeline.change.renamed': '{sender} hat den Kanal in „{name}“ umbenannt.',
  'timeline.change.retention': '{sender} hat die Aufbewahrung auf {days} Tage gesetzt.',
  'timeline.change.retentionOrg':
    '{sender} hat die eigene Aufbewahrungsfrist des Kanals aufgehoben: es gilt die Regel der Organisation.',
  'timeline.loadOlder': 'Ältere Einträge laden',
  'timeline.loadingOlder': 'Ältere Einträge werden geladen …',
  'timeline.sending': 'Wird gesendet …',
  'timeline.actions': 'Aktionen zu „{title}“ von {sender}',
  'timeline.replyExcerpt.file': 'Datei: {name}',
  'timeline.replyExcerpt.poll': 'Umfrage: {question}',
  'timeline.replyExcerpt.calendar': 'Termin: {title}',
} as const;
