// `npm test`: unit and integration tests (Vitest), then end-to-end tests (Playwright),
// and one closing line with the totals. Exits non-zero if anything failed.
// With TEST_DATABASE_URL (a PostgreSQL server) the integration tests run a second time on
// PostgreSQL, counted in the same totals; the first run and e2e always use SQLite.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

const reportDir = "tests/.tmp/reports";
rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });
const vitestReport = `${reportDir}/vitest.json`;
const playwrightReport = "tests/.tmp/e2e-report.json";
rmSync(playwrightReport, { force: true });

const pgUrl = process.env.TEST_DATABASE_URL?.trim() || null;
const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: process.env.TMPDIR ?? "/tmp", PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" };
delete env.TEST_DATABASE_URL;
delete env.DATABASE_URL;
const onlyFast = process.argv.includes("--no-e2e");

function run(command: string, args: string[], runEnv: NodeJS.ProcessEnv = env): number {
  const result = spawnSync(command, args, { stdio: "inherit", env: runEnv });
  return result.status ?? 1;
}

const vitestStatus = run("npx", [
  "vitest",
  "run",
  "--config",
  "tests/vitest.config.ts",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestReport}`,
]);
const vitestPgReport = `${reportDir}/vitest-pg.json`;
let vitestPgStatus = 0;
if (pgUrl) {
  console.log("\nIntegration tests on PostgreSQL (TEST_DATABASE_URL):");
  vitestPgStatus = run(
    "npx",
    [
      "vitest",
      "run",
      "--config",
      "tests/vitest.config.ts",
      "--project",
      "integration",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${vitestPgReport}`,
    ],
    { ...env, TEST_DATABASE_URL: pgUrl },
  );
} else {
  console.log("\nIntegration tests on PostgreSQL skipped: TEST_DATABASE_URL is not set.");
}
const e2eStatus = onlyFast ? 0 : run("npx", ["playwright", "test", "--config", "tests/playwright.config.ts"]);

// The benchmark's own smoke test: a tiny plan through every case, checking only that each
// case runs and reports the documented JSON shape (timings are for `npm run bench`).
let benchStatus = 0;
if (!onlyFast) {
  const bench = spawnSync("npx", ["tsx", "tests/bench/run.ts", "--smoke", "--json"], {
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = (bench.stdout ?? "").split("\n").filter(Boolean);
  const shapeOk = (line: string) => {
    try {
      const r = JSON.parse(line);
      return (
        typeof r.name === "string" &&
        ["ours", "baseline", "ratio"].every((k) => typeof r[k] === "number" && Number.isFinite(r[k])) &&
        // null: a figure reported beside the budgeted cases (a page's first render).
        (r.budget === null || (typeof r.budget === "number" && Number.isFinite(r.budget))) &&
        typeof r.unit === "string" &&
        typeof r.ok === "boolean"
      );
    } catch {
      return false;
    }
  };
  benchStatus = bench.status !== null && bench.status <= 1 && lines.length >= 8 && lines.every(shapeOk) ? 0 : 1;
  console.log(
    benchStatus === 0 ? `bench smoke: ${lines.length} cases reported` : `bench smoke FAILED (exit ${bench.status}):\n${lines.join("\n")}`,
  );
}

let passed = 0;
let failed = 0;
if (existsSync(vitestReport)) {
  const report = JSON.parse(readFileSync(vitestReport, "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numTotalTestSuites && report.success === false && !report.numFailedTests ? 1 : 0);
} else if (vitestStatus !== 0) {
  failed += 1;
}
if (pgUrl) {
  if (existsSync(vitestPgReport)) {
    const report = JSON.parse(readFileSync(vitestPgReport, "utf8"));
    passed += report.numPassedTests ?? 0;
    failed += (report.numFailedTests ?? 0) + (report.success === false && !report.numFailedTests ? 1 : 0);
    console.log(`PostgreSQL integration run: ${report.numPassedTests ?? 0} passed, ${report.numFailedTests ?? 0} failed`);
  } else if (vitestPgStatus !== 0) {
    failed += 1;
  }
}
if (!onlyFast) {
  if (existsSync(playwrightReport)) {
    const stats = JSON.parse(readFileSync(playwrightReport, "utf8")).stats ?? {};
    passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
    failed += stats.unexpected ?? 0;
  } else if (e2eStatus !== 0) {
    failed += 1;
  }
}
if (!onlyFast) {
  if (benchStatus === 0) passed += 1;
  else failed += 1;
}
if ((vitestStatus !== 0 || vitestPgStatus !== 0 || e2eStatus !== 0) && failed === 0) failed = 1;

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(vitestStatus !== 0 || vitestPgStatus !== 0 || e2eStatus !== 0 || benchStatus !== 0 ? 1 : 0);
