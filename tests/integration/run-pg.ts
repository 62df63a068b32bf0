// `npm run test:integration:pg`: the integration suite on PostgreSQL. TEST_DATABASE_URL names a
// server and a user allowed to CREATE DATABASE; every test file gets its own database there.
// Extra arguments go to Vitest (e.g. a test file, or --reporter=json --outputFile.json=…).
import { spawnSync } from "node:child_process";

const url = process.env.TEST_DATABASE_URL?.trim();
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error("Set TEST_DATABASE_URL, e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run test:integration:pg");
  process.exit(2);
}
const result = spawnSync(
  "npx",
  ["vitest", "run", "--config", "tests/vitest.config.ts", "--project", "integration", ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, TEST_DATABASE_URL: url } },
);
process.exit(result.status ?? 1);
