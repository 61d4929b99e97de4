// German strings for what the app tells people about its state: a profile blocked by the
// administration (on its own tile), an outage that lasts, late delivery, and the admin's view of
// deactivated users' devices.
export const deStatus = {
  'profileNotice.revoked.title': 'Gerät gesperrt',
  'profileNotice.revoked.text':
    'Ihre Administration hat den Zugang von {name} an diesem Arbeitsplatz gesperrt ({time}). Andere Profile hier sind nicht betroffen. Bitte wenden Sie sich an Ihre Administration, wenn das ein Irrtum ist.',
  'profileNotice.deactivated.title': 'Benutzer deaktiviert',
  'profileNotice.deactivated.text':
    'Ihre Administration hat {name} deaktiviert ({time}). Andere Profile hier sind nicht betroffen. Bitte wenden Sie sich an Ihre Administration, wenn das ein Irrtum ist.',
  'profileNotice.relay_moved.title': 'Serveradresse geändert',
  'profileNotice.relay_moved.text':
    'Die Serveradresse wurde von Ihrer IT auf {url} geändert ({time}). Klinikfunk hat geprüft, dass der Server zu Ihrer Organisation gehört, und verbindet sich jetzt dorthin. Sie müssen nichts tun.',
  'profileNotice.relay_move_refused.title': 'Neue Serveradresse abgelehnt',
  'profileNotice.relay_move_refused.text':
    'Ihre IT hat die Serveradresse auf {url} geändert ({time}), aber der Server dort hat sich nicht als Server Ihrer Organisation ausgewiesen (er gehört zu einer anderen Organisation oder kennt diesen Arbeitsplatz nicht). Klinikfunk bleibt deshalb beim bisherigen Server. Bitte geben Sie diese Meldung an Ihre IT weiter.',
  'profileNotice.relay_move_blocked.title': 'Neue Serveradresse nicht erreichbar',
  'profileNotice.relay_move_blocked.text':
    'Ihre IT hat die Serveradresse auf {url} geändert ({time}), aber dieser Arbeitsplatz kann den Server dort nicht sicher erreichen: Seinem Zertifikat wird hier nicht vertraut, oder der Proxy lässt die Verbindung nicht zu oder ist nicht erreichbar. Klinikfunk bleibt deshalb beim bisherigen Server und versucht es bei der nächsten Anmeldung erneut. Bitte geben Sie diese Meldung an Ihre IT weiter.',
  'profileNotice.lockSummary': 'Nicht mehr nutzbar an diesem Arbeitsplatz:',

  'outage.title': 'Keine Verbindung zum Server seit {time}',
  'outage.kept':
    'Sie sehen die gespeicherten Nachrichten. Was Sie schreiben, bleibt auf diesem Rechner und wird automatisch gesendet, sobald die Verbindung wieder steht.',
  'outage.pending.one': '1 Nachricht wartet auf Versand.',
  'outage.pending.other': '{count} Nachrichten warten auf Versand.',
  'outage.urgent.one': '1 dringende Nachricht ist noch nicht zugestellt.',
  'outage.urgent.other': '{count} dringende Nachrichten sind noch nicht zugestellt.',
  'outage.whatToDo': 'Dauert das an, melden Sie es bitte der IT. Dringendes bitte zusätzlich telefonisch weitergeben.',

  'delivery.urgentPending': 'Dringend – noch nicht zugestellt',
  'delivery.urgentPendingHint':
    'Wird automatisch gesendet, sobald die Verbindung steht. Bitte Dringendes telefonisch weitergeben.',
  'message.writtenDelivered': 'geschrieben {written} · zugestellt {delivered}',

  'orgAdmin.devices.userInactive': 'Benutzer deaktiviert',
} as const;
