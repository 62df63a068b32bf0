// `npm start` (node build/server.js, NODE_ENV unset as in any office shell) must render with
// React's production build, and demo data must follow DEMO, not NODE_ENV.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SERVER_ENTRY } from "../../app/server/build";
import { buildForProduction, freePort } from "../built-server";
import { openDatabase } from "../../db/index";

/** Starts the built server as `npm start` does, loads /login once, stops it; returns its output. */
async function startAndStop(env: Record<string, string>): Promise<string> {
  const port = await freePort();
  // A fresh SQLite file as on a new office PC, also when the suite itself runs on PostgreSQL
  // (its setup puts DATABASE_URL into this process's environment).
  const {
    NODE_ENV: _unset,
    DEMO: _alsoUnset,
    COOKIE_SECURE: _neither,
    DATABASE_URL: _notPostgres,
    TEST_DATABASE_URL: _notPostgresEither,
    ...inherited
  } = process.env;
  const child = spawn(process.execPath, ["--require", resolve("tests/integration/fixtures/report-react-build.cjs"), SERVER_ENTRY], {
    env: {
      ...inherited,
      DATABASE_PATH: join(mkdtempSync(join(tmpdir(), "kanban-start-")), "app.sqlite"),
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_REQUESTS: "0",
      ...env,
    } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += String(chunk)));
  child.stderr!.on("data", (chunk: Buffer) => (output += String(chunk)));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode != null) throw new Error(`app server exited (${child.exitCode}): ${output}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/login`);
      expect(await response.text()).toContain("登录");
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`app server did not start: ${output}`);
    await new Promise((done) => setTimeout(done, 200));
  }
  child.kill("SIGTERM");
  await exited;
  return output;
}

/** The react-dom files every process ran (a cluster's primary and each worker report their own). */
function reactDomFiles(output: string): string[] {
  const lines = output.split("\n").filter((l) => l.startsWith("REACT_DOM_FILES "));
  if (lines.length === 0) throw new Error(`no report from the preload: ${output}`);
  return lines.flatMap((line) => JSON.parse(line.slice("REACT_DOM_FILES ".length)) as string[]);
}

describe("npm start's way of starting", () => {
  beforeAll(() => {
    buildForProduction();
  }, 300_000);

  it("renders with React's production build and seeds the demo by default", async () => {
    const output = await startAndStop({ DEMO_PASSWORD: "start-mode-pass" });
    const files = reactDomFiles(output);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => /development/.test(file))).toEqual([]);
    expect(files.some((file) => /production/.test(file))).toBe(true);
    expect(output).toContain("已导入演示数据");
  }, 90_000);

  it("DEMO=0 starts a real installation: only admin, with a one-time password, and none of the demo story", async () => {
    const databasePath = join(mkdtempSync(join(tmpdir(), "kanban-start-")), "app.sqlite");
    const output = await startAndStop({ DEMO: "0", DATABASE_PATH: databasePath });
    expect(output).toContain("正式安装");
    expect(output).toMatch(/用户名 admin {2}一次性密码 \S{14}/);
    expect(output).not.toContain("已导入演示数据");
    expect(reactDomFiles(output).filter((file) => /development/.test(file))).toEqual([]);
    const db = openDatabase(databasePath);
    try {
      expect((await db.selectFrom("users").select("username").execute()).map((u) => u.username)).toEqual(["admin"]);
      for (const table of ["units", "plans", "tasks", "updates", "metric_values", "comments", "task_extensions", "summaries"] as const) {
        expect(await db.selectFrom(table).selectAll().execute(), table).toEqual([]);
      }
    } finally {
      await db.destroy();
    }
  }, 90_000);
});
