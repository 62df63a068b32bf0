// Where a query must be written differently on SQLite and PostgreSQL: one named helper per
// difference, so query functions stay the same for both databases.
import { PostgresAdapter, type Kysely } from "kysely";

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
