// What the board, meeting and KPI pages show beyond their plan's change counter, read in two cheap
// queries: every plan's change counter and version, and the newest user, unit, comment and
// attachment. Conditional requests (ETags) and the board's short reuse of a computed board both
// key on it, so a page is never answered from before a change it shows.
import { sql } from "kysely";
import type { AppDatabase } from "../../db/index";

/**
 * The database's state as these pages show it, in two cheap queries (primary keys and small
 * tables), written the same for SQLite and PostgreSQL.
 */
export async function readViewState(db: AppDatabase): Promise<unknown[]> {
  const plans = await db.selectFrom("plans").select(["id", "change_seq", "version"]).orderBy("id").execute();
  const { rows } = await sql<{
    users: unknown;
    units: unknown;
    comments: number | string | null;
    attachments: number | string | null;
  }>`
    select (select max(updated_at) from users) as users,
           (select max(updated_at) from units) as units,
           (select max(id) from comments) as comments,
           (select max(id) from attachments) as attachments`.execute(db);
  const latest = rows[0];
  return [
    plans.map((p) => `${p.id}:${p.change_seq}:${p.version}`).join(","),
    // PostgreSQL answers timestamps as Date and bigint maxima as strings: one spelling for both.
    ...(latest
      ? [latest.users, latest.units, latest.comments, latest.attachments].map((v) =>
          v == null ? null : String(v instanceof Date ? v.toISOString() : v),
        )
      : []),
  ];
}
