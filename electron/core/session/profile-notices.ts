// What a profile's tile on the sign-in and lock screens must say after the relay refused that
// profile's device for good (the device was revoked, or its user deactivated). It belongs to that
// one profile: the other people on a shared ward PC keep working and are told nothing about them.
// Kept in one small file beside the profile folders (no content, only the reason and its time),
// so it survives the sign-out and a restart; a profile that comes online again clears it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { replaceFileDurably } from './durable-file.ts';

export const profileNoticeReason = z.enum(['revoked', 'deactivated']);
export type ProfileNoticeReason = z.output<typeof profileNoticeReason>;

const noticeSchema = z.strictObject({ reason: profileNoticeReason, at: z.number().int().nonnegative() });
const fileSchema = z.record(z.string().regex(/^[0-9a-f-]{36}$/), noticeSchema);
export type ProfileNotice = z.output<typeof noticeSchema>;

const FILE = 'profile-notices.json';

export class ProfileNotices {
  readonly #path: string;
  #notices: Record<string, ProfileNotice> = {};
  #loaded: Promise<void> | null = null;
  #writes: Promise<void> = Promise.resolve();
  readonly #onProblem: (message: string) => void;

  constructor(dataDir: string, onProblem: (message: string) => void = () => {}) {
    this.#path = join(dataDir, FILE);
    this.#onProblem = onProblem;
  }

  /** Reads the file once; a missing or damaged file means no notices (logged, never fatal). */
  load(): Promise<void> {
    this.#loaded ??= (async () => {
      let text: string;
      try {
        text = await readFile(this.#path, 'utf8');
      } catch {
        return;
      }
      try {
        const parsed = fileSchema.safeParse(JSON.parse(text));
        if (parsed.success) this.#notices = parsed.data;
        else this.#onProblem(`${FILE} ignored: ${parsed.error.message}`);
      } catch {
        this.#onProblem(`${FILE} ignored: not JSON`);
      }
    })();
    return this.#loaded;
  }

  get(profileId: string): ProfileNotice | null {
    return this.#notices[profileId] ?? null;
  }

  async set(profileId: string, notice: ProfileNotice): Promise<void> {
    await this.load();
    this.#notices = { ...this.#notices, [profileId]: notice };
    await this.#save();
  }

  async clear(profileId: string): Promise<void> {
    await this.load();
    if (!(profileId in this.#notices)) return;
    const { [profileId]: _gone, ...rest } = this.#notices;
    this.#notices = rest;
    await this.#save();
  }

  /**
   * Serial writes, each durable and atomic (durable-file.ts). A failed write is reported to its
   * caller only: the next one starts afresh (with the whole current state) instead of inheriting
   * the rejection, which would leave every later notice unwritten until a restart.
   */
  #save(): Promise<void> {
    const text = JSON.stringify(this.#notices);
    const write = this.#writes.catch(() => undefined).then(() => replaceFileDurably(this.#path, text));
    this.#writes = write;
    return write;
  }
}
