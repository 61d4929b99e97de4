// The sentence for an urgent message that also went to a cover (availability): "Dr. Alt ist nicht
// erreichbar – an Dr. Berg (Vertretung) weitergeleitet", with the role when the cover was one; or
// that nobody could be reached.
import type { CoverForward } from '@klinikfunk/protocol/api/contract.ts';
import { t } from '../i18n/i18n.svelte.ts';

export function coverForwardText(forward: CoverForward): string {
  // Only the sender's own answer names nobody (a line always names who got it): say what to do.
  if (forward.coverNames.length === 0) return t('availability.notForwarded', { absent: forward.absentName });
  const covers = forward.coverNames.join(', ');
  return forward.coverRoleName === null
    ? t('availability.forwarded', { absent: forward.absentName, covers })
    : t('availability.forwardedRole', { absent: forward.absentName, covers, role: forward.coverRoleName });
}
