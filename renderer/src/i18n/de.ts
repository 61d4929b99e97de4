// German is the default and the source of truth for keys; en.ts must provide the same keys.
export const de = {
  'app.name': 'Klinikfunk',
  'app.tagline': 'Sicherer Messenger für Klinik, Pflege und Praxis',
  'app.loading': 'Klinikfunk wird gestartet …',
  'app.noBridge':
    'Die Verbindung zur Anwendung fehlt. Bitte starten Sie Klinikfunk neu. Hilft das nicht, wenden Sie sich an Ihre IT.',
  'nav.skipToContent': 'Zum Inhalt springen',
  'lang.label': 'Sprache',
  'lang.de': 'Deutsch',
  'lang.en': 'English',
  'welcome.title': 'Willkommen bei Klinikfunk',
  'welcome.body':
    'Nachrichten, Dateien und Termine Ihres Teams – Ende-zu-Ende-verschlüsselt und auf dem Server Ihrer Einrichtung.',
  'welcome.noProfile': 'Auf diesem Arbeitsplatz ist noch kein Profil eingerichtet.',
  'session.state.no_profiles': 'Kein Profil eingerichtet',
  'session.state.signed_out': 'Abgemeldet',
  'session.state.unlocked': 'Angemeldet',
  'session.state.locked': 'Gesperrt',
  'about.title': 'Über diese Installation',
  'about.version': 'Version',
  'about.build': 'Build',
  'about.platform': 'Plattform',
  'about.runtime': 'Laufzeit',
  'about.session': 'Sitzung',
  'about.managed': 'Von Ihrer Organisation verwaltet',
  'about.managedNone': 'Keine Einstellungen werden zentral verwaltet.',
  'about.runtimeHarness': 'Browser-Vorschau (ohne Electron)',
  'error.invalid_input': 'Die Eingabe ist unvollständig oder fehlerhaft. Bitte prüfen Sie Ihre Angaben.',
  'error.unknown_method': 'Diese Funktion ist in dieser Version nicht verfügbar. Bitte aktualisieren Sie Klinikfunk.',
  'error.forbidden_sender': 'Diese Anfrage wurde aus Sicherheitsgründen abgelehnt. Bitte starten Sie Klinikfunk neu.',
  'error.locked': 'Klinikfunk ist gesperrt. Bitte entsperren Sie mit Ihrer PIN.',
  'error.not_found': 'Der Eintrag wurde nicht gefunden. Vielleicht wurde er gelöscht.',
  'error.unavailable': 'Diese Funktion ist auf diesem Arbeitsplatz abgeschaltet. Fragen Sie Ihre IT.',
  'error.not_permitted':
    'Dafür fehlt Ihnen die Berechtigung. Fragen Sie eine Administratorin oder einen Administrator.',
  'error.internal':
    'Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es erneut; bleibt der Fehler, melden Sie ihn Ihrer IT.',
} as const;

export type MessageKey = keyof typeof de;
