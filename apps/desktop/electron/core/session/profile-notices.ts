// What a profile's tile on the sign-in and lock screens must say after the relay refused that
// profile's device for good (the device was revoked, or its user deactivated), or after IT moved
// the relay (policy RelayUrl): the profile followed (`relay_moved`), or refused because the new
// relay is not its organisation's (`relay_move_refused`), or did not move because this
// workstation's network does not let it reach the new relay (certificate, proxy:
// `relay_move_blocked`); `url` is the new address. It belongs to
// that one profile: the other people on a shared ward PC keep working and are told nothing about
// them. Kept in one small file beside the profile folders (no content, only the reason, its time
// and the relay address), so it survives the sign-out and a restart; a profile that comes online
// again clears a refusal, and its next sign-in clears a relay notice.
import { z } from 'zod';
import { relayUrl } from '@klinikfunk/protocol/api/features/session.ts';
import { ProfileSideFile } from './profile-side-file.ts';

export const profileNoticeReason = z.enum([
  'revoked',
  'deactivated',
  'relay_moved',
  'relay_move_refused',
  'relay_move_blocked',
]);
export type ProfileNoticeReason = z.output<typeof profileNoticeReason>;
/** Notices about the relay's address, not a refusal of the device. */
export const isRelayNotice = (reason: ProfileNoticeReason) =>
  reason === 'relay_moved' || reason === 'relay_move_refused' || reason === 'relay_move_blocked';

const noticeSchema = z.strictObject({
  reason: profileNoticeReason,
  at: z.number().int().nonnegative(),
  url: relayUrl.optional(),
});
export type ProfileNotice = z.output<typeof noticeSchema>;

export class ProfileNotices {
  readonly #file: ProfileSideFile<ProfileNotice>;

  constructor(dataDir: string, onProblem: (message: string) => void = () => {}) {
    this.#file = new ProfileSideFile(dataDir, 'profile-notices.json', noticeSchema, onProblem);
  }

  /** Reads the file once; a missing or damaged file means no notices (logged, never fatal). */
  load(): Promise<void> {
    return this.#file.load();
  }

  get(profileId: string): ProfileNotice | null {
    return this.#file.get(profileId);
  }

  set(profileId: string, notice: ProfileNotice): Promise<void> {
    return this.#file.set(profileId, notice);
  }

  clear(profileId: string): Promise<void> {
    return this.#file.delete(profileId);
  }
}
