// Runs before each test file: a private copy of the template database for this file.
import { copyFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { closeDb } from "../../app/utils/db.server";

const tmpDir = fileURLToPath(new URL("../.tmp/integration/", import.meta.url));
const copy = `${tmpDir}db-${process.pid}-${Math.random().toString(36).slice(2)}.sqlite`;
copyFileSync(`${tmpDir}template.sqlite`, copy);
process.env.DATABASE_PATH = copy;

afterAll(async () => {
  await closeDb();
});
