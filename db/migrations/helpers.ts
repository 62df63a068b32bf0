// The one place where the migrations' DDL differs between SQLite and PostgreSQL.
import { PostgresAdapter, type CreateTableBuilder, type Kysely } from "kysely";

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Adds an auto-incrementing integer primary key named `id`. */
export function idColumn<T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>) {
  return isPostgres(db)
    ? table.addColumn("id", "serial", (c) => c.primaryKey())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

/** Floating-point figures: SQLite's REAL is 8 bytes; PostgreSQL's `real` is 4, so use double precision. */
export function realType(db: Kysely<any>): "real" | "double precision" {
  return isPostgres(db) ? "double precision" : "real";
}
