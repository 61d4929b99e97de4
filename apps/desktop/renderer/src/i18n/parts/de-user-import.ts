// German strings of the CSV user import and the bulk registration letters; merged into de.ts.
export const deUserImport = {
  'orgAdmin.tab.import': 'CSV-Import',
  'import.title': 'Personen aus einer CSV-Datei übernehmen',
  'import.help':
    'Für Kliniken ohne Verzeichnisdienst: Speichern Sie die Personalliste aus Excel oder dem Personalsystem als CSV-Datei mit den Spalten Personalnummer, Name, Abteilung und Rolle (Rolle leer bedeutet Mitglied). Klinikfunk zeigt zuerst eine Vorschau; erst „Importieren“ ändert etwas. Personen werden an der Personalnummer wiedererkannt: Dieselbe Datei noch einmal zu importieren legt niemanden doppelt an, geänderte Namen und Abteilungen werden übernommen.',
  'import.file': 'CSV-Datei',
  'import.fileHelp': 'Trennzeichen Semikolon oder Komma; Zeichensatz UTF-8 oder Windows (ANSI), wie Excel speichert.',
  'import.reading': 'Die Datei wird geprüft …',
  'import.summary': '{create} neu, {update} geändert, {unchanged} unverändert, {error} mit Fehlern',
  'import.fileInfo': 'Gelesen als {encoding}, Trennzeichen „{separator}“.',
  'import.hasErrors':
    '{count} Zeilen haben Fehler. Es wird nichts importiert, solange eine Zeile fehlerhaft ist. Korrigieren Sie die markierten Zeilen in der Datei, speichern Sie sie und wählen Sie sie hier erneut.',
  'import.nothingToDo': 'Alle Personen der Datei sind schon so eingetragen. Es gibt nichts zu importieren.',
  'import.previewTitle': 'Vorschau',
  'import.col.line': 'Zeile',
  'import.col.personnelNumber': 'Personalnummer',
  'import.col.name': 'Name',
  'import.col.ward': 'Abteilung',
  'import.col.role': 'Rolle',
  'import.col.result': 'Ergebnis',
  'import.role.admin': 'Admin',
  'import.role.member': 'Mitglied',
  'import.action.create': 'Wird neu angelegt',
  'import.action.update': 'Wird geändert: {changes}',
  'import.action.unchanged': 'Unverändert',
  'import.action.error': 'Fehler',
  'import.change.displayName': 'Name',
  'import.change.ward': 'Abteilung',
  'import.change.role': 'Rolle',
  'import.change.active': 'wird wieder aktiviert',
  'import.submit': '{count} Personen importieren',
  'import.confirmTitle': 'Personen importieren?',
  'import.confirmText':
    '{create} Personen werden neu angelegt und {update} geändert. Die Änderungen gelten sofort in der ganzen Organisation.',
  'import.confirm': 'Importieren',
  'import.done': 'Importiert: {created} neu, {updated} geändert, {unchanged} unverändert.',
  'import.another': 'Andere Datei wählen',
  'import.lettersTitle': 'Registrierungsbriefe für die neuen Personen',
  'import.lettersHelp':
    'Klinikfunk erstellt für jede Person einen neuen Registrierungsschlüssel und speichert alle Briefe als eine PDF-Datei, eine Seite pro Person. Die Schlüssel stehen nur in dieser Datei.',
  'import.lettersAll': 'Auch für Personen, die schon eingetragen waren ({count})',
  'import.lettersSave': 'Briefe für {count} Personen als PDF speichern …',
  'import.lettersNone': 'Keine neuen Personen: Briefe für eingetragene Personen erstellen Sie über das Kästchen oben.',
  'import.lettersSaved':
    'Die Datei „{file}“ mit {count} Briefen wurde gespeichert. Sie enthält geheime Einmal-Schlüssel: Drucken Sie sie gleich aus und löschen Sie die Datei danach (auch aus dem Papierkorb).',
  'import.lettersCancelled': 'Es wurde nichts gespeichert und kein Schlüssel erstellt.',
  'import.file.empty':
    'Die Datei enthält keine Personen. Wählen Sie die exportierte Liste mit Kopfzeile und mindestens einer Person.',
  'import.file.no_header':
    'Die erste Zeile ist keine Kopfzeile. Sie braucht die Spalten „Personalnummer“ und „Name“, dazu „Abteilung“ und „Rolle“, wenn vorhanden.',
  'import.file.missing_column':
    'Die Spalte „{column}“ fehlt in der Kopfzeile. Ergänzen Sie sie in der Datei und wählen Sie die Datei erneut.',
  'import.file.too_many_rows': 'Die Datei hat mehr als 5000 Personen. Teilen Sie sie auf mehrere Dateien auf.',
  'import.file.unclosed_quote':
    'Ab Zeile {line} fehlt ein schließendes Anführungszeichen. Prüfen Sie diese Zeile in der Datei.',
  'import.column.personnelNumber': 'Personalnummer',
  'import.column.displayName': 'Name',
  'import.problem.personnelNumber.missing': 'Personalnummer fehlt: Tragen Sie sie ein.',
  'import.problem.personnelNumber.too_long': 'Personalnummer ist zu lang: höchstens 64 Zeichen.',
  'import.problem.personnelNumber.invalid_chars':
    'Personalnummer enthält Leer- oder Sonderzeichen: Erlaubt sind Buchstaben, Ziffern und . / _ -.',
  'import.problem.personnelNumber.duplicate':
    'Personalnummer steht schon in Zeile {line}: Jede Person darf nur einmal vorkommen.',
  'import.problem.displayName.missing': 'Name fehlt: Tragen Sie den Namen ein.',
  'import.problem.displayName.too_long': 'Name ist zu lang: höchstens 200 Zeichen.',
  'import.problem.ward.too_long': 'Abteilung ist zu lang: höchstens 200 Zeichen.',
  'import.problem.ward.outside_scope':
    'Diese Abteilung gehört nicht zu Ihrer Bereichsverwaltung: Lassen Sie die Zeile weg oder geben Sie sie der Administration.',
  'import.problem.role.unknown_role':
    'Rolle unbekannt: Schreiben Sie „Mitglied“ oder „Admin“ oder lassen Sie das Feld leer (Mitglied).',
  'import.problem.role.admin_not_allowed':
    'Admins legt nur die Administration an: Ändern Sie die Rolle auf „Mitglied“.',
  'import.problem.row.too_many_fields':
    'Die Zeile hat mehr Felder als die Kopfzeile: Prüfen Sie Trennzeichen und Anführungszeichen.',
  'import.problem.row.outside_scope':
    'Diese Person gehört nicht zu Ihrer Bereichsverwaltung und kann hier nicht geändert werden.',
};
