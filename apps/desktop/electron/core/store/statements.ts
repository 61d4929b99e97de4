// Statements are compiled once per connection: preparing costs more than running them.
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { Db } from './database.ts';

type Statement = BetterSqlite3.Statement<unknown[]>;
const cache = new WeakMap<Db, Map<string, Statement>>();

export function sql(db: Db, text: string): Statement {
  let statements = cache.get(db);
  if (!statements) cache.set(db, (statements = new Map()));
  let statement = statements.get(text);
  if (!statement) statements.set(text, (statement = db.prepare(text)));
  return statement;
}
