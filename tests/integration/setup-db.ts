// Runs before each test file: a private copy of the template database for this file
// (a copied SQLite file, or on PostgreSQL a database created from the template database).
import { copyFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, inject } from "vitest";
import { closeDb } from "../../app/utils/db.server";
import { createDatabase, dropDatabase, testDatabaseUrl, uniqueDatabaseName } from "./pg";

const tmpDir = fileURLToPath(new URL("../.tmp/integration/", import.meta.url));
const pgUrl = testDatabaseUrl();
const pgTemplate = inject("pgTemplate");
let pgDatabase: string | null = null;

if (pgUrl && pgTemplate) {
  pgDatabase = uniqueDatabaseName("kanban_t");
  process.env.DATABASE_URL = await createDatabase(pgUrl, pgDatabase, pgTemplate);
  // Files the app keeps beside its database (佐证材料) still need a folder of their own.
  process.env.DATABASE_PATH = `${tmpDir}${pgDatabase}/app.sqlite`;
} else {
  delete process.env.DATABASE_URL;
  const copy = `${tmpDir}db-${process.pid}-${Math.random().toString(36).slice(2)}.sqlite`;
  copyFileSync(`${tmpDir}template.sqlite`, copy);
  process.env.DATABASE_PATH = copy;
  // 佐证材料 are kept beside the database by default: every file gets a folder of its own.
  process.env.ATTACHMENTS_DIR = `${copy}-attachments`;
}

afterAll(async () => {
  await closeDb();
  if (pgUrl && pgDatabase) await dropDatabase(pgUrl, pgDatabase);
});
