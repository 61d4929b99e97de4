// The relay address each profile on this workstation uses, so that setting up another profile can
// offer it instead of making staff type the server address again (on a ward PC it is nearly
// always the same organisation). The address lives in each profile's encrypted store; this small
// file beside the profile folders repeats only the address (no key, no content), written when a
// profile is created, joined or signed in. Profiles since deleted are filtered out by the caller.
import { z } from 'zod';
import { relayUrl } from '@klinikfunk/protocol/api/features/session.ts';
import { ProfileSideFile } from './profile-side-file.ts';

const entrySchema = z.strictObject({ url: relayUrl, at: z.number().int().nonnegative() });
type Entry = z.output<typeof entrySchema>;

export class ProfileRelays {
  readonly #file: ProfileSideFile<Entry>;

  constructor(dataDir: string, onProblem: (message: string) => void = () => {}) {
    this.#file = new ProfileSideFile(dataDir, 'profile-relays.json', entrySchema, onProblem);
  }

  /** Reads the file once; a missing or damaged file means no addresses (logged, never fatal). */
  load(): Promise<void> {
    return this.#file.load();
  }

  get(profileId: string): string | null {
    return this.#file.get(profileId)?.url ?? null;
  }

  /** Records the profile's relay; written only when it changed (sign-in repeats it). */
  async remember(profileId: string, url: string, at: number): Promise<void> {
    await this.load();
    if (this.get(profileId) === url || !relayUrl.safeParse(url).success) return;
    await this.#file.set(profileId, { url, at });
  }
}
