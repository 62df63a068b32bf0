// Opening the database and bringing its schema up to date.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Kysely, Migrator, type MigrationProvider } from "kysely";
import { migrations } from "./migrations/index";
import type { Database } from "./schema";
import { Sqlite3Dialect } from "./sqlite3-dialect";

export type AppDatabase = Kysely<Database>;

export const DEFAULT_DATABASE_PATH = "./data/app.sqlite";

export function databasePathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.DATABASE_PATH?.trim();
  return resolve(configured ? configured : DEFAULT_DATABASE_PATH);
}

export function openDatabase(filename: string): AppDatabase {
  if (filename !== ":memory:") mkdirSync(dirname(filename), { recursive: true });
  return new Kysely<Database>({ dialect: new Sqlite3Dialect({ filename, busyTimeoutMs: 5000 }) });
}

const staticProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** Applies every pending migration; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: staticProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
