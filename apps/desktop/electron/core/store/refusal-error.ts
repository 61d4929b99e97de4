// The rule table's refusals (authorise.ts) as the error a caller gets when it asks this device to
// send what every client would refuse: the handlers' early check (features/kit/channel-access.ts) and
// the engine's own (MessagingClient.send) answer alike.
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { AuthorityRefusal } from './authorise.ts';

const REFUSED: Record<AuthorityRefusal, string> = {
  not_channel_admin: 'Only channel admins change this.',
  not_org_admin: 'Only organisation admins change the organisation-wide channel.',
  not_author: 'Only its author changes this.',
  unknown_target: 'Not found.',
  acknowledged_urgent: 'An acknowledged urgent message cannot be edited; delete it and send a new one.',
};

/** `not_found` for a target this store does not hold, `not_permitted` with the reason otherwise. */
export function refusalError(refusal: AuthorityRefusal): AppError {
  return new AppError(refusal === 'unknown_target' ? 'not_found' : 'not_permitted', REFUSED[refusal]);
}
