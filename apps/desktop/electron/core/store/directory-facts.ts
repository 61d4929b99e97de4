// Facts from the signed directory records as they were at a moment (an event's relay time), for
// the features whose events every client judges alike from the directory channel's log (function
// roles, templates and alerts): so a later change of a user, a delegation or the organisation's
// settings does not rewrite an earlier verdict.
import { orgAdminAt } from './authorise-facts.ts';
import type { Db } from './database.ts';
import { sql } from './statements.ts';

/** The record body in force for a subject at a moment: the last issued at or before it (else the first). */
const IN_FORCE = `ORDER BY json_extract(record, '$.body.issuedAt') <= ? DESC,
  CASE WHEN json_extract(record, '$.body.issuedAt') <= ? THEN json_extract(record, '$.body.issuedAt') ELSE -json_extract(record, '$.body.issuedAt') END DESC,
  record_pk DESC LIMIT 1`;

export class DirectoryAuthority {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** The user's record in force then says organisation admin, active and not revoked. */
  isOrgAdmin(userId: string, at: number): boolean {
    return orgAdminAt(this.#db, userId, at);
  }

  /** Departments the device administers by a delegation in force then: 'all' for every member's. */
  delegatedDepartments(deviceId: string, at: number): 'all' | readonly string[] {
    const scopes = sql(
      this.#db,
      `SELECT json_extract(d.record, '$.body.scope') FROM directory_records d
       WHERE d.type = 'delegation' AND json_extract(d.record, '$.body.holder.deviceId') = ?
         AND json_extract(d.record, '$.body.issuedAt') <= ? AND json_extract(d.record, '$.body.expiresAt') >= ?
         AND NOT EXISTS (SELECT 1 FROM directory_records r WHERE r.type = 'delegation_revocation'
           AND json_extract(r.record, '$.body.delegationId') = json_extract(d.record, '$.body.delegationId')
           AND json_extract(r.record, '$.body.revokedAt') <= ?)`,
    )
      .pluck()
      .all(deviceId, at, at, at) as string[];
    const departments: string[] = [];
    for (const text of scopes) {
      const scope = JSON.parse(text) as { kind: string; departments?: string[] };
      if (scope.kind === 'all_members') return 'all';
      departments.push(...(scope.departments ?? []));
    }
    return departments;
  }

  /** The user's department then; null: no department; undefined: unknown, inactive or revoked user. */
  departmentOf(userId: string, at: number): string | null | undefined {
    const body = sql(
      this.#db,
      `SELECT json_extract(record, '$.body') FROM directory_records WHERE type = 'user' AND subject = ? ${IN_FORCE}`,
    )
      .pluck()
      .get(userId, at, at) as string | undefined;
    if (body === undefined) return undefined;
    const user = JSON.parse(body) as { ward: string | null; active: boolean };
    if (!user.active) return undefined;
    const revoked = sql(
      this.#db,
      `SELECT 1 FROM directory_records WHERE type = 'revocation' AND json_extract(record, '$.body.target.kind') = 'user'
         AND json_extract(record, '$.body.target.userId') = ? AND json_extract(record, '$.body.revokedAt') <= ? LIMIT 1`,
    )
      .pluck()
      .get(userId, at);
    return revoked === undefined ? user.ward : undefined;
  }

  /** Every user the directory has a record of (active or not then: departmentOf tells). */
  userIds(): string[] {
    return sql(this.#db, `SELECT DISTINCT subject FROM directory_records WHERE type = 'user' ORDER BY subject`)
      .pluck()
      .all() as string[];
  }

  /** The roles whose holders may send broadcast alerts, by the organisation's settings in force then. */
  alertSenderRoleIds(at: number): readonly string[] {
    const body = sql(
      this.#db,
      `SELECT json_extract(record, '$.body') FROM directory_records WHERE type = 'org_settings'
         AND json_extract(record, '$.body.issuedAt') <= ?
       ORDER BY json_extract(record, '$.body.issuedAt') DESC, record_pk DESC LIMIT 1`,
    )
      .pluck()
      .get(at) as string | undefined;
    if (body === undefined) return [];
    return (JSON.parse(body) as { alertSenderRoleIds?: string[] }).alertSenderRoleIds ?? [];
  }
}
