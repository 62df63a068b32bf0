// Starts the built app for the end-to-end tests on a fresh database, as a first start would.
import { rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { execSync } from "node:child_process";

const databasePath = resolve(process.env.DATABASE_PATH ?? "tests/.tmp/e2e/app.sqlite");
rmSync(dirname(databasePath), { recursive: true, force: true });
execSync("npx tsx app/server/build-if-needed.ts", { stdio: "inherit" });
await import("../../app/server/main");
