// One description of the relay's schema, two SQL dialects: each migration
// (apps/relay/store/migrations/) is a list of typed steps (a table, an index, a column) rendered here
// for SQLite (relay.db) and PostgreSQL (hospital groups). Only what differs by nature is written
// twice, as a `sql` step: data moves and triggers (SQLite's trigger body vs PL/pgSQL).
//
// Column types, and what each dialect stores:
//   text     TEXT                TEXT
//   int      INTEGER             INTEGER   (32-bit counts and small numbers)
//   bigint   INTEGER             BIGINT    (seqs, sizes, times in ms)
//   bytes    BLOB                BYTEA
//   bool     INTEGER (0/1)       BOOLEAN
//   serial   INTEGER PRIMARY KEY AUTOINCREMENT   BIGSERIAL PRIMARY KEY (directory positions)
export type Dialect = 'sqlite' | 'postgres';
export type ColumnType = 'text' | 'int' | 'bigint' | 'bytes' | 'bool' | 'serial';

export interface Column {
  name: string;
  type: ColumnType;
  /** NULL allowed (columns are NOT NULL unless said). */
  nullable?: boolean;
  /** The table's one-column primary key. */
  primaryKey?: boolean;
  unique?: boolean;
  default?: number;
}

export interface Table {
  name: string;
  columns: Column[];
  /** A primary key over several columns. */
  primaryKey?: string[];
  /** SQLite: store the rows in the primary key's b-tree (tables looked up only by their key). */
  withoutRowid?: boolean;
}

export type Step =
  | { kind: 'table'; table: Table }
  | { kind: 'index'; name: string; table: string; columns: string[]; unique?: boolean }
  | { kind: 'column'; table: string; column: Column }
  | { kind: 'sql'; sqlite: string; postgres: string };

export interface RelayMigration {
  /** Numbered with gaps (10, 20, ...); SQLite keeps it in PRAGMA user_version, PostgreSQL in relay_schema. */
  version: number;
  name: string;
  steps: Step[];
}

// Column helpers: `bigint('seq')`, `text('completed_at', { nullable: true })`.
type ColumnOptions = Omit<Column, 'name' | 'type'>;
const column =
  (type: ColumnType) =>
  (name: string, options: ColumnOptions = {}): Column => ({ name, type, ...options });
export const text = column('text');
export const int = column('int');
export const bigint = column('bigint');
export const bytes = column('bytes');
export const bool = column('bool');
export const serial = column('serial');

export const table = (t: Table): Step => ({ kind: 'table', table: t });
export const index = (name: string, on: string, columns: string[]): Step => ({
  kind: 'index',
  name,
  table: on,
  columns,
});
export const uniqueIndex = (name: string, on: string, columns: string[]): Step => ({
  kind: 'index',
  name,
  table: on,
  columns,
  unique: true,
});
export const addColumn = (on: string, c: Column): Step => ({ kind: 'column', table: on, column: c });
export const sql = (dialects: { sqlite: string; postgres: string }): Step => ({ kind: 'sql', ...dialects });

const TYPES: Record<Dialect, Record<Exclude<ColumnType, 'serial'>, string>> = {
  sqlite: { text: 'TEXT', int: 'INTEGER', bigint: 'INTEGER', bytes: 'BLOB', bool: 'INTEGER' },
  postgres: { text: 'TEXT', int: 'INTEGER', bigint: 'BIGINT', bytes: 'BYTEA', bool: 'BOOLEAN' },
};
/** Names PostgreSQL reserves (SQLite takes them bare). */
const PG_RESERVED = new Set(['offset']);

const name = (n: string, dialect: Dialect) => (dialect === 'postgres' && PG_RESERVED.has(n) ? `"${n}"` : n);

function columnSql(c: Column, dialect: Dialect): string {
  if (c.type === 'serial')
    return `${name(c.name, dialect)} ${dialect === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY'}`;
  const parts = [name(c.name, dialect), TYPES[dialect][c.type]];
  if (c.primaryKey) parts.push('PRIMARY KEY');
  else if (!c.nullable) parts.push('NOT NULL');
  if (c.unique) parts.push('UNIQUE');
  if (c.default !== undefined) parts.push(`DEFAULT ${c.default}`);
  return parts.join(' ');
}

function stepSql(step: Step, dialect: Dialect): string {
  switch (step.kind) {
    case 'table': {
      const { table: t } = step;
      const parts = t.columns.map((c) => columnSql(c, dialect));
      if (t.primaryKey) parts.push(`PRIMARY KEY (${t.primaryKey.map((n) => name(n, dialect)).join(', ')})`);
      return `CREATE TABLE ${t.name} (${parts.join(', ')})${t.withoutRowid && dialect === 'sqlite' ? ' WITHOUT ROWID' : ''};`;
    }
    case 'index':
      return `CREATE ${step.unique ? 'UNIQUE ' : ''}INDEX ${step.name} ON ${step.table} (${step.columns.map((n) => name(n, dialect)).join(', ')});`;
    case 'column':
      return `ALTER TABLE ${step.table} ADD COLUMN ${columnSql(step.column, dialect)};`;
    case 'sql':
      return step[dialect].trim();
  }
}

/** The migration as one script in `dialect`, run in one transaction by the store. */
export function migrationSql(migration: RelayMigration, dialect: Dialect): string {
  return migration.steps.map((step) => stepSql(step, dialect)).join('\n');
}
