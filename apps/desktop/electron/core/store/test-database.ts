// Raw access to a store's database for test and bench fixtures only: rows no public path writes
// (a relay-refused event, a row from an old version) and checks of what is on disk. Product code
// goes through the repositories; eslint bans importing this outside tests/ and bench/.
import type { Db } from './database.ts';
import { storeDatabase, type ProfileStore } from './profile-store.ts';

export function testDatabase(store: ProfileStore): Db {
  return storeDatabase(store);
}
