// One small JSON file beside the profile folders holding a record per profile id, for what must be
// known before a profile is opened (its tile's notice, its relay address). Read once and checked
// against a schema (a missing or damaged file counts as empty, reported, never fatal); written
// whole, serially, durably and atomically (durable-file.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { replaceFileDurably } from '@klinikfunk/node-common/durable-file.ts';

const profileId = z.string().regex(/^[0-9a-f-]{36}$/);

export class ProfileSideFile<T> {
  readonly #path: string;
  readonly #file: string;
  readonly #schema: z.ZodType<Record<string, T>>;
  readonly #onProblem: (message: string) => void;
  #records: Record<string, T> = {};
  #loaded: Promise<void> | null = null;
  #writes: Promise<void> = Promise.resolve();

  constructor(dataDir: string, file: string, record: z.ZodType<T>, onProblem: (message: string) => void) {
    this.#file = file;
    this.#path = join(dataDir, file);
    this.#schema = z.record(profileId, record) as unknown as z.ZodType<Record<string, T>>;
    this.#onProblem = onProblem;
  }

  load(): Promise<void> {
    this.#loaded ??= (async () => {
      let text: string;
      try {
        text = await readFile(this.#path, 'utf8');
      } catch {
        return;
      }
      try {
        const parsed = this.#schema.safeParse(JSON.parse(text));
        if (parsed.success) this.#records = parsed.data;
        else this.#onProblem(`${this.#file} ignored: ${parsed.error.message}`);
      } catch {
        this.#onProblem(`${this.#file} ignored: not JSON`);
      }
    })();
    return this.#loaded;
  }

  get(id: string): T | null {
    return this.#records[id] ?? null;
  }

  async set(id: string, value: T): Promise<void> {
    await this.load();
    this.#records = { ...this.#records, [id]: value };
    await this.#save();
  }

  async delete(id: string): Promise<void> {
    await this.load();
    if (!(id in this.#records)) return;
    const { [id]: _gone, ...rest } = this.#records;
    this.#records = rest;
    await this.#save();
  }

  /**
   * A failed write is reported to its caller only: the next one starts afresh with the whole
   * current state instead of inheriting the rejection, which would leave every later write undone
   * until a restart.
   */
  #save(): Promise<void> {
    const text = JSON.stringify(this.#records);
    const write = this.#writes.catch(() => undefined).then(() => replaceFileDurably(this.#path, text));
    this.#writes = write;
    return write;
  }
}
