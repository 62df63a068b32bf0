// Builds one migrated, bootstrapped database; every test file then works on its own copy
// of it (see setup-db.ts) instead of cleaning tables between tests.
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { migrateToLatest, openDatabase } from "../../db/index";
import { bootstrapIfEmpty } from "../../app/models/bootstrap.server";
import { TEST_PASSWORD } from "./helpers";

const tmpDir = fileURLToPath(new URL("../.tmp/integration/", import.meta.url));
const templatePath = `${tmpDir}template.sqlite`;

export default async function setup() {
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  const db = openDatabase(templatePath);
  await migrateToLatest(db);
  await bootstrapIfEmpty(db, { production: false, demoPassword: TEST_PASSWORD });
  // Fold the WAL into the main file so a plain file copy is a complete database.
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  await sql`pragma journal_mode = DELETE`.execute(db);
  await db.destroy();
}
