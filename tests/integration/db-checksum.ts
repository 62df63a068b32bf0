// A checksum of every table's rows, to prove a refused request wrote nothing. Portable: the
// table list comes from Kysely's introspection, rows are sorted in JS (no engine-specific SQL).
import { createHash } from "node:crypto";
import type { AppDatabase } from "../../db/index";

/** Rows that legitimately change on a refused request: failed-login records, session renewals. */
const IGNORED_TABLES = new Set(["login_failures", "sessions"]);

export async function tableChecksums(db: AppDatabase): Promise<Record<string, string>> {
  const tables = (await db.introspection.getTables())
    .map((t) => t.name)
    .filter((name) => !IGNORED_TABLES.has(name))
    .sort();
  const sums: Record<string, string> = {};
  for (const table of tables) {
    const rows = await (db as unknown as AppDatabase)
      .selectFrom(table as "units")
      .selectAll()
      .execute();
    const lines = rows.map((row) => JSON.stringify(row)).sort();
    sums[table] = `${rows.length}:${createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16)}`;
  }
  return sums;
}
