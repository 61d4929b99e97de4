// English strings of the status part; must cover every key of de-status.ts.
import type { deStatus } from './de-status.ts';

export const enStatus: Record<keyof typeof deStatus, string> = {
  'profileNotice.revoked.title': 'Device blocked',
  'profileNotice.revoked.text':
    "Your administration blocked {name}'s access on this workstation ({time}). Other profiles here are not affected. Please contact your administration if this is a mistake.",
  'profileNotice.deactivated.title': 'User deactivated',
  'profileNotice.deactivated.text':
    'Your administration deactivated {name} ({time}). Other profiles here are not affected. Please contact your administration if this is a mistake.',
  'profileNotice.relay_moved.title': 'Server address changed',
  'profileNotice.relay_moved.text':
    'Your IT changed the server address to {url} ({time}). Klinikfunk checked that the server belongs to your organisation and now connects there. You need not do anything.',
  'profileNotice.relay_move_refused.title': 'New server address refused',
  'profileNotice.relay_move_refused.text':
    'Your IT changed the server address to {url} ({time}), but the server there did not prove that it belongs to your organisation (it belongs to another organisation or does not know this workstation). Klinikfunk therefore stays with the previous server. Please pass this message on to your IT.',
  'profileNotice.relay_move_blocked.title': 'New server address not reachable',
  'profileNotice.relay_move_blocked.text':
    'Your IT changed the server address to {url} ({time}), but this workstation cannot reach the server there securely: its certificate is not trusted here, or the proxy does not allow the connection or cannot be reached. Klinikfunk therefore stays with the previous server and tries again at the next sign-in. Please pass this message on to your IT.',
  'profileNotice.lockSummary': 'No longer usable on this workstation:',

  'outage.title': 'No connection to the server since {time}',
  'outage.kept':
    'You see the stored messages. What you write stays on this computer and is sent automatically once the connection is back.',
  'outage.pending.one': '1 message is waiting to be sent.',
  'outage.pending.other': '{count} messages are waiting to be sent.',
  'outage.urgent.one': '1 urgent message has not been delivered yet.',
  'outage.urgent.other': '{count} urgent messages have not been delivered yet.',
  'outage.whatToDo': 'If this goes on, please tell IT. Please also pass on anything urgent by phone.',

  'delivery.urgentPending': 'Urgent – not delivered yet',
  'delivery.urgentPendingHint':
    'Sent automatically once the connection is back. Please pass on anything urgent by phone.',
  'message.writtenDelivered': 'written {written} · delivered {delivered}',

  'orgAdmin.devices.userInactive': 'User deactivated',
};
