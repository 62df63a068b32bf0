import { openDatabaseFromEnv, type AppDatabase } from "../../db/index";
import { forgetSingleton, peekSingleton, singleton } from "~/utils/singleton.server";

/**
 * The process's one database handle: a single serialised sqlite3 connection, or a pool of
 * PostgreSQL connections when DATABASE_URL is set.
 */
export function getDb(): AppDatabase {
  return singleton("db", () => openDatabaseFromEnv());
}

export async function closeDb(): Promise<void> {
  const db = peekSingleton<AppDatabase>("db");
  forgetSingleton("db");
  await db?.destroy();
}
