// Starts the built app for the end-to-end tests on a fresh database, as a first start would.
import cluster from "node:cluster";
import { rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { execSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { SERVER_ENTRY } from "../../app/server/build";

const databasePath = resolve(process.env.DATABASE_PATH ?? "tests/.tmp/e2e/app.sqlite");
// The server runs one worker per core, and node:cluster starts each worker from this file
// again: only the primary starts afresh and builds.
if (cluster.isPrimary) {
  rmSync(dirname(databasePath), { recursive: true, force: true });
  execSync("npx tsx app/cli/build.ts --if-needed", { stdio: "inherit" });
}
// The compiled server, as `npm start` runs it.
await import(pathToFileURL(resolve(SERVER_ENTRY)).href);
