// PostgreSQL only: card positions (fractional-indexing keys such as "a0", "Zz") must compare
// byte by byte, as SQLite compares text. A database created with a language collation (say
// zh_CN.UTF-8 or en_US.UTF-8) would otherwise order "B" after "a" and shuffle the board.
import { PostgresAdapter, sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table tasks alter column position type text collate "C"`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`alter table tasks alter column position type text collate "default"`.execute(db);
}
