// size: the German message catalogue, one key per line; features with many strings have their own file in parts/.
// German is the default and the source of truth for keys; en.ts must provide the same keys.
// Error sentences tell clinical staff what to do next, not what went wrong inside.
import { deCollab } from './parts/de-collab.ts';
import { deOrgAdmin } from './parts/de-org-admin.ts';
import { deWorkstation } from './parts/de-workstation.ts';
import { dePins } from './parts/de-pins.ts';
import { deTimeline } from './parts/de-timeline.ts';
import { deRoles } from './parts/de-roles.ts';
import { deAlerts } from './parts/de-alerts.ts';
import { deReactions } from './parts/de-reactions.ts';
import { deAvailability } from './parts/de-availability.ts';
import { deTray } from './parts/de-tray.ts';
import { deStatus } from './parts/de-status.ts';
import { deUserImport } from './parts/de-user-import.ts';
import { deDelegation } from './parts/de-delegation.ts';

export const de = {
  ...deCollab,
  ...deOrgAdmin,
  ...deWorkstation,
  ...dePins,
  ...deTimeline,
  ...deRoles,
  ...deAlerts,
  ...deReactions,
  ...deAvailability,
  ...deTray,
  ...deStatus,
  ...deUserImport,
  ...deDelegation,
  'app.name': 'Klinikfunk',
  'app.tagline': 'Sicherer Messenger für Klinik, Pflege und Praxis',
  'app.loading': 'Klinikfunk wird gestartet …',
  'app.noBridge':
    'Die Verbindung zur Anwendung fehlt. Bitte starten Sie Klinikfunk neu. Hilft das nicht, wenden Sie sich an Ihre IT.',
  'nav.skipToContent': 'Zum Inhalt springen',
  'lang.label': 'Sprache',
  'lang.de': 'Deutsch',
  'lang.en': 'English',
  'theme.label': 'Darstellung',
  'theme.auto': 'Automatisch',
  'theme.light': 'Hell',
  'theme.contrast': 'Hoher Kontrast',
  'dialog.close': 'Schließen',
  'dialog.cancel': 'Abbrechen',
  'dialog.understood': 'Verstanden',
  'key.ctrl': 'Strg',
  'key.shift': 'Umschalt',
  'about.version': 'Version',
  'support.export': 'Supportpaket exportieren',
  'support.busy': 'Supportpaket wird erstellt …',
  'support.saved':
    'Supportpaket gespeichert: {file}. Geben Sie die Datei der IT; sie enthält keine Nachrichten und keine Namen.',
  'support.failed': 'Das Supportpaket konnte dort nicht gespeichert werden. Bitte wählen Sie einen anderen Ordner.',

  'welcome.title': 'Willkommen bei Klinikfunk',
  'welcome.body':
    'Nachrichten, Dateien und Termine Ihres Teams – Ende-zu-Ende-verschlüsselt und auf dem Server Ihrer Einrichtung.',
  'welcome.noProfile': 'Auf diesem Arbeitsplatz ist noch kein Profil eingerichtet.',
  'risk.title': 'Gemeinsam genutzte Geräte',
  'risk.body':
    'Auf gemeinsam genutzten und öffentlich zugänglichen Geräten können andere Ihre Nachrichten sehen. Sperren Sie Klinikfunk mit Strg+L oder der Schaltfläche „Sperren“, bevor Sie den Platz verlassen, und geben Sie Ihre PIN und Passphrase niemandem weiter.',
  'firstRun.addTitle': 'Weiteres Profil einrichten',
  'firstRun.backToSignIn': 'Zurück zur Anmeldung',
  'firstRun.choose': 'Wie möchten Sie beginnen?',
  'firstRun.create': 'Organisation anlegen',
  'firstRun.createText': 'Für die erste Administratorin oder den ersten Administrator Ihrer Einrichtung.',
  'firstRun.join': 'Mit Registrierungsschlüssel beitreten',
  'firstRun.otherOrgText': 'Nur für die IT einer weiteren Einrichtung:',
  'firstRun.otherOrg': 'neue Organisation anlegen',
  'firstRun.backToJoin': 'Zurück: mit Registrierungsschlüssel beitreten',
  'firstRun.joinText': 'Sie haben einen Registrierungsbrief von Ihrer Administration erhalten.',
  'firstRun.chooseJoin': 'Wie möchten Sie beitreten?',
  'firstRun.joinAccount': 'Mit Klinik-Konto anmelden',
  'firstRun.joinAccountText':
    'Mit Ihrem Anmeldenamen und Passwort aus dem Klinik-Netz, wenn Ihre IT das eingerichtet hat.',
  'joinDirectory.title': 'Mit Klinik-Konto anmelden',
  'joinDirectory.intro':
    'Melden Sie sich mit dem Namen und Passwort an, mit dem Sie sich auch am Klinik-Computer anmelden. Danach wählen Sie eine Passphrase für Klinikfunk. Ihr Passwort wird nur an den Verzeichnisdienst Ihrer Klinik übermittelt, verschlüsselt, und nicht gespeichert.',
  'joinDirectory.account': 'Anmeldename',
  'joinDirectory.accountHelp': 'Zum Beispiel „mmuster“, wie bei der Anmeldung am Klinik-Computer.',
  'joinDirectory.accountMissing': 'Bitte geben Sie Ihren Anmeldenamen ein.',
  'joinDirectory.password': 'Passwort des Klinik-Kontos',
  'joinDirectory.passwordMissing': 'Bitte geben Sie das Passwort Ihres Klinik-Kontos ein.',
  'joinDirectory.submit': 'Anmelden und Gerät einrichten',
  'joinDirectory.busy': 'Konto wird geprüft …',
  'joinDirectory.refused.wrong_credentials':
    'Die Anmeldung ist nicht gelungen: Anmeldename oder Passwort stimmen nicht, oder das Konto ist gesperrt. Bitte prüfen Sie Ihre Eingabe (Feststelltaste?). Wenn Sie sich auch am Klinik-Computer nicht anmelden können, wenden Sie sich an die IT.',
  'joinDirectory.refused.account_disabled': 'Ihr Klinik-Konto ist deaktiviert. Bitte wenden Sie sich an die IT.',
  'joinDirectory.refused.not_in_group':
    'Ihr Klinik-Konto ist für Klinikfunk nicht freigeschaltet. Bitte wenden Sie sich an die IT oder nutzen Sie einen Registrierungsbrief.',
  'joinDirectory.refused.rate_limited':
    'Zu viele Versuche. Bitte versuchen Sie es frühestens in {minutes} Min. erneut.',
  'joinDirectory.refused.not_enabled':
    'Ihre Einrichtung hat die Anmeldung mit dem Klinik-Konto nicht eingeschaltet. Bitte treten Sie mit dem Registrierungsschlüssel aus Ihrem Brief bei.',
  'joinDirectory.refused.agent_offline':
    'Der Verzeichnisdienst Ihrer Klinik antwortet gerade nicht. Bitte versuchen Sie es in einigen Minuten erneut oder treten Sie mit dem Registrierungsbrief bei.',
  'joinDirectory.refused.bad_request':
    'Die Anmeldung wurde nicht angenommen. Bitte prüfen Sie die Uhrzeit dieses Computers und versuchen Sie es erneut; bleibt es dabei, wenden Sie sich an die IT.',

  'privacy.link': 'Datenschutz',
  'privacy.footerLink': 'Datenschutzhinweise',
  'privacy.teaser': 'was wo gespeichert wird und wer was lesen kann.',
  'privacy.title': 'Datenschutzhinweise',
  'privacy.intro':
    'Klinikfunk ist so gebaut, dass nur die Mitglieder eines Kanals dessen Nachrichten lesen können – auch nicht der Server und nicht die IT.',
  'privacy.where.title': 'Was wird wo gespeichert?',
  'privacy.where.pcTitle': 'Auf diesem Arbeitsplatz:',
  'privacy.where.pc':
    'Ihre Nachrichten, Dateien und Schlüssel liegen verschlüsselt in Ihrem eigenen Profil. Geöffnet wird es nur mit Ihrer Passphrase; andere Profile auf demselben PC können es nicht lesen.',
  'privacy.where.relayTitle': 'Auf dem Server Ihrer Einrichtung:',
  'privacy.where.relay':
    'Der Server verteilt nur verschlüsselte Nachrichten (Chiffretext). Er sieht, welches Gerät wann an welchen Kanal sendet, aber weder Inhalte noch Kanal- oder Dateinamen.',
  'privacy.where.printTitle': 'Registrierungsbriefe:',
  'privacy.where.print':
    'Ein Registrierungsschlüssel wird einmal angezeigt und nicht gespeichert. Bewahren Sie den Brief sicher auf und vernichten Sie ihn nach der Einrichtung.',
  'privacy.who.title': 'Wer kann was lesen?',
  'privacy.who.members': 'Nachrichten eines Kanals lesen nur seine Mitglieder auf ihren eigenen Geräten.',
  'privacy.who.history':
    'Neue Mitglieder sehen ältere Nachrichten nur, wenn das beim Anlegen des Kanals so eingestellt wurde.',
  'privacy.who.admins':
    'Administratorinnen und Administratoren verwalten Benutzer, Geräte und Mitgliedschaften. Kanäle, in denen sie nicht Mitglied sind, können sie nicht lesen.',
  'privacy.who.it': 'Die IT betreibt den Server, kann aber keine Inhalte entschlüsseln.',
  'privacy.who.profiles': 'Jede Person hat ihr eigenes Profil; kein Profil kann die Daten eines anderen lesen.',
  'privacy.shared.title': 'Gemeinsam genutzte Arbeitsplätze',
  'privacy.shared.lock':
    'Klinikfunk sperrt sich nach einer Zeit ohne Eingabe, bei gesperrtem Windows und mit Strg+L. Gesperrt zeigt der Bildschirm keine Inhalte.',
  'privacy.shared.notifications': 'Benachrichtigungen zeigen standardmäßig nur den Absender, keinen Text.',
  'privacy.shared.clipboard': 'Kopierter Nachrichtentext wird nach kurzer Zeit aus der Zwischenablage entfernt.',
  'privacy.delete.title': 'Löschen',
  'privacy.delete.body':
    'Eigene Nachrichten können Sie für alle löschen; es bleibt nur der Hinweis „Diese Nachricht wurde gelöscht“. Wie lange Nachrichten aufbewahrt werden, legt Ihre Einrichtung fest.',

  'passphrase.label': 'Passphrase',
  'passphrase.confirm': 'Passphrase wiederholen',
  'passphrase.help':
    'Mindestens {min} Zeichen. Am sichersten sind mehrere Wörter, die nur Sie kennen, z. B. „Kaffee Regen Fahrrad Leuchtturm“.',
  'passphrase.strength': 'Stärke',
  'passphrase.strength.none': 'noch keine Eingabe',
  'passphrase.strength.0': 'sehr schwach',
  'passphrase.strength.1': 'schwach',
  'passphrase.strength.2': 'mittel',
  'passphrase.strength.3': 'gut',
  'passphrase.strength.4': 'sehr gut',
  'passphrase.tooShort': 'Die Passphrase ist zu kurz. Bitte verwenden Sie mindestens {min} Zeichen.',
  'passphrase.tooWeak': 'Die Passphrase ist zu leicht zu erraten. Verlängern Sie sie, z. B. um ein weiteres Wort.',
  'passphrase.mismatch': 'Die beiden Eingaben stimmen nicht überein. Bitte tippen Sie die Passphrase erneut.',
  'passphrase.capsLock': 'Die Feststelltaste ist aktiv.',

  'relay.label': 'Serveradresse',
  'relay.help': 'Steht in Ihrem Registrierungsbrief, z. B. wss://klinikfunk.klinik.example',
  'relay.helpCreate':
    'Die Adresse des Klinikfunk-Servers, den Ihre IT eingerichtet hat, z. B. wss://klinikfunk.klinik.example',
  'relay.fromProfiles':
    'Dieselbe Adresse wie bei den anderen Profilen auf diesem Arbeitsplatz. Ändern Sie sie nur, wenn Ihr Registrierungsbrief eine andere nennt.',
  'relay.offer': 'Adressen der anderen Profile auf diesem Arbeitsplatz:',
  'relay.managed': 'Von Ihrer Organisation verwaltet',
  'relay.invalid':
    'Die Serveradresse beginnt mit wss:// (z. B. wss://klinikfunk.klinik.example). Bitte prüfen Sie die Eingabe.',

  'create.title': 'Organisation anlegen',
  'create.intro':
    'Sie werden die erste Administratorin bzw. der erste Administrator. Dieser Arbeitsplatz erhält den Organisationsschlüssel.',
  'create.orgName': 'Name der Einrichtung',
  'create.orgNameMissing': 'Bitte geben Sie den Namen Ihrer Einrichtung ein.',
  'create.displayName': 'Ihr Name',
  'create.displayNameHelp': 'So sehen Sie die anderen im Verzeichnis, z. B. „Dr. Anna Meier“.',
  'create.displayNameMissing': 'Bitte geben Sie Ihren Namen ein (mindestens 2 Zeichen).',
  'create.setupCode': 'Einrichtungscode des Servers',
  'create.setupCodeHelp':
    'Ihre IT findet den einmaligen Code in der Datei „bootstrap-code“ im Datenordner des Servers.',
  'create.setupCodeInvalid': 'Der Einrichtungscode ist zu kurz. Bitte übernehmen Sie ihn vollständig.',
  'create.submit': 'Organisation anlegen',
  'create.busy': 'Organisation wird angelegt …',

  'join.title': 'Mit Registrierungsschlüssel beitreten',
  'join.intro':
    'Geben Sie den Schlüssel aus Ihrem Registrierungsbrief ein und wählen Sie eine Passphrase für Ihr Profil.',
  'join.key': 'Registrierungsschlüssel',
  'join.keyHelp': '8 Blöcke zu je 4 Zeichen. Groß- und Kleinschreibung und Bindestriche sind egal.',
  'join.keyMissing': 'Bitte geben Sie den Registrierungsschlüssel aus Ihrem Brief ein.',
  'join.keyOk': 'Der Schlüssel ist vollständig und ohne Tippfehler.',
  'join.keyProblem.wrong_length':
    'Der Schlüssel ist nicht vollständig: Er hat 32 Zeichen in 8 Blöcken. Bitte vergleichen Sie ihn mit Ihrem Brief.',
  'join.keyProblem.invalid_character':
    'Der Schlüssel enthält ein Zeichen, das darin nicht vorkommt (z. B. „U“ oder ein Sonderzeichen). Bitte vergleichen Sie ihn mit Ihrem Brief.',
  'join.keyProblem.checksum':
    'Im Schlüssel steckt ein Tippfehler. Bitte vergleichen Sie ihn Block für Block mit Ihrem Brief.',
  'join.submit': 'Beitreten',
  'join.busy': 'Gerät wird registriert …',

  'signIn.title': 'Anmelden',
  'signIn.chooseProfile': 'Profil auswählen',
  'signIn.profileMissing': 'Bitte wählen Sie Ihr Profil aus.',
  'signIn.alreadySignedIn': 'angemeldet, gesperrt',
  'signIn.submit': 'Anmelden',
  'signIn.busy': 'Profil wird geöffnet …',
  'signIn.offlineHint':
    'Ist der Server nicht erreichbar, öffnet Klinikfunk Ihre gespeicherten Nachrichten; Neues wird gesendet, sobald die Verbindung wieder steht.',
  'signIn.backToLock': 'Zurück zum Sperrbildschirm',
  'signIn.addProfile': 'Weiteres Profil auf diesem Arbeitsplatz einrichten',
  'signIn.reason.too_many_pins':
    'Nach zu vielen falschen PINs wurden Sie abgemeldet. Bitte melden Sie sich mit Ihrer Passphrase neu an.',
  'signIn.reason.session_expired':
    'Aus Sicherheitsgründen ist Ihre Passphrase wieder nötig. Bitte melden Sie sich neu an.',
  'signIn.reason.admin': 'Ihre Administration hat Sie abgemeldet. Bitte melden Sie sich neu an.',
  'signIn.reason.revoked':
    'Dieses Gerät wurde von Ihrer Administration gesperrt. Wenden Sie sich an Ihre Administration, wenn das ein Irrtum ist.',
  'signIn.reason.wiped': 'Die Daten dieses Profils wurden auf Anweisung Ihrer Administration gelöscht.',
  'signIn.reason.relay_refused':
    'Der Server hat die Anmeldung dieses Geräts abgelehnt, die Verbindung wurde getrennt. Bitte melden Sie sich neu an; geschieht das wieder, rufen Sie die IT an.',
  'signIn.reason.user': 'Sie haben sich abgemeldet.',
  'signIn.reason.app_exit': 'Klinikfunk wurde beendet.',

  'lock.title': 'Klinikfunk ist gesperrt',
  'lock.intro': 'Zum Entsperren wählen Sie Ihr Profil und geben Ihre PIN ein.',
  'lock.profiles': 'Angemeldete Profile',
  'lock.pinFor': 'PIN für {name}',
  'lock.unlock': 'Entsperren',
  'lock.wrongPin': 'Die PIN ist falsch.',
  'lock.attemptsLeft.one': 'Noch 1 Versuch, danach ist die Passphrase nötig.',
  'lock.attemptsLeft.other': 'Noch {count} Versuche.',
  'lock.tooSoon': 'Bitte warten Sie kurz, bevor Sie es erneut versuchen.',
  'lock.wait.one': 'Nächster Versuch in 1 Sekunde.',
  'lock.wait.other': 'Nächster Versuch in {count} Sekunden.',
  'lock.signedOut':
    'Nach zu vielen falschen PINs wurde {name} abgemeldet. Bitte mit der Passphrase neu anmelden („Anderes Profil anmelden“).',
  'lock.otherProfile': 'Anderes Profil anmelden',

  'pin.title': 'PIN festlegen',
  'pin.intro': 'Mit der PIN entsperren Sie Klinikfunk an diesem Arbeitsplatz, wenn der Bildschirm gesperrt ist.',
  'pin.rules': 'Mindestens {min} Ziffern. Einfache Folgen wie 123456 oder 000000 sind nicht erlaubt.',
  'pin.new': 'Neue PIN',
  'pin.confirm': 'PIN wiederholen',
  'pin.submit': 'PIN speichern',
  'pin.mismatch': 'Die beiden PINs stimmen nicht überein.',
  'pin.problem.not_digits': 'Die PIN darf nur aus Ziffern bestehen.',
  'pin.problem.too_short': 'Die PIN ist zu kurz: mindestens {min} Ziffern.',
  'pin.problem.too_long': 'Die PIN darf höchstens 12 Ziffern haben.',
  'pin.problem.trivial': 'Diese PIN ist zu leicht zu erraten. Bitte wählen Sie eine andere Ziffernfolge.',

  'user.lock': 'Sperren',
  'user.lockHint': 'Bildschirm sperren (Strg+L)',
  'user.signOut': 'Abmelden',

  'connection.online': 'Online',
  'connection.syncing': 'Synchronisiere …',
  'connection.connecting': 'Verbinde …',
  'connection.offline': 'Offline',
  'connection.unknown': 'Verbindung wird geprüft …',
  'connection.retryIn': 'neuer Versuch in {seconds} s',
  'connection.channels.one': '1 Kanal',
  'connection.channels.other': '{count} Kanäle',
  'connection.pending.one': '1 wartet auf Versand',
  'connection.pending.other': '{count} warten auf Versand',
  'connection.relayVersionBanner':
    'Keine Verbindung: Der Server und dieses Klinikfunk passen nicht zusammen (verschiedene Versionen). Bitte melden Sie das der IT. Sie sehen die gespeicherten Nachrichten; was Sie schreiben, wird gesendet, sobald die IT das Update eingespielt hat.',
  'connection.networkProblemRetrying':
    'Klinikfunk versucht es weiter. Sie sehen die gespeicherten Nachrichten; was Sie schreiben, wird gesendet, sobald die Verbindung steht.',
  'connection.offlineBanner':
    'Keine Verbindung zum Server. Sie sehen die gespeicherten Nachrichten; was Sie schreiben, wird gesendet, sobald die Verbindung wieder steht.',

  'sidebar.label': 'Kanäle und Unterhaltungen',
  'sidebar.channels': 'Kanäle',
  'sidebar.conversations': 'Unterhaltungen',
  'sidebar.directs': 'Direktnachrichten',
  'sidebar.newChannel': 'Neuer Kanal',
  'sidebar.empty.channel': 'Noch keine Kanäle.',
  'sidebar.empty.conversation': 'Noch keine Unterhaltungen.',
  'sidebar.empty.direct': 'Noch keine Direktnachrichten.',
  'sidebar.unread.one': '1 ungelesene Nachricht',
  'sidebar.unread.other': '{count} ungelesene Nachrichten',
  'sidebar.mentions.one': '1 Erwähnung',
  'sidebar.mentions.other': '{count} Erwähnungen',
  'sidebar.orgWideShort': 'Alle',
  'sidebar.browse': 'Kanäle durchsuchen',
  'sidebar.orgWide': 'für alle in der Organisation',
  'browse.title': 'Kanäle durchsuchen',
  'browse.intro':
    'Hier stehen Kanäle, die ihre Verwaltung auffindbar gemacht hat. Mit „Beitreten“ fragen Sie an; ein Gerät der Kanalverwaltung nimmt Sie automatisch auf, sobald es online ist.',
  'browse.filter': 'Nach Name oder Thema filtern',
  'browse.results': 'Auffindbare Kanäle',
  'browse.empty': 'Zurzeit gibt es keine auffindbaren Kanäle, in denen Sie noch nicht Mitglied sind.',
  'browse.noMatch': 'Kein Kanal passt zu „{text}“. Bitte prüfen Sie die Schreibweise.',
  'browse.members.one': '1 Mitglied',
  'browse.members.other': '{count} Mitglieder',
  'browse.historyOn': 'Sie sehen auch ältere Nachrichten',
  'browse.historyOff': 'Sie sehen Nachrichten ab Ihrem Beitritt',
  'browse.join': 'Beitreten',
  'browse.joinLabel': '{channel} beitreten',
  'browse.requested': 'Beitritt angefragt',
  'browse.requestedHint':
    'Sie werden aufgenommen, sobald ein Gerät der Kanalverwaltung online ist. Sie können dieses Fenster schließen.',
  'browse.joined': 'Beigetreten',
  'browse.open': 'Öffnen',
  'browse.openLabel': '{channel} öffnen',
  'browse.error.not_found': 'Dieser Kanal ist nicht mehr im Verzeichnis. Fragen Sie bei Bedarf die Kanalverwaltung.',
  'browse.error.unavailable':
    'Das Kanalverzeichnis ist auf diesem Gerät noch nicht bereit. Bitte versuchen Sie es in einigen Minuten erneut.',

  'main.noChannels': 'Noch keine Kanäle',
  'main.noChannelsHint': 'Legen Sie einen Kanal für Ihre Station an oder warten Sie, bis Sie hinzugefügt werden.',
  'main.chooseChannel': 'Kein Kanal geöffnet',
  'main.chooseChannelHint': 'Wählen Sie links einen Kanal oder eine Unterhaltung.',
  'main.goneLeft': 'Sie haben {channel} verlassen.',
  'main.goneRemoved': '{channel} ist nicht mehr verfügbar: Sie wurden entfernt oder der Kanal wurde aufgelöst.',
  'main.goneHint': 'Wählen Sie links, wohin Sie schreiben möchten.',

  'channel.members': 'Mitglieder',
  'channel.searchHere': 'In diesem Kanal suchen',

  'messages.label': 'Nachrichten in {channel}',
  'messages.loading': 'Nachrichten werden geladen …',
  'messages.loadingOlder': 'Ältere Nachrichten werden geladen …',
  'messages.loadingNewer': 'Neuere Nachrichten werden geladen …',
  'messages.empty': 'Noch keine Nachrichten. Schreiben Sie die erste!',
  'messages.start': 'Anfang von {channel}',
  'messages.historyStart': 'Ältere Nachrichten wurden nach der Aufbewahrungsfrist gelöscht.',
  'messages.newBelow': 'Neue Nachrichten ↓',
  'messages.toNewest': 'Zu den neuesten Nachrichten ↓',
  'day.today': 'Heute',
  'day.yesterday': 'Gestern',
  'live.newMessage': 'Neue Nachricht von {sender} in {channel}',

  'message.edited': 'bearbeitet',
  'message.deleted': 'Diese Nachricht wurde gelöscht',
  'message.urgent': 'Dringend',
  'message.urgentPleaseAck': 'Dringend – bitte bestätigen',
  'message.replyTo': 'Antwort auf:',
  'message.replyToDeleted': 'Antwort auf eine gelöschte Nachricht',
  'message.actions': 'Aktionen zur Nachricht von {sender}',
  'message.reply': 'Antworten',
  'message.edit': 'Bearbeiten',
  'message.delete': 'Löschen',
  'message.deleteTitle': 'Nachricht für alle löschen?',
  'message.deleteText':
    'Die Nachricht wird bei allen Mitgliedern gelöscht. Es bleibt nur der Hinweis, dass sie gelöscht wurde.',
  'message.deleteConfirm': 'Für alle löschen',
  'message.editLabel': 'Nachricht bearbeiten',
  'message.editHint': 'Enter speichert, Esc bricht ab',
  'message.save': 'Speichern',

  'receipts.summary': 'Gelesen von {read} von {total}',
  'receipts.title': 'Lesebestätigungen',
  'receipts.read': 'Gelesen',
  'receipts.unread': 'Noch nicht gelesen',
  'receipts.delivered': 'Zugestellt',
  'receipts.directRead': 'Gelesen',
  'ack.confirm': 'Bestätigen',
  'ack.mine': 'Von Ihnen bestätigt',
  'ack.summary': '{acked} von {total} bestätigt',
  'ack.title': 'Bestätigungen',
  'ack.acked': 'Bestätigt',
  'ack.pending': 'Noch nicht bestätigt',
  'ack.none': 'Noch niemand.',
  'ack.allDone': 'Alle haben bestätigt.',

  'delivery.sending': 'Wird gesendet …',
  'delivery.sent': 'Gesendet',
  'delivery.failed': 'Fehlgeschlagen',
  'delivery.retry': 'Erneut senden',
  'delivery.refused.not_member':
    'Nicht zugestellt: Sie sind nicht mehr Mitglied dieser Unterhaltung. Der Text bleibt hier. Sobald Sie wieder aufgenommen sind, können Sie ihn erneut senden.',
  'delivery.refused.too_large':
    'Nicht zugestellt: Die Nachricht ist zu groß für den Server. Bitte kopieren Sie den Text, kürzen Sie ihn und senden Sie ihn als neue Nachricht.',
  'delivery.refused.refused':
    'Nicht zugestellt: Der Server hat die Nachricht abgelehnt. Bitte melden Sie das Ihrer IT; der Text bleibt hier erhalten.',

  'composer.label': 'Nachricht an {channel}',
  'composer.send': 'Senden',
  'composer.urgent': 'Dringend (Bestätigung anfordern)',
  'composer.hint': 'Enter sendet · Umschalt+Enter neue Zeile · @ erwähnt',
  'composer.replyTo': 'Antwort an {name}:',
  'composer.cancelReply': 'Antwort abbrechen',
  'composer.mentionList': 'Person erwähnen',

  'picker.filter': 'Personen suchen (Name oder Station)',
  'picker.none': 'Niemand gefunden.',
  'picker.selected.one': '1 Person ausgewählt',
  'picker.selected.other': '{count} Personen ausgewählt',

  'newChannel.title': 'Neuer Kanal',
  'newChannel.kind': 'Art',
  'newChannel.kind.channel': 'Kanal',
  'newChannel.kind.conversation': 'Unterhaltung',
  'newChannel.kind.direct': 'Direktnachricht',
  'newChannel.kindHelp.channel': 'Für eine Station oder ein Thema',
  'newChannel.kindHelp.conversation': 'Private Gruppe',
  'newChannel.kindHelp.direct': 'Mit einer Person',
  'newChannel.name': 'Name',
  'newChannel.nameMissing': 'Bitte geben Sie einen Namen ein.',
  'newChannel.topic': 'Thema (optional)',
  'newChannel.members': 'Mitglieder aus dem Verzeichnis',
  'newChannel.directWith': 'Direktnachricht an',
  'newChannel.directMissing': 'Bitte wählen Sie die Person aus, der Sie schreiben möchten.',
  'newChannel.history': 'Neue Mitglieder dürfen ältere Nachrichten lesen',
  'newChannel.historyHelp': 'Ohne Häkchen sehen später hinzugefügte Mitglieder nur Nachrichten ab ihrem Beitritt.',
  'newChannel.discoverable': 'Im Kanalverzeichnis auffindbar: alle in der Organisation können beitreten',
  'newChannel.discoverableHelp':
    'Name und Thema sehen alle in Ihrer Organisation, Nachrichten nur die Mitglieder. Der Server sieht weder Name noch Inhalt.',
  'newChannel.submit': 'Anlegen',

  'members.title': 'Mitglieder von {channel}',
  'members.name': 'Name',
  'members.ward': 'Station',
  'members.role': 'Rolle',
  'members.you': 'Sie',
  'members.historyOn': 'Neue Mitglieder können ältere Nachrichten lesen.',
  'members.historyOff': 'Neue Mitglieder sehen nur Nachrichten ab ihrem Beitritt.',
  'members.edit': 'Mitglieder ändern',
  'members.choose': 'Mitglieder',
  'members.save': 'Mitglieder speichern',
  'members.epochHint': 'Entfernte Mitglieder können neue Nachrichten nicht mehr lesen.',
  'members.leave': 'Kanal verlassen',
  'members.leaveTitle': 'Kanal verlassen?',
  'members.leaveText': 'Sie verlassen {channel} und erhalten keine neuen Nachrichten mehr daraus.',
  'members.leaveConfirm': 'Verlassen',
  'role.admin': 'Administration',
  'role.member': 'Mitglied',

  'search.open': 'Suchen …',
  'search.title': 'Suche',
  'search.label': 'Suchbegriff',
  'search.placeholder': 'Suchbegriff eingeben …',
  'search.onlyHere': 'Nur in {channel}',
  'search.onlyHereNone': 'Nur im geöffneten Kanal (keiner geöffnet)',
  'search.busy': 'Suche läuft …',
  'search.count.one': '1 Treffer',
  'search.count.other': '{count} Treffer',
  'search.none': 'Keine Treffer. Versuchen Sie einen anderen Begriff oder suchen Sie in allen Kanälen.',
  'search.results': 'Suchergebnisse',
  'search.file': 'Datei',
  'search.poll': 'Umfrage',
  'search.calendar': 'Termin',

  'switcher.open': 'Kanal wechseln',
  'switcher.title': 'Kanal wechseln',
  'switcher.label': 'Kanalname',
  'switcher.placeholder': 'Kanalname eingeben …',
  'switcher.results': 'Kanäle',
  'switcher.none': 'Kein Kanal gefunden.',
  'switcher.hint': '↑ ↓ wählen, Enter öffnet, Esc schließt.',

  'shortcuts.title': 'Tastenkürzel',
  'shortcuts.keys': 'Tasten',
  'shortcuts.action': 'Aktion',
  'shortcuts.quickSwitch': 'Kanal wechseln',
  'shortcuts.search': 'Suchen',
  'shortcuts.lock': 'Bildschirm sperren',
  'shortcuts.help': 'Diese Übersicht öffnen',
  'shortcuts.escape': 'Dialog, Bearbeitung oder Auswahl schließen',
  'shortcuts.send': 'Nachricht senden',
  'shortcuts.newline': 'Neue Zeile in der Nachricht',
  'shortcuts.mention': 'Person erwähnen (mit ↑ ↓ und Enter oder Tab auswählen)',
  'shortcuts.lists': 'In Listen und Suchergebnissen bewegen',
  'shortcuts.editLast': 'Im leeren Eingabefeld: eigene letzte Nachricht bearbeiten',

  'admin.open': 'Verwaltung',
  'admin.title': 'Verwaltung',
  'admin.close': 'Verwaltung schließen',
  'admin.addUser': 'Benutzer hinzufügen',
  'admin.userName': 'Name',
  'admin.nameMissing': 'Bitte geben Sie den Namen ein (mindestens 2 Zeichen).',
  'admin.role': 'Rolle',
  'admin.ward': 'Station oder Bereich (optional)',
  'admin.wardHelp': 'Erscheint im Verzeichnis neben dem Namen, z. B. „Station 3“ oder „Notaufnahme“.',
  'admin.addSubmit': 'Hinzufügen und Schlüssel erstellen',
  'admin.users': 'Verzeichnis',
  'admin.usersHelp': 'Für jede Person können Sie einen neuen Registrierungsschlüssel erstellen (14 Tage gültig).',
  'admin.actions': 'Aktionen',
  'admin.createKey': 'Registrierungsschlüssel erstellen',
  'admin.createKeyFor': 'Registrierungsschlüssel erstellen für {name}',

  'letter.once':
    'Der Schlüssel wird nur jetzt angezeigt und nicht gespeichert. Drucken Sie den Brief, bevor Sie diese Ansicht schließen.',
  'letter.print': 'Drucken',
  'letter.done': 'Fertig – Schlüssel ausblenden',
  'letter.title': 'Ihr Zugang zu Klinikfunk',
  'letter.greeting': 'Guten Tag {name},',
  'letter.intro':
    'mit diesem Brief richten Sie Klinikfunk an Ihrem Arbeitsplatz ein. Der Registrierungsschlüssel gilt einmal und nur für Sie.',
  'letter.name': 'Name',
  'letter.organisation': 'Organisation',
  'letter.relay': 'Serveradresse',
  'letter.key': 'Registrierungsschlüssel',
  'letter.expires': 'Gültig bis',
  'letter.stepsTitle': 'So geht es',
  'letter.step1': 'Starten Sie Klinikfunk und wählen Sie „Mit Registrierungsschlüssel beitreten“.',
  'letter.step2': 'Geben Sie den Schlüssel und, falls nicht schon eingetragen, die Serveradresse ein.',
  'letter.step3': 'Wählen Sie eine Passphrase und danach eine PIN für die Bildschirmsperre.',
  'letter.security':
    'Geben Sie diesen Brief nicht weiter. Vernichten Sie ihn nach der Einrichtung. Ist der Schlüssel abgelaufen, erstellt Ihre Administration einen neuen.',

  'error.invalid_input': 'Die Eingabe ist unvollständig oder fehlerhaft. Bitte prüfen Sie Ihre Angaben.',
  'error.unknown_method': 'Diese Funktion ist in dieser Version nicht verfügbar. Bitte aktualisieren Sie Klinikfunk.',
  'error.forbidden_sender': 'Diese Anfrage wurde aus Sicherheitsgründen abgelehnt. Bitte starten Sie Klinikfunk neu.',
  'error.locked': 'Klinikfunk ist gesperrt. Bitte entsperren Sie mit Ihrer PIN.',
  'error.not_found': 'Der Eintrag wurde nicht gefunden. Vielleicht wurde er gelöscht.',
  'error.unavailable': 'Diese Funktion ist auf diesem Arbeitsplatz abgeschaltet. Fragen Sie Ihre IT.',
  'error.wrong_passphrase':
    'Die Passphrase ist nicht richtig. Bitte achten Sie auf Groß- und Kleinschreibung und die Feststelltaste.',
  'error.too_many_attempts':
    'Die Passphrase wurde mehrmals falsch eingegeben. Zum Schutz Ihrer Daten ist die Anmeldung kurz gesperrt: Bitte warten Sie einige Minuten (höchstens fünf) und versuchen Sie es dann erneut.',
  'error.secure_store_unavailable':
    'Dieses Profil ist an ein anderes Windows-Benutzerkonto oder einen anderen Rechner gebunden und lässt sich hier nicht öffnen. Melden Sie sich unter dem Windows-Konto an, unter dem das Profil eingerichtet wurde, oder wenden Sie sich an Ihre IT.',
  'error.relay_untrusted':
    'Der Server wurde abgelehnt: Sein Zertifikat stammt von einer Zertifizierungsstelle, der dieser Rechner nicht vertraut. Bitte melden Sie das der IT: Die Zertifizierungsstelle der Klinik gehört in den Zertifikatsspeicher von Windows oder in die Richtlinie „RelayCaCertificates“.',
  'error.proxy_refused':
    'Der Proxy-Server Ihrer Einrichtung lässt die Verbindung zum Klinikfunk-Server nicht zu. Bitte melden Sie das der IT: Der Proxy muss Verbindungen (CONNECT) zur Adresse und zum Port des Servers erlauben.',
  'error.proxy_auth':
    'Der Proxy-Server verlangt eine Anmeldung, die Klinikfunk nicht hat oder die er ablehnt. Bitte melden Sie das der IT: Die Zugangsdaten in der Richtlinie „ProxyServer“ müssen stimmen.',
  'error.proxy_unreachable':
    'Der Proxy-Server ist nicht erreichbar. Bitte melden Sie das der IT: Die Adresse in der Richtlinie „ProxyServer“ oder die Proxy-Einstellung von Windows muss stimmen.',
  'error.quota_exceeded':
    'Der Server nimmt von diesem Arbeitsplatz keine weiteren Dateien an: Der Speicherplatz für Dateien ist aufgebraucht. Bitte melden Sie das der IT.',
  'error.relay_unreachable':
    'Der Server Ihrer Einrichtung ist nicht erreichbar. Prüfen Sie die Netzwerkverbindung und versuchen Sie es gleich noch einmal; hilft das nicht, wenden Sie sich an Ihre IT.',
  'error.orgCreate.relay_unreachable':
    'Der Server ist nicht erreichbar. Prüfen Sie die Serveradresse und die Netzwerkverbindung; hilft das nicht, wenden Sie sich an Ihre IT.',
  'error.orgJoin.relay_unreachable':
    'Der Server ist nicht erreichbar. Prüfen Sie die Serveradresse aus Ihrem Brief und die Netzwerkverbindung; hilft das nicht, wenden Sie sich an Ihre IT.',
  'error.admin.relay_unreachable':
    'Der Server ist gerade nicht erreichbar. Bitte versuchen Sie es erneut, sobald die Verbindung steht (oben: „Online“).',
  'error.not_permitted':
    'Dafür fehlt Ihnen die Berechtigung. Fragen Sie eine Administratorin oder einen Administrator.',
  'error.internal':
    'Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es erneut; bleibt der Fehler, melden Sie ihn Ihrer IT.',
  'error.signIn.not_permitted':
    'Die Passphrase ist nicht richtig. Bitte achten Sie auf Groß- und Kleinschreibung und die Feststelltaste.',
  'error.signIn.not_found': 'Dieses Profil gibt es auf diesem Arbeitsplatz nicht mehr. Bitte wählen Sie ein anderes.',
  'error.orgCreate.unavailable':
    'Der Server ist nicht erreichbar oder bereits eingerichtet. Prüfen Sie Serveradresse und Einrichtungscode; hilft das nicht, wenden Sie sich an Ihre IT.',
  'error.orgCreate.not_permitted':
    'Der Einrichtungscode passt nicht zu diesem Server. Bitte fragen Sie Ihre IT nach dem aktuellen Code.',
  'error.orgCreate.invalid_input':
    'Bitte prüfen Sie Ihre Angaben: Name, Serveradresse, Einrichtungscode und Passphrase.',
  'error.orgJoin.invalid_input':
    'Im Registrierungsschlüssel steckt ein Tippfehler. Bitte vergleichen Sie ihn Block für Block mit Ihrem Brief.',
  'error.orgJoin.not_found':
    'Dieser Registrierungsschlüssel ist unbekannt, bereits benutzt oder abgelaufen. Bitten Sie Ihre Administration um einen neuen.',
  'error.orgJoin.unavailable':
    'Der Server ist nicht erreichbar. Prüfen Sie die Serveradresse und die Netzwerkverbindung; hilft das nicht, wenden Sie sich an Ihre IT.',
  'error.setPin.invalid_input': 'Diese PIN ist zu kurz oder zu leicht zu erraten. Bitte wählen Sie eine andere.',
  'error.unlock.not_found': 'Dieses Profil ist nicht mehr angemeldet. Bitte melden Sie sich mit Ihrer Passphrase an.',
  'error.unlock.invalid_input': 'Die PIN besteht nur aus Ziffern. Bitte prüfen Sie Ihre Eingabe.',
  'error.send.tooLong':
    'Die Nachricht ist {length} Zeichen lang, erlaubt sind höchstens {max}. Bitte kürzen Sie sie oder teilen Sie den Text als Datei.',
  'error.send.invalid_input': 'Die Nachricht ist leer oder zu lang (höchstens 20.000 Zeichen).',
  'error.send.not_permitted': 'Sie sind nicht mehr Mitglied dieses Kanals und können hier nicht schreiben.',
  'error.edit.not_permitted':
    'Sie können nur Ihre eigenen Nachrichten bearbeiten, und eine dringende Nachricht nicht mehr, sobald jemand sie bestätigt hat. Löschen Sie sie dann und senden Sie eine neue.',
  'error.delete.not_permitted': 'Sie können nur Ihre eigenen Nachrichten löschen.',
  'error.ack.not_permitted': 'Diese Nachricht können Sie nicht bestätigen.',
  'error.retry.unavailable':
    'Der Server ist gerade nicht erreichbar. Die Nachricht wird gesendet, sobald die Verbindung steht.',
  'error.channelCreate.invalid_input': 'Bitte prüfen Sie Name und Mitglieder des Kanals.',
  'error.channelCreate.unavailable':
    'Das Kanalverzeichnis ist auf diesem Gerät noch nicht bereit. Legen Sie den Kanal ohne „auffindbar“ an oder versuchen Sie es in einigen Minuten erneut.',
  'error.channelCreate.not_permitted':
    'Von diesem Arbeitsplatz wurden heute schon so viele Kanäle angelegt, wie Ihre Einrichtung erlaubt. Legen Sie den Kanal morgen an oder wenden Sie sich an Ihre IT.',
  'error.channelCreate.not_found':
    'Mindestens eine ausgewählte Person ist in Ihrer Organisation nicht (mehr) bekannt. Bitte öffnen Sie den Dialog neu und wählen Sie die Mitglieder erneut aus.',
  'error.channelMembers.not_found':
    'Mindestens eine ausgewählte Person ist in Ihrer Organisation nicht (mehr) bekannt. Bitte öffnen Sie die Mitgliederliste neu und wählen Sie erneut aus.',
  'error.icsImport.invalid_input':
    'Die Datei ist leer oder keine Kalenderdatei (.ics). Bitte exportieren Sie den Termin erneut aus Ihrem Kalenderprogramm und wählen Sie diese Datei.',
  'error.channelMembers.not_permitted':
    'Nur Administratorinnen und Administratoren dieses Kanals können Mitglieder ändern.',
  'error.channelLeave.not_permitted':
    'Den Kanal für die ganze Organisation kann niemand verlassen: Alle Mitarbeitenden gehören dazu.',
  'error.search.invalid_input': 'Bitte geben Sie einen Suchbegriff mit höchstens 200 Zeichen ein.',
  'error.admin.not_permitted':
    'Nur Administrationsgeräte mit dem Organisationsschlüssel können Benutzer anlegen und Schlüssel erstellen.',
  'error.admin.unavailable':
    'Der Server ist nicht erreichbar. Bitte versuchen Sie es erneut, sobald die Verbindung steht.',
} as const;

export type MessageKey = keyof typeof de;
