// The one place where the migrations' DDL differs between SQLite and PostgreSQL.
import { PostgresAdapter, type CreateTableBuilder, type Kysely } from "kysely";

/** Adds an auto-incrementing integer primary key named `id`. */
export function idColumn<T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>) {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return isPostgres
    ? table.addColumn("id", "serial", (c) => c.primaryKey())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}
