// Where a query must be written differently on SQLite and PostgreSQL: one named helper per
// difference, so query functions stay the same for both databases.
import { PostgresAdapter, sql, type Kysely, type RawBuilder, type Simplify } from "kysely";
import { jsonArrayFrom as postgresJsonArrayFrom } from "kysely/helpers/postgres";
import { jsonArrayFrom as sqliteJsonArrayFrom } from "kysely/helpers/sqlite";

export type DatabaseKind = "sqlite" | "postgres";

export function databaseKind(db: Kysely<any>): DatabaseKind {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

export function isPostgres(db: Kysely<any>): boolean {
  return databaseKind(db) === "postgres";
}

/**
 * Case-insensitive substring search: SQLite's LIKE ignores ASCII case, PostgreSQL's LIKE does
 * not, so PostgreSQL gets ILIKE (use with `eb(column, containsOperator(db), pattern)`).
 */
export function containsOperator(db: Kysely<any>): "like" | "ilike" {
  return isPostgres(db) ? "ilike" : "like";
}

/**
 * A subquery's rows, in its order, as one JSON array value (SQLite's json_group_array,
 * PostgreSQL's json_agg): a task and its list in one statement. Read it with parsedJsonArray.
 */
export function jsonArrayOf<O>(db: Kysely<any>, subquery: Parameters<typeof sqliteJsonArrayFrom<O>>[0]): RawBuilder<Simplify<O>[]> {
  return (isPostgres(db) ? postgresJsonArrayFrom(subquery) : sqliteJsonArrayFrom(subquery)) as RawBuilder<Simplify<O>[]>;
}

/** A jsonArrayOf value as read: SQLite returns the JSON text, `pg` the parsed array. */
export function parsedJsonArray(value: unknown): unknown[] {
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) throw new Error("parsedJsonArray: not a JSON array");
  return parsed;
}

/**
 * On SQLite, the id the next row of an AUTOINCREMENT table gets: the larger of the table's
 * sequence and its largest id, plus one. Valid only when read inside the write transaction that
 * inserts the row, where no other writer can take it; the row can then be inserted with its id
 * in the same trip as the COMMIT instead of one trip of its own to learn it. Null on PostgreSQL,
 * where the INSERT takes the serial's next value itself.
 */
export function nextRowIdInWriteTransaction(db: Kysely<any>, table: "updates"): RawBuilder<number | null> {
  if (isPostgres(db)) return sql<null>`null`;
  return sql<number>`(max(coalesce((select seq from sqlite_sequence where name = ${sql.lit(table)}), 0), coalesce((select max(id) from ${sql.table(table)}), 0)) + 1)`;
}
