// The relay address each profile on this workstation uses, so that setting up another profile can
// offer it instead of making staff type the server address again (on a ward PC it is nearly
// always the same organisation). The address lives in each profile's encrypted store; this small
// file beside the profile folders repeats only the address (no key, no content), written when a
// profile is created, joined or signed in. Profiles since deleted are filtered out by the caller.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { relayUrl } from '../../../shared/api/session-schemas.ts';
import { replaceFileDurably } from './durable-file.ts';

const entrySchema = z.strictObject({ url: relayUrl, at: z.number().int().nonnegative() });
const fileSchema = z.record(z.string().regex(/^[0-9a-f-]{36}$/), entrySchema);
type Entry = z.output<typeof entrySchema>;

const FILE = 'profile-relays.json';

export class ProfileRelays {
  readonly #path: string;
  #entries: Record<string, Entry> = {};
  #loaded: Promise<void> | null = null;
  #writes: Promise<void> = Promise.resolve();
  readonly #onProblem: (message: string) => void;

  constructor(dataDir: string, onProblem: (message: string) => void = () => {}) {
    this.#path = join(dataDir, FILE);
    this.#onProblem = onProblem;
  }

  /** Reads the file once; a missing or damaged file means no addresses (logged, never fatal). */
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
        if (parsed.success) this.#entries = parsed.data;
        else this.#onProblem(`${FILE} ignored: ${parsed.error.message}`);
      } catch {
        this.#onProblem(`${FILE} ignored: not JSON`);
      }
    })();
    return this.#loaded;
  }

  get(profileId: string): string | null {
    return this.#entries[profileId]?.url ?? null;
  }

  /** Records the profile's relay; written only when it changed (sign-in repeats it). */
  async remember(profileId: string, url: string, at: number): Promise<void> {
    await this.load();
    if (this.#entries[profileId]?.url === url || !relayUrl.safeParse(url).success) return;
    this.#entries = { ...this.#entries, [profileId]: { url, at } };
    await this.#save();
  }

  /**
   * Serial writes, each durable and atomic (durable-file.ts). A failed write is reported to its
   * caller only (who logs it): the next one starts afresh with the whole current state.
   */
  #save(): Promise<void> {
    const text = JSON.stringify(this.#entries);
    const write = this.#writes.catch(() => undefined).then(() => replaceFileDurably(this.#path, text));
    this.#writes = write;
    return write;
  }
}
