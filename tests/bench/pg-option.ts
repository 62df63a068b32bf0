// `npm run bench -- --db postgres://user@host:5432/postgres`: the app under test runs on
// PostgreSQL. The harness creates a scratch database on that server (the user needs CREATEDB),
// fills it from the generated SQLite plan with db:copy, and drops it afterwards. The baseline
// server stays on SQLite, so on PostgreSQL the ratios also include the database's difference.
import { copySqliteToPostgres } from "../../db/copy";
import { isPostgresUrl } from "../../db/postgres";
import { createDatabase, dropDatabase, uniqueDatabaseName } from "../integration/pg";

export function benchDatabaseUrl(args: string[]): string | null {
  const index = args.indexOf("--db");
  const value = index >= 0 ? args[index + 1] : args.find((a) => a.startsWith("--db="))?.slice("--db=".length);
  if (value == null) return null;
  if (!isPostgresUrl(value)) throw new Error(`--db expects a postgres:// URL, got: ${value}`);
  return value;
}

/** The app server's database settings for the run, and how to clean up afterwards. */
export async function preparePostgres(
  serverUrl: string,
  sqlitePath: string,
): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  const name = uniqueDatabaseName("kanban_bench");
  const url = await createDatabase(serverUrl, name);
  await copySqliteToPostgres(sqlitePath, url);
  return { env: { DATABASE_URL: url }, cleanup: () => dropDatabase(serverUrl, name) };
}
