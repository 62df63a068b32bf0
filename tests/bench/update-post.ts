// `update-post`: a weekly 填报 with three metric values, posted through the app's real form
// endpoint (POST /tasks/:id/update) by 20 secretaries at once, each for its own unit's tasks
// and weeks (no two posts touch the same task × unit × week). The baseline inserts the same
// rows in one transaction: the update, its three values, their audit rows, the task's progress
// and the plan's change counter — what the product must write for one 填报.
import { openDatabase } from "../../db/index";
import { BENCH_PASSWORD, LARGE_PLAN_YEAR } from "./generate";
import { expectOk, login, type RunningServer } from "./harness";

export interface Post {
  username: string;
  userId: number;
  unitId: number;
  taskId: number;
  week: string;
  metrics: { id: number; unit: string }[];
}

const SECRETARIES = 20;

/** Each secretary's posts: tasks of its unit with three metrics, split between a unit's secretaries; weeks 2025-W01 onwards. */
export async function planPosts(dbPath: string, perSecretary: number): Promise<Post[][]> {
  const db = openDatabase(dbPath);
  try {
    const secretaries = await db
      .selectFrom("users")
      .select(["id", "username", "unit_id"])
      .where("role", "=", "secretary")
      .where("username", "like", "sec%")
      .orderBy("id")
      .limit(SECRETARIES)
      .execute();
    const candidates = await db
      .selectFrom("tasks")
      .innerJoin("plans", "plans.id", "tasks.plan_id")
      .innerJoin("task_units", "task_units.task_id", "tasks.id")
      .innerJoin("metrics", "metrics.task_id", "tasks.id")
      .select(["tasks.id as taskId", "task_units.unit_id as unitId", "metrics.id as metricId", "metrics.unit"])
      .where("plans.year", "=", LARGE_PLAN_YEAR)
      .where("tasks.status", "!=", "done")
      .orderBy("tasks.id")
      .orderBy("metrics.id")
      .execute();
    const byUnit = new Map<number, Map<number, { id: number; unit: string }[]>>();
    for (const row of candidates) {
      const tasks = byUnit.get(row.unitId) ?? new Map();
      tasks.set(row.taskId, [...(tasks.get(row.taskId) ?? []), { id: row.metricId, unit: row.unit }]);
      byUnit.set(row.unitId, tasks);
    }
    const lists = secretaries.map((secretary) => {
      const colleagues = secretaries.filter((s) => s.unit_id === secretary.unit_id);
      const share = colleagues.findIndex((s) => s.id === secretary.id);
      const tasks = [...(byUnit.get(secretary.unit_id!) ?? new Map()).entries()]
        .filter(([, metrics]) => metrics.length === 3)
        .filter((_, index) => index % colleagues.length === share);
      // (The smoke run's small plan leaves some secretaries without such a task.)
      if (tasks.length === 0) return [];
      return Array.from({ length: perSecretary }, (_, i) => {
        const [taskId, metrics] = tasks[i % tasks.length];
        const week = `2025-W${String(1 + Math.floor(i / tasks.length)).padStart(2, "0")}`;
        return { username: secretary.username, userId: secretary.id, unitId: secretary.unit_id!, taskId, week, metrics };
      });
    });
    const posting = lists.filter((list) => list.length > 0);
    if (posting.length === 0) throw new Error("no secretary has a task with three metrics");
    return posting;
  } finally {
    await db.destroy();
  }
}

const valueFor = (metric: { unit: string }, i: number) => (metric.unit === "%" ? 90 + (i % 10) : 3 + (i % 7));

/** Seconds per post (wall time ÷ posts) with every secretary posting its own list concurrently. */
async function timed(lists: Post[][], post: (p: Post, i: number, list: number) => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await Promise.all(
    lists.map(async (list, l) => {
      for (const [i, p] of list.entries()) await post(p, i, l);
    }),
  );
  const count = lists.reduce((sum, list) => sum + list.length, 0);
  return Number(process.hrtime.bigint() - started) / 1e9 / count;
}

export async function updatePost(
  app: RunningServer,
  base: RunningServer,
  baselineDb: string,
  perSecretary: number,
  warmPerSecretary = 1,
  roundCount = 5,
) {
  // The first posts of each secretary warm both servers up; the measured ones follow (later weeks).
  const lists = await planPosts(baselineDb, perSecretary + warmPerSecretary);
  const warm = lists.map((list) => list.slice(0, warmPerSecretary));
  const measured = lists.map((list) => list.slice(warmPerSecretary));
  // Logged in one after another, as people do (20 argon2 hashes at once would spike memory).
  const cookies: string[] = [];
  for (const list of lists) cookies.push(await login(app, list[0].username, BENCH_PASSWORD));

  const ours = async (p: Post, i: number, l: number) => {
    const form = new URLSearchParams({
      week: p.week,
      body: `第${i + 1}次填报：本周按计划推进，完成走访和台账整理。`,
      progress: "100",
      nextSteps: "继续推进",
      blockers: "",
      back: `/board/${p.taskId}`,
    });
    for (const m of p.metrics) form.set(`metric_${m.id}`, String(valueFor(m, i)));
    await expectOk(
      await fetch(`${app.url}/tasks/${p.taskId}/update`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: cookies[l], Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
        body: form,
      }),
      [302],
    );
  };
  const baseline = async (p: Post, i: number) => {
    const params = new URLSearchParams({
      taskId: String(p.taskId),
      unitId: String(p.unitId),
      userId: String(p.userId),
      week: p.week,
      progress: "100",
    });
    for (const m of p.metrics) params.append("value", `${m.id}:${valueFor(m, i)}`);
    await expectOk(await fetch(`${base.url}/update?${params}`, { method: "POST" }));
  };

  await timed(warm, ours);
  await timed(warm, baseline);
  // The measured posts in alternating rounds (each secretary's next posts, ours then the
  // baseline's), like the other cases: a burst of someone else's load falls on both sides.
  let oursSeconds = 0;
  let baselineSeconds = 0;
  const rounds = Math.min(roundCount, perSecretary);
  for (let round = 0; round < rounds; round++) {
    const from = Math.floor((perSecretary * round) / rounds);
    const to = Math.floor((perSecretary * (round + 1)) / rounds);
    const slice = measured.map((list) => list.slice(from, to));
    // Each post keeps its number in the secretary's list (it picks the values written).
    oursSeconds += (await timed(slice, (p, i, l) => ours(p, i + from, l))) * (to - from);
    baselineSeconds += (await timed(slice, (p, i) => baseline(p, i + from))) * (to - from);
  }
  return { ours: oursSeconds / perSecretary, baseline: baselineSeconds / perSecretary };
}
