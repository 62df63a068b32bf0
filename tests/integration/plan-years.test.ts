// Which year opens by default, the new-year banner, and a plan that has not started (未开始):
// with a past, a current and a future plan, all relative to today's year (Shanghai).
import { beforeAll, describe, expect, it } from "vitest";
import * as boardRoute from "../../app/routes/board/route";
import * as reportsRoute from "../../app/routes/reports";
import * as kpiRoute from "../../app/routes/kpi/route";
import { createPlan } from "../../app/models/plans.server";
import { createTask } from "../../app/routes/board/tasks.server";
import { todayKey } from "../../app/models/plans.server";
import { getTodo, countTodo } from "../../app/models/todo.server";
import { urgeMany, urgeUnit } from "../../app/models/comments.server";
import { yearOfDateKey } from "../../app/lib/plan-year";
import { isRefusal } from "../../app/lib/refusal";
import { getDb } from "../../app/utils/db.server";
import type { Actor } from "../../app/utils/permissions";
import { callLoader, cookieFor, makeRequest } from "./helpers";

const thisYear = yearOfDateKey(todayKey());
let actors: Record<string, Actor>;
const cookies: Record<string, string> = {};
let unitId: number;

async function board(username: string, search = "") {
  return callLoader(boardRoute.loader, makeRequest(`/board${search}`, { cookie: cookies[username] }));
}

async function planWithTask(year: number, title: string) {
  const plan = await createPlan(getDb(), actors.admin.id, { year, title: `${year}年重点工作`, organization: "平东街道" });
  const task = await createTask(getDb(), actors.leader, {
    planId: plan.id,
    title,
    status: "not_started",
    leadUnitId: unitId,
    supportUnitIds: [],
    leadUserId: actors.leader.id,
    dueDate: `${year}-12-31`,
    metrics: [],
  } as never);
  return { plan, task };
}

beforeAll(async () => {
  const db = getDb();
  const users = await db.selectFrom("users").select(["id", "username", "role", "unit_id"]).execute();
  actors = Object.fromEntries(users.map((u) => [u.username, { id: u.id, role: u.role, unitId: u.unit_id }]));
  unitId = actors.secretary.unitId!;
  for (const name of ["admin", "leader", "secretary", "viewer"]) cookies[name] = await cookieFor(name);
  // The demo plan is a past year; make sure today's year has no plan to begin with.
  const years = (await db.selectFrom("plans").select("year").execute()).map((p) => p.year);
  expect(years.every((year) => year < thisYear)).toBe(true);
});

describe("plan years", () => {
  it("with only past plans: the newest opens, and leaders and admins see the new-year banner", async () => {
    const leader = await board("leader");
    expect(leader.data.plan.year).toBeLessThan(thisYear);
    expect(leader.data.newYear).toMatchObject({ year: thisYear });
    expect((await board("admin")).data.newYear).toMatchObject({ year: thisYear });
    expect((await board("secretary")).data.newYear).toBeNull();
    expect((await board("viewer")).data.newYear).toBeNull();
  });

  it("a future plan never opens by default; its tasks are 未开始, not due, and cannot be urged", async () => {
    const past = (await board("leader")).data.plan.year;
    const { plan, task } = await planWithTask(thisYear + 1, "明年才开始的工作");
    expect((await board("leader")).data.plan.year).toBe(past);
    expect((await callLoader(kpiRoute.loader, makeRequest("/kpi", { cookie: cookies.leader }))).data.plan.year).toBe(past);
    expect((await callLoader(reportsRoute.loader, makeRequest("/reports", { cookie: cookies.leader }))).data.plan.year).toBe(past);

    // Chosen, it shows its cards with the grey 未开始 light.
    const future = await board("leader", `?year=${thisYear + 1}`);
    const card = future.data.board.cards.find((c: { id: number }) => c.id === task.id);
    expect(card.light).toMatchObject({ light: "upcoming", reasons: [`${thisYear + 1}年1月1日开始`] });
    expect(future.data.board.lights.upcoming).toBe(1);

    // 填报情况 of the future plan owes nothing; 我的待办 does not list it; the badge does not count it.
    const reports = await callLoader(reportsRoute.loader, makeRequest(`/reports?year=${thisYear + 1}`, { cookie: cookies.leader }));
    expect(reports.data.matrix.rows).toEqual([]);
    const todo = await getTodo(getDb(), actors.secretary, new Date(), todayKey());
    expect(todo.due.map((d) => d.taskId)).not.toContain(task.id);
    const before = await countTodo(getDb(), actors.secretary, new Date());

    // 催办 is refused in Chinese and writes nothing; 一键催办 skips it.
    await expect(urgeUnit(getDb(), actors.leader, { taskId: task.id, unitId, note: "" })).rejects.toSatisfy((thrown: unknown) => {
      return isRefusal(thrown) && thrown.status === 400 && /才开始.*不能催办/.test(thrown.message);
    });
    expect(await urgeMany(getDb(), actors.leader, [{ taskId: task.id, unitId }], "请填报", new Date())).toEqual({ sent: 0, skipped: 1 });
    const urges = await getDb().selectFrom("comments").select("id").where("task_id", "=", task.id).execute();
    expect(urges).toEqual([]);
    expect(await countTodo(getDb(), actors.secretary, new Date())).toBe(before);
    expect(plan.year).toBe(thisYear + 1);
  });

  it("once today's year has a plan it opens by default and the banner is gone", async () => {
    const { task } = await planWithTask(thisYear, "今年的工作");
    const leader = await board("leader");
    expect(leader.data.plan.year).toBe(thisYear);
    expect(leader.data.newYear).toBeNull();
    expect(leader.data.board.cards.find((c: { id: number }) => c.id === task.id).light.light).not.toBe("upcoming");
    // Its task is due this week for the secretary's unit.
    const todo = await getTodo(getDb(), actors.secretary, new Date(), todayKey());
    expect(todo.due.map((d) => d.taskId)).toContain(task.id);
  });
});
