// Shared by the collaboration handlers: the member check (app/member-runtime.ts) and display
// names from the directory.
import type { Db } from '../store/database.ts';

export { memberRuntime } from '../app/member-runtime.ts';

export const UNKNOWN_NAME = 'Unbekannt';

/** Looks up display names once per call; unknown users (not yet in the directory) get a placeholder. */
export function nameLookup(db: Db): (userId: string) => { userId: string; displayName: string } {
  const rows = db.prepare('SELECT user_id, display_name FROM users').all() as Array<{ user_id: string; display_name: string }>;
  const names = new Map(rows.map((r) => [r.user_id, r.display_name]));
  return (userId) => ({ userId, displayName: names.get(userId) ?? UNKNOWN_NAME });
}
