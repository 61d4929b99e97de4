// Opening one profile's SQLCipher database. SQLCipher v4 settings (`legacy=4`), so IT can open an
// exported store with standard SQLCipher tools and the raw key; a random 256-bit raw key, so no
// PBKDF2 runs on open (the passphrase KDF already ran once, in kdf.ts).
//
// Pragmas and why:
//   journal_mode=WAL      readers never block the writer (UI reads while sync applies)
//   synchronous=FULL      every commit reaches the disk before it returns, so a message the user
//                         just wrote survives a power cut on a ward PC. NORMAL would only risk the
//                         last commits, but those include the outbox. Sync applies events in
//                         batches, so the extra fsync per commit costs little (bench/store.bench.ts
//                         measures both; numbers in docs/performance.md).
//   foreign_keys=ON       channel deletion cascades to its messages
//   secure_delete=ON      deleted messages are overwritten, not left in free pages
//   temp_store=MEMORY     sort and FTS temp data never reaches disk unencrypted
import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync } from 'node:fs';
import type { DbKey } from '@klinikfunk/crypto/keys.ts';
import { StoreError } from './errors.ts';

export type Db = Database.Database;

export interface OpenOptions {
  create: boolean;
  /** Full integrity check instead of the quick one (repairs, exports). */
  fullCheck?: boolean;
  synchronous?: 'NORMAL' | 'FULL';
}

export function openEncryptedDatabase(path: string, key: DbKey, options: OpenOptions): Db {
  if (!options.create && !existsSync(path)) throw new StoreError('not_found', `no store at ${path}`);
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: !options.create });
  } catch (error) {
    throw new StoreError('io', `cannot open store: ${(error as Error).message}`);
  }
  try {
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
    db.pragma(`key="x'${Buffer.from(key).toString('hex')}'"`);
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (error) {
      throw new StoreError('unreadable', `store cannot be decrypted: ${(error as Error).message}`);
    }
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    db.pragma('temp_store = MEMORY');
    let check: unknown;
    try {
      check = db.pragma(options.fullCheck ? 'integrity_check' : 'quick_check', { simple: true });
    } catch (error) {
      throw new StoreError('corrupt', `integrity check failed: ${(error as Error).message}`);
    }
    if (check !== 'ok') throw new StoreError('corrupt', `integrity check: ${String(check)}`);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    const code = (error as { code?: string }).code ?? '';
    throw new StoreError(
      code.includes('CORRUPT') || code.includes('NOTADB') ? 'corrupt' : 'io',
      (error as Error).message,
    );
  }
}
