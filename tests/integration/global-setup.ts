// Builds one migrated, bootstrapped database; every test file then works on its own copy
// of it (see setup-db.ts) instead of cleaning tables between tests. With TEST_DATABASE_URL
// the template is a PostgreSQL database (see pg.ts), else a SQLite file.
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import type { TestProject } from "vitest/node";
import { migrateToLatest, openDatabase } from "../../db/index";
import { openPostgres } from "../../db/postgres";
import { bootstrapIfEmpty } from "../../app/models/bootstrap.server";
import { TEST_PASSWORD } from "./helpers";
import { createDatabase, dropDatabase, testDatabaseUrl, uniqueDatabaseName } from "./pg";

declare module "vitest" {
  export interface ProvidedContext {
    pgTemplate: string | null;
  }
}

const tmpDir = fileURLToPath(new URL("../.tmp/integration/", import.meta.url));
const templatePath = `${tmpDir}template.sqlite`;

export default async function setup(project: TestProject) {
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  const pgUrl = testDatabaseUrl();
  if (pgUrl) {
    const template = uniqueDatabaseName("kanban_tpl");
    const db = openPostgres(await createDatabase(pgUrl, template));
    await migrateToLatest(db);
    await bootstrapIfEmpty(db, { production: false, demoPassword: TEST_PASSWORD, seedOnly: true });
    await db.destroy();
    project.provide("pgTemplate", template);
    return async () => {
      await dropDatabase(pgUrl, template);
    };
  }
  project.provide("pgTemplate", null);
  const db = openDatabase(templatePath);
  await migrateToLatest(db);
  await bootstrapIfEmpty(db, { production: false, demoPassword: TEST_PASSWORD, seedOnly: true });
  // Fold the WAL into the main file; closing the last connection then removes it, so a plain
  // file copy is a complete database.
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  await db.destroy();
}
