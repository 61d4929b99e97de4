// Members added to or removed from a channel, as quiet timeline lines. They change the signed
// roster, not the channel log, so each line is the difference between two consecutive roster
// versions this device verified (the directory keeps every accepted record, in chain order), signed
// by a channel admin's device (or by the member who left). Every device holds the same chain, so
// every device derives the same lines; where a line stands comes from the relay's times
// (repository.ts `placeAfter`), which every device has alike too.

export interface RosterVersion {
  epoch: number;
  kind: 'channel' | 'conversation' | 'direct';
  members: ReadonlyArray<{ userId: string; role: string }>;
  /** The signer's time in the signed record: the line's time, and where it is placed. */
  issuedAt: number;
  /** The user whose device signed it; null for an organisation-signed roster. */
  signerUserId: string | null;
}

export interface MemberChange {
  epoch: number;
  issuedAt: number;
  actorUserId: string;
  added: string[];
  removed: string[];
  /** The signer removed only itself. */
  left: boolean;
  kind: RosterVersion['kind'];
  /** Whether the viewer was in the channel before or after this change. */
  viewerIn: boolean;
}

/**
 * The member changes of a roster chain, oldest first: none for the first version (the channel's
 * creation names its members) nor for one that changes only roles, and none for a direct chat (its
 * two people never change) or an organisation-signed roster (the organisation-wide channel follows
 * the directory by itself, a line per new colleague would bury its messages).
 */
export function memberChanges(rosters: readonly RosterVersion[], viewerUserId: string): MemberChange[] {
  const changes: MemberChange[] = [];
  for (let i = 1; i < rosters.length; i++) {
    const before = rosters[i - 1]!;
    const after = rosters[i]!;
    if (after.kind === 'direct' || after.signerUserId === null || after.epoch !== before.epoch + 1) continue;
    const was = new Set(before.members.map((m) => m.userId));
    const is = new Set(after.members.map((m) => m.userId));
    const added = [...is].filter((u) => !was.has(u));
    const removed = [...was].filter((u) => !is.has(u));
    if (added.length === 0 && removed.length === 0) continue;
    changes.push({
      epoch: after.epoch,
      issuedAt: after.issuedAt,
      actorUserId: after.signerUserId,
      added,
      removed,
      left: added.length === 0 && removed.length === 1 && removed[0] === after.signerUserId,
      kind: after.kind,
      viewerIn: was.has(viewerUserId) || is.has(viewerUserId),
    });
  }
  return changes;
}
