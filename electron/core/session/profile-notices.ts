// What a profile's tile on the sign-in and lock screens must say after the relay refused that
// profile's device for good (the device was revoked, or its user deactivated). It belongs to that
// one profile: the other people on a shared ward PC keep working and are told nothing about them.
// Kept in one small file beside the profile folders (no content, only the reason and its time),
// so it survives the sign-out and a restart; a profile that comes online again clears it.
import { z } from 'zod';
import { ProfileSideFile } from './profile-side-file.ts';

export const profileNoticeReason = z.enum(['revoked', 'deactivated']);
export type ProfileNoticeReason = z.output<typeof profileNoticeReason>;

const noticeSchema = z.strictObject({ reason: profileNoticeReason, at: z.number().int().nonnegative() });
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
