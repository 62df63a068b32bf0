// `npm run test:stress`: 50 concurrent clients × 100 writes against the running app, then
// a kill -9 in the middle of a write storm. Loopback only, bounded in count and time.
// Checks: every acknowledged write is in the database; stale writes get 409, never a silent
// overwrite; no 500 and no SQLITE_BUSY reaches a user; after the crash the database is intact
// and holds every acknowledged write, with no half-applied multi-row write. Then issue 15's
// bounds (tests/stress/hardening.ts): huge forms and bodies, .docx bombs, login floods, redirects.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { sql } from "kysely";
import { openDatabase } from "../../db/index";
import { SERVER_ENTRY } from "../../app/server/build";
import { BENCH_PASSWORD, generateLargePlan, LARGE_PLAN_YEAR } from "../bench/generate";
import { ensureBuilt, login, startServer, type RunningServer } from "../bench/harness";
import { hardeningRun } from "./hardening";

const CLIENTS = 50;
const WRITES_PER_CLIENT = 100;
const dir = "tests/.tmp/stress";
const log = (message: string) => process.stdout.write(`${message}\n`);

interface Tally {
  attempted: number;
  acknowledged: number;
  conflicts: number;
  serverErrors: number;
  busy: number;
}

interface ClientPlan {
  moveTaskId: number;
  moveStatus: string;
  updateTaskId: number;
  updateUnitId: number;
}

async function post(app: RunningServer, cookie: string, path: string, form: Record<string, string>, tally: Tally) {
  tally.attempted++;
  const response = await fetch(`${app.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: cookie, Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  const body = await response.text();
  if (response.status >= 500) tally.serverErrors++;
  if (/SQLITE_BUSY|database is locked/i.test(body)) tally.busy++;
  if (response.status === 409) tally.conflicts++;
  const ok = response.status >= 200 && response.status < 400;
  if (ok) tally.acknowledged++;
  return { ok, status: response.status };
}

/** One session per client, signed in one after another (checks of one account run one at a time). */
async function signInEach(app: RunningServer, count: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < count; i++) cookies.push(await login(app, "leader", BENCH_PASSWORD));
  return cookies;
}

async function clientPlans(path: string): Promise<ClientPlan[]> {
  const db = openDatabase(path);
  const tasks = await db
    .selectFrom("tasks")
    .innerJoin("plans", "plans.id", "tasks.plan_id")
    .innerJoin("task_units", (join) => join.onRef("task_units.task_id", "=", "tasks.id").on("task_units.role", "=", "lead"))
    .select(["tasks.id", "tasks.status", "task_units.unit_id"])
    .where("plans.year", "=", LARGE_PLAN_YEAR)
    .where("tasks.status", "in", ["in_progress", "pending_review"])
    .orderBy("tasks.id")
    .limit(CLIENTS * 2)
    .execute();
  await db.destroy();
  if (tasks.length < CLIENTS * 2) throw new Error("not enough open tasks for the clients");
  // Each client owns two tasks, so its own writes to them are ordered and checkable.
  return Array.from({ length: CLIENTS }, (_, i) => ({
    moveTaskId: tasks[2 * i].id,
    moveStatus: tasks[2 * i].status,
    updateTaskId: tasks[2 * i + 1].id,
    updateUnitId: tasks[2 * i + 1].unit_id,
  }));
}

// Weeks after the generated plan's own updates (it has weeks 1–8), so each first post is new.
const weekOf = (n: number) => `${LARGE_PLAN_YEAR}-W${String(10 + (n % 40)).padStart(2, "0")}`;
// Progress never drops (a drop needs a note), so every report says 100.
const PROGRESS = "100";

async function loadTest(): Promise<Tally & { found: number; expected: number }> {
  const path = `${dir}/load.sqlite`;
  const plans = await clientPlans(path);
  const app = await startServer(SERVER_ENTRY, { DATABASE_PATH: path, NODE_ENV: "production" }, "/login");
  const tally: Tally = { attempted: 0, acknowledged: 0, conflicts: 0, serverErrors: 0, busy: 0 };
  const acknowledgedComments = new Set<string>();
  const lastMove = new Map<number, string>();
  const lastUpdateBody = new Map<string, string>();
  let staleRefusedWrongly = 0;
  try {
    const cookies = await signInEach(app, plans.length);
    await Promise.all(
      plans.map(async (plan, client) => {
        const cookie = cookies[client];
        let status = plan.moveStatus;
        for (let n = 0; n < WRITES_PER_CLIENT; n++) {
          const kind = n % 10;
          if (kind < 4) {
            const body = `压力测试评论 c${client} n${n}`;
            const result = await post(app, cookie, `/tasks/${plan.updateTaskId}/comments`, { intent: "comment", body }, tally);
            if (result.ok) acknowledgedComments.add(body);
          } else if (kind < 7) {
            const to = status === "in_progress" ? "pending_review" : "in_progress";
            const form = {
              intent: "move",
              taskId: String(plan.moveTaskId),
              toStatus: to,
              beforeId: "",
              afterId: "",
              reason: to === "in_progress" ? "压力测试驳回：补充材料" : "",
            };
            const result = await post(app, cookie, "/board.data", form, tally);
            if (result.ok) {
              status = to;
              lastMove.set(plan.moveTaskId, to);
            }
          } else if (kind < 9) {
            const week = weekOf(n);
            const body = `压力测试进展 c${client} n${n}`;
            const form = { week, unitId: String(plan.updateUnitId), body, progress: PROGRESS, nextSteps: "", blockers: "" };
            const result = await post(app, cookie, `/tasks/${plan.updateTaskId}/update`, form, tally);
            if (result.ok) lastUpdateBody.set(`${plan.updateTaskId}|${week}`, body);
          } else {
            // Two people edit last write's week from the same version 1: the first wins, the
            // second is stale and must get 409, not overwrite.
            const week = weekOf(n - 1);
            const edit = (body: string) =>
              post(
                app,
                cookie,
                `/tasks/${plan.updateTaskId}/update`,
                { week, unitId: String(plan.updateUnitId), version: "1", body, progress: PROGRESS, nextSteps: "", blockers: "" },
                tally,
              );
            const first = await edit(`修改后的进展 c${client} n${n}`);
            if (first.ok) lastUpdateBody.set(`${plan.updateTaskId}|${week}`, `修改后的进展 c${client} n${n}`);
            const stale = await edit(`过期的编辑 c${client} n${n}`);
            if (stale.ok) staleRefusedWrongly++;
          }
        }
      }),
    );
  } finally {
    await app.stop();
  }

  const db = openDatabase(path);
  let found = 0;
  const comments = await db.selectFrom("comments").select("body").where("body", "like", "压力测试评论%").execute();
  const commentCounts = new Map<string, number>();
  for (const c of comments) commentCounts.set(c.body, (commentCounts.get(c.body) ?? 0) + 1);
  for (const body of acknowledgedComments) if (commentCounts.get(body) === 1) found++;
  for (const [taskId, status] of lastMove) {
    const row = await db.selectFrom("tasks").select("status").where("id", "=", taskId).executeTakeFirstOrThrow();
    if (row.status === status) found++;
  }
  for (const [key, body] of lastUpdateBody) {
    const [taskId, week] = key.split("|");
    const row = await db
      .selectFrom("updates")
      .select("body")
      .where("task_id", "=", Number(taskId))
      .where("week", "=", week)
      .executeTakeFirst();
    if (row?.body === body) found++;
  }
  await db.destroy();
  const expected = acknowledgedComments.size + lastMove.size + lastUpdateBody.size;
  if (staleRefusedWrongly) log(`错误：${staleRefusedWrongly} 次过期编辑被接受`);
  return { ...tally, found, expected, serverErrors: tally.serverErrors + staleRefusedWrongly };
}

async function crashTest(): Promise<{ acknowledged: number; found: number; integrity: string; halfApplied: number }> {
  const path = `${dir}/crash.sqlite`;
  const plans = await clientPlans(path);
  let app = await startServer(SERVER_ENTRY, { DATABASE_PATH: path, NODE_ENV: "production" }, "/login");
  const cookies = await signInEach(app, 20);
  const acknowledged = new Set<string>();
  let stop = false;
  const storm = Promise.all(
    cookies.map(async (cookie, client) => {
      for (let n = 0; !stop && n < 500; n++) {
        const plan = plans[client];
        const body = `崩溃测试 c${client} n${n}`;
        try {
          const response = await fetch(`${app.url}/tasks/${plan.updateTaskId}/update`, {
            method: "POST",
            redirect: "manual",
            headers: { Cookie: cookie, Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
              week: weekOf(n),
              unitId: String(plan.updateUnitId),
              body,
              progress: PROGRESS,
              nextSteps: "",
              blockers: "",
            }),
          });
          await response.arrayBuffer();
          if (response.status === 302 || response.status === 303) acknowledged.add(`${plan.updateTaskId}|${weekOf(n)}|${body}`);
        } catch {
          return; // the server died under us: this write was never acknowledged
        }
      }
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 3000));
  app.process.kill("SIGKILL");
  stop = true;
  await storm;
  // Restart on the same file: recovery from the WAL must keep every acknowledged write.
  app = await startServer(SERVER_ENTRY, { DATABASE_PATH: path, NODE_ENV: "production" }, "/login");
  await app.stop();

  const db = openDatabase(path);
  const integrity = (await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)).rows[0].integrity_check;
  let found = 0;
  for (const key of acknowledged) {
    const [taskId, week, body] = key.split("|");
    const row = await db
      .selectFrom("updates")
      .select("body")
      .where("task_id", "=", Number(taskId))
      .where("week", "=", week)
      .executeTakeFirst();
    // A later acknowledged write to the same week may have replaced this one.
    const later = [...acknowledged].some((other) => other !== key && other.startsWith(`${taskId}|${week}|`) && other > key);
    if (row?.body === body || later) found++;
  }
  // Multi-row writes: every stored update has the audit row written in its transaction.
  const half = await sql<{ n: number }>`
    select count(*) as n from updates u
     where u.body like '崩溃测试%'
       and not exists (select 1 from audit_log a where a.entity = 'update' and a.entity_id = cast(u.id as text))`.execute(db);
  await db.destroy();
  return { acknowledged: acknowledged.size, found, integrity, halfApplied: Number(half.rows[0].n) };
}

async function main() {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  ensureBuilt();
  await generateLargePlan(`${dir}/load.sqlite`, { tasks: 300, leaders: 4, metrics: 40, weeks: 8 });
  copyFileSync(`${dir}/load.sqlite`, `${dir}/crash.sqlite`);
  copyFileSync(`${dir}/load.sqlite`, `${dir}/hardening.sqlite`);

  const load = await loadTest();
  log(
    `负载：${CLIENTS} 个客户端 × ${WRITES_PER_CLIENT} 次写入 — 尝试 ${load.attempted}，确认 ${load.acknowledged}，409 ${load.conflicts}，5xx ${load.serverErrors}，SQLITE_BUSY ${load.busy}；核对 ${load.found}/${load.expected}`,
  );
  const crash = await crashTest();
  log(
    `崩溃：kill -9 后重启 — integrity_check ${crash.integrity}，确认的写入 ${crash.acknowledged}，找到 ${crash.found}，半截写入 ${crash.halfApplied}`,
  );

  // Issue 15: one anonymous request must not freeze, fill or fool the server. Behind a proxy
  // (TRUST_PROXY=1) so each scenario comes from its own address.
  log("加固（问题 15）：");
  const hardApp = await startServer(
    SERVER_ENTRY,
    { DATABASE_PATH: `${dir}/hardening.sqlite`, NODE_ENV: "production", TRUST_PROXY: "1" },
    "/login",
  );
  let hardening;
  try {
    hardening = await hardeningRun({ url: hardApp.url, pid: hardApp.process.pid!, username: "leader", password: BENCH_PASSWORD }, log);
  } finally {
    await hardApp.stop();
  }

  const checks = [
    ...hardening.map((figure) => figure.ok),
    load.serverErrors === 0,
    load.busy === 0,
    load.found === load.expected,
    load.conflicts > 0,
    crash.integrity === "ok",
    crash.found === crash.acknowledged,
    crash.acknowledged > 0,
    crash.halfApplied === 0,
  ];
  const passed = checks.filter(Boolean).length;
  log(`${passed} passed, ${checks.length - passed} failed`);
  process.exit(passed === checks.length ? 0 : 1);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(2);
});
