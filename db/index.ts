// Opening the database and bringing its schema up to date.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Kysely, Migrator, sql, type MigrationProvider } from "kysely";
import { migrations } from "./migrations/index";
import type { Database } from "./schema";
import { Sqlite3Dialect, type WriteTurn } from "./sqlite3-dialect";
import { isPostgresUrl, openPostgres } from "./postgres";

export type AppDatabase = Kysely<Database>;

export const DEFAULT_DATABASE_PATH = "./data/app.sqlite";

export function databasePathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.DATABASE_PATH?.trim();
  return resolve(configured ? configured : DEFAULT_DATABASE_PATH);
}

// The probe of each SQLite database this process opened. Global, as this module is bundled twice
// (the server entry and the Remix build) and both must know the one database handle.
const generationProbes: WeakMap<AppDatabase, () => Promise<string>> = ((
  globalThis as { __appGenerationProbes?: WeakMap<AppDatabase, () => Promise<string>> }
).__appGenerationProbes ??= new WeakMap());

// How this process waits for its turn to write when several processes share the file (a cluster
// worker's turns from the primary), set before the database is opened. Global for the same reason.
const writeTurns = ((globalThis as { __appWriteTurns?: { take?: WriteTurn } }).__appWriteTurns ??= {});

/** Makes the SQLite databases this process opens from now on take turns to write (see write-turns.ts). */
export function setWriteTurns(take: WriteTurn): void {
  writeTurns.take = take;
}

export function openDatabase(filename: string): AppDatabase {
  if (filename !== ":memory:") mkdirSync(dirname(filename), { recursive: true });
  const dialect = new Sqlite3Dialect({ filename, busyTimeoutMs: 5000, writeTurn: writeTurns.take });
  const db = new Kysely<Database>({ dialect });
  generationProbes.set(db, async () => {
    const { rows } = await sql<{ data_version: number }>`pragma data_version`.execute(db);
    return `${rows[0]?.data_version}.${dialect.localWrites()}`;
  });
  return db;
}

/**
 * A token that changes whenever the database may have changed: another process's commit
 * (SQLite's data_version) or a write of this process. A value read after the token was taken
 * stays current while the token is the same, so it may be reused instead of read again. Each
 * caller probes afresh: a probe already on its way may have read the counter before a commit
 * the caller has seen. Null for PostgreSQL, which has no such counter: there nothing is reused.
 */
export function dataGeneration(db: AppDatabase): Promise<string> | null {
  return generationProbes.get(db)?.() ?? null;
}

/** The PostgreSQL URL from DATABASE_URL, or null for SQLite at DATABASE_PATH. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  const url = env.DATABASE_URL?.trim();
  if (!url) return null;
  if (isPostgresUrl(url)) return url;
  throw new Error(`DATABASE_URL 只支持 postgres:// 或 postgresql:// 地址，当前为：${url.split("@").pop()}`);
}

/** The installation's database: PostgreSQL when DATABASE_URL is set, else SQLite at DATABASE_PATH. */
export function openDatabaseFromEnv(env: NodeJS.ProcessEnv = process.env): AppDatabase {
  const url = databaseUrlFromEnv(env);
  if (url) {
    const size = Number(env.DATABASE_POOL_SIZE);
    return openPostgres(url, { poolSize: Number.isInteger(size) && size > 0 ? size : undefined });
  }
  return openDatabase(databasePathFromEnv(env));
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
