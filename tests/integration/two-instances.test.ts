// Two app servers (the built app, app/server/main.ts) on one PostgreSQL database behave as one:
// they start together on an empty database and seed it once, a session made on one works on
// the other, failed logins count across both, and a move made through one moves the change
// counter the other's board polls. Needs TEST_DATABASE_URL (runs in the PostgreSQL run).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../db/postgres";
import { SERVER_ENTRY } from "../../app/server/build";
import { buildForProduction, freePort } from "../built-server";
import { TEST_PASSWORD } from "./helpers";
import { createDatabase, dropDatabase, testDatabaseUrl, uniqueDatabaseName } from "./pg";
import { MAX_FAILURES_PER_ACCOUNT } from "../../app/utils/rate-limit.server";
import { demoYears, UNIT_SECRETARIES } from "../../app/models/bootstrap.server";
import { todayKey } from "../../app/models/plans.server";

const pgUrl = testDatabaseUrl();

interface Instance {
  url: string;
  child: ChildProcess;
  output: () => string;
}

async function startInstance(databaseUrl: string, dataDir: string): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATABASE_PATH: join(dataDir, "app.sqlite"),
      ATTACHMENTS_DIR: join(dataDir, "attachments"),
      DEMO_PASSWORD: TEST_PASSWORD,
      NODE_ENV: "test",
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_REQUESTS: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += String(chunk)));
  child.stderr!.on("data", (chunk) => (output += String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode != null) throw new Error(`app server exited (${child.exitCode}): ${output}`);
    try {
      const response = await fetch(`${url}/login`, { redirect: "manual" });
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`app server did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, child, output: () => output };
}

function stop(instance: Instance | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!instance || instance.child.exitCode != null) return resolve();
    instance.child.once("exit", () => resolve());
    instance.child.kill("SIGTERM");
    setTimeout(() => instance.child.kill("SIGKILL"), 5000).unref();
  });
}

async function login(
  instance: Instance,
  username: string,
  password: string,
): Promise<{ status: number; cookie: string | null; body: string }> {
  const response = await fetch(`${instance.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: instance.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password }),
  });
  const body = await response.text();
  return { status: response.status, cookie: response.headers.get("set-cookie")?.split(";")[0] ?? null, body };
}

async function poll(instance: Instance, cookie: string, planId: number): Promise<number> {
  const response = await fetch(`${instance.url}/board/poll?plan=${planId}`, { headers: { Cookie: cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { seq: number }).seq;
}

describe.runIf(pgUrl)("two app servers on one PostgreSQL database", () => {
  let a: Instance | undefined;
  let b: Instance | undefined;
  const database = uniqueDatabaseName("kanban_two");
  let databaseUrl = "";

  beforeAll(async () => {
    // The servers run the built app; build it when it is missing or older than the sources.
    // NODE_ENV=production as `npm run build` has it: Vitest's NODE_ENV=test would make a
    // development bundle that later production starts (e2e, bench) would fail on.
    buildForProduction();
    databaseUrl = await createDatabase(pgUrl!, database);
    const dataDir = mkdtempSync(join(tmpdir(), "kanban-two-"));
    // Both start at once on an EMPTY database: migrations and the first-start seed must run once.
    [a, b] = await Promise.all([startInstance(databaseUrl, dataDir), startInstance(databaseUrl, dataDir)]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([stop(a), stop(b)]);
    if (pgUrl) await dropDatabase(pgUrl, database);
  });

  it("seed the empty database exactly once when started together", async () => {
    const db = openPostgres(databaseUrl);
    const users = await db.selectFrom("users").select("username").orderBy("username").execute();
    const plans = await db.selectFrom("plans").select("year").orderBy("year").execute();
    await db.destroy();
    // One account per role and one per demo unit; last year's plan and this year's (the demo story).
    const expected = ["admin", "leader", "secretary", "viewer", ...UNIT_SECRETARIES.map((u) => u.username)].sort();
    expect(users.map((u) => u.username)).toEqual(expected);
    const years = demoYears(todayKey());
    expect(plans).toEqual([{ year: years.last }, { year: years.current }]);
    expect([a!.output(), b!.output()].filter((out) => out.includes("已导入演示数据"))).toHaveLength(1);
  });

  it("accept a session made on one server on the other, and a sign-out on one ends it on both", async () => {
    const signedIn = await login(a!, "leader", TEST_PASSWORD);
    expect(signedIn.status).toBe(302);
    expect(signedIn.cookie).toMatch(/=/);
    const onB = await fetch(`${b!.url}/board`, { headers: { Cookie: signedIn.cookie! }, redirect: "manual" });
    expect(onB.status).toBe(200);
    expect(await onB.text()).toContain("看板");
    const stranger = await fetch(`${b!.url}/board`, { headers: { Cookie: "session=not-a-session" }, redirect: "manual" });
    expect(stranger.status).toBe(302);
    await stranger.arrayBuffer();

    const logout = await fetch(`${b!.url}/logout`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: signedIn.cookie!, Origin: b!.url },
    });
    await logout.arrayBuffer();
    expect([302, 303]).toContain(logout.status);
    const afterLogout = await fetch(`${a!.url}/board`, { headers: { Cookie: signedIn.cookie! }, redirect: "manual" });
    await afterLogout.arrayBuffer();
    expect(afterLogout.status).toBe(302);
    expect(afterLogout.headers.get("location")).toContain("/login");
  });

  it("count failed logins across both servers for the rate limit", async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) {
      const wrong = await login(i % 2 === 0 ? a! : b!, "viewer", "wrong-password");
      expect(wrong.status).toBe(400);
    }
    // Neither server alone saw five failures, but both refuse the right password now.
    for (const server of [a!, b!]) {
      const locked = await login(server, "viewer", TEST_PASSWORD);
      expect(locked.status).toBe(429);
      expect(locked.body).toContain("登录失败次数过多");
      expect(locked.cookie).toBeNull();
    }
  });

  it("show a move made through one server on the other's board poll", async () => {
    const { cookie } = await login(b!, "leader", TEST_PASSWORD);
    const db = openPostgres(databaseUrl);
    // This year's plan: last year's is over and refuses moves.
    const plan = await db.selectFrom("plans").select("id").where("year", "=", demoYears(todayKey()).current).executeTakeFirstOrThrow();
    const task = await db
      .selectFrom("tasks")
      .select(["id", "title", "status"])
      .where("plan_id", "=", plan.id)
      .where("status", "=", "in_progress")
      .orderBy("id")
      .limit(1)
      .executeTakeFirstOrThrow();
    const seenByB = await poll(b!, cookie!, plan.id);
    expect(await poll(a!, cookie!, plan.id)).toBe(seenByB);

    // A plain form POST of the board's move action (the page answers with the board, 200).
    const move = await fetch(`${a!.url}/board`, {
      method: "POST",
      headers: { Cookie: cookie!, Origin: a!.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "move", taskId: String(task.id), toStatus: "not_started", beforeId: "", afterId: "" }),
    });
    await move.arrayBuffer();
    expect(move.status).toBe(200);

    try {
      const row = await db.selectFrom("tasks").select("status").where("id", "=", task.id).executeTakeFirstOrThrow();
      expect(row.status).toBe("not_started");
      const stored = await db.selectFrom("plans").select("change_seq").where("id", "=", plan.id).executeTakeFirstOrThrow();
      const afterOnB = await poll(b!, cookie!, plan.id);
      expect(afterOnB).toBeGreaterThan(seenByB);
      expect(afterOnB).toBe(stored.change_seq);
      // A board that polls with the old ETag hears "changed" from the other server, not a 304.
      const conditional = await fetch(`${b!.url}/board/poll?plan=${plan.id}`, {
        headers: { Cookie: cookie!, "If-None-Match": `W/"plan-${plan.id}-${seenByB}"` },
      });
      await conditional.arrayBuffer();
      expect(conditional.status).toBe(200);
    } finally {
      await db.destroy();
    }
  });
});
