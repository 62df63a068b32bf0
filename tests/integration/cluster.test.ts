// The production server on every core: `node build/server.js` with WEB_CONCURRENCY=2 migrates
// and seeds once in the primary, prints the demo accounts once, serves from two workers that
// share sessions and writes through the database, and restarts a worker killed with -9.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/index";
import { buildForProduction, startBuiltServer, type BuiltServer } from "../built-server";

const PASSWORD = "cluster-pass-2025";

/** The primary's child processes (its workers), from Linux's /proc. */
function workerPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the production server as a cluster of workers", () => {
  let child: ChildProcess;
  let server: BuiltServer;
  let url = "";
  let databasePath = "";
  let cookie = "";

  beforeAll(async () => {
    buildForProduction();
    databasePath = join(mkdtempSync(join(tmpdir(), "kanban-cluster-")), "app.sqlite");
    server = await startBuiltServer({
      databasePath,
      env: { DEMO_PASSWORD: PASSWORD, WEB_CONCURRENCY: "2" },
      ready: "个工作进程",
    });
    child = server.child;
    url = server.url;
    const login = await fetch(`${url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "leader", password: PASSWORD }),
    });
    await login.arrayBuffer();
    expect(login.status).toBe(302);
    cookie = login.headers.get("set-cookie")!.split(";")[0];
  }, 300_000);

  afterAll(async () => {
    if (child && child.exitCode == null) {
      child.kill("SIGKILL");
      await sleep(200);
    }
  });

  it("runs two workers and prints the banner and the demo accounts once, from the primary", () => {
    expect(workerPids(child.pid!)).toHaveLength(2);
    expect(server.output().match(/年度重点工作看板已启动/g)).toHaveLength(1);
    expect(server.output()).toContain("（2 个工作进程）");
    expect(server.output().match(/已导入演示数据/g)).toHaveLength(1);
    expect(server.output().match(/ leader +密码 /g)).toHaveLength(1);
  });

  it("shares the session across workers and keeps every acknowledged concurrent write", async () => {
    const db = openDatabase(databasePath);
    const task = await db.selectFrom("tasks").select("id").orderBy("id").executeTakeFirstOrThrow();
    await db.destroy();
    const statuses = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const response = await fetch(`${url}/tasks/${task.id}/comments`, {
          method: "POST",
          redirect: "manual",
          headers: { Cookie: cookie, Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ intent: "comment", fetcher: "1", body: `多进程评论 ${i}` }),
        });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const after = openDatabase(databasePath);
    const stored = await after.selectFrom("comments").select("body").where("body", "like", "多进程评论 %").execute();
    await after.destroy();
    expect(stored).toHaveLength(40);
    // Round-robin spreads these over both workers; each knows the session from the database.
    for (let i = 0; i < 6; i++) {
      const board = await fetch(`${url}/board`, { headers: { Cookie: cookie }, redirect: "manual" });
      await board.arrayBuffer();
      expect(board.status).toBe(200);
    }
  }, 60_000);

  it("restarts a worker killed with -9, and the other keeps serving meanwhile", async () => {
    const [victim, survivor] = workerPids(child.pid!);
    process.kill(victim, "SIGKILL");
    // A kept-alive connection to the killed worker is reset; a browser sends an idempotent GET
    // again on a new connection, which the primary hands to a live worker.
    const get = (path: string) =>
      fetch(`${url}${path}`, { headers: { Cookie: cookie }, redirect: "manual" }).catch(() =>
        fetch(`${url}${path}`, { headers: { Cookie: cookie }, redirect: "manual" }),
      );
    for (let i = 0; i < 5; i++) {
      const response = await get("/board");
      await response.arrayBuffer();
      expect(response.status).toBe(200);
    }
    const deadline = Date.now() + 30_000;
    let workers = workerPids(child.pid!);
    while (!(workers.length === 2 && !workers.includes(victim)) && Date.now() < deadline) {
      await sleep(100);
      workers = workerPids(child.pid!);
    }
    expect(workers).toContain(survivor);
    expect(workers).not.toContain(victim);
    expect(workers).toHaveLength(2);
    expect(server.output()).toMatch(/工作进程 \d 异常退出（SIGKILL）/);
  }, 60_000);

  it("stops every worker on SIGTERM and exits 0", async () => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(server.output().match(/收到 SIGTERM/g)).toHaveLength(1);
  }, 30_000);
});
