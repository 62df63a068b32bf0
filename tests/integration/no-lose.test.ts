// Never lose work, never overwrite it silently: stale moves, field merges, 填报 idempotency.
import { beforeAll, describe, expect, it } from "vitest";
import * as board from "../../app/routes/board/route";
import * as editRoute from "../../app/routes/board.$taskId_.edit";
import * as updateRoute from "../../app/routes/tasks.$taskId.update/route";
import { SUBMISSION_KEY_DAYS } from "../../app/routes/tasks.$taskId.update/submission-keys.server";
import { weekKeyOf } from "../../app/lib/weeks";
import { createTask } from "../../app/routes/board/tasks.server";
import { generateSummary, getLatestSummary } from "../../app/routes/summary/summary.server";
import { saveSummarySection } from "../../app/routes/summary/section-save.server";
import { getDb } from "../../app/utils/db.server";
import type { Actor } from "../../app/utils/permissions";
import { callAction, callLoader, loadDemoSetting, makeRequest } from "./helpers";

let planId: number;
let actors: Record<string, Actor>;
let units: Record<string, number>;
let cookies: Record<string, string>;

beforeAll(async () => {
  ({ planId, actors, units, cookies } = await loadDemoSetting());
});

async function newTask(title: string) {
  return createTask(getDb(), actors.leader, {
    planId,
    title,
    leadUnitId: units["东晟社区"],
    supportUnitIds: [],
    leadUserId: actors.leader.id,
    dueDate: "2025-12-31",
  });
}

const taskRow = (taskId: number) => getDb().selectFrom("tasks").selectAll().where("id", "=", taskId).executeTakeFirstOrThrow();

function move(username: string, form: Record<string, string>) {
  return callAction(
    board.action,
    makeRequest("/board", { cookie: cookies[username], form: { intent: "move", beforeId: "", afterId: "", reason: "", ...form } }),
  );
}

describe("versioned moves", () => {
  it("refuses a move from a stale board with 409 saying who moved it where and when; the first move stands", async () => {
    const task = await newTask("过期看板移动");
    const drawn = (await taskRow(task.id)).version;
    const first = await move("leader", { taskId: String(task.id), toStatus: "pending_review", version: String(drawn) });
    expect(first.status).toBe(200);
    const stale = await move("admin", { taskId: String(task.id), toStatus: "in_progress", version: String(drawn) });
    expect(stale.status).toBe(409);
    expect(stale.data.ok).toBe(false);
    expect(stale.data.message).toContain("刘主任");
    expect(stale.data.message).toContain("待验收");
    expect(stale.data.message).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    const row = await taskRow(task.id);
    expect(row.status).toBe("pending_review");
    expect(row.version).toBe(drawn + 1);
  });

  it("lets the same person move a card again before the board caught up with their first move", async () => {
    const task = await newTask("连续移动");
    const drawn = (await taskRow(task.id)).version;
    expect((await move("leader", { taskId: String(task.id), toStatus: "in_progress", version: String(drawn) })).status).toBe(200);
    expect((await move("leader", { taskId: String(task.id), toStatus: "pending_review", version: String(drawn) })).status).toBe(200);
    expect((await taskRow(task.id)).status).toBe("pending_review");
  });

  it("refuses a stale no-JS 移动到 with the same message and keeps the card where it is", async () => {
    const task = await newTask("无脚本过期移动");
    const drawn = (await taskRow(task.id)).version;
    await move("leader", { taskId: String(task.id), toStatus: "pending_review", version: String(drawn) });
    const outcome = await callAction(
      board.action,
      makeRequest("/board", {
        cookie: cookies.admin,
        form: { intent: "moveTo", taskId: String(task.id), target: "in_progress:top", version: String(drawn), back: "" },
      }),
    );
    expect(outcome.status).toBe(409);
    expect(outcome.data).toMatchObject({ ok: false, intent: "moveTo", taskId: task.id });
    expect(outcome.data.message).toContain("刘主任");
    expect((await taskRow(task.id)).status).toBe("pending_review");
  });

  it("the board loader says who made each recent move, so others' boards can name the mover", async () => {
    const task = await newTask("谁移动的");
    const drawn = (await taskRow(task.id)).version;
    await move("leader", { taskId: String(task.id), toStatus: "in_progress", version: String(drawn) });
    const loaded = await callLoader(board.loader, makeRequest("/board?year=2025", { cookie: cookies.viewer }));
    const recent = (loaded.data as { board: { recentMoves: { taskId: number; to: string; version: number; actorName: string }[] } }).board
      .recentMoves;
    expect(recent.find((m) => m.taskId === task.id)).toMatchObject({ to: "in_progress", version: drawn + 1, actorName: "刘主任" });
  });
});

describe("field merges of task edits", () => {
  function editForm(version: number, overrides: Record<string, string | string[]> = {}) {
    return {
      intent: "save",
      version: String(version),
      title: "合并测试",
      description: "",
      category: "城市管理",
      origin: "manual",
      originRef: "",
      leadUserId: String(actors.leader.id),
      leadUnitId: String(units["东晟社区"]),
      supportUnitIds: [] as string[],
      startDate: "",
      dueDate: "2025-12-31",
      metricId: [""],
      metricName: [""],
      metricUnit: [""],
      metricBaseline: [""],
      metricTarget: [""],
      metricDirection: ["up"],
      metricAggregation: ["sum"],
      ...overrides,
    };
  }
  async function setup(title: string) {
    const task = await createTask(getDb(), actors.leader, {
      planId,
      title,
      category: "城市管理",
      leadUnitId: units["东晟社区"],
      supportUnitIds: [],
      leadUserId: actors.leader.id,
      dueDate: "2025-12-31",
    });
    return { task, version: (await taskRow(task.id)).version, params: { taskId: String(task.id) } };
  }
  const save = (who: string, taskId: number, form: Record<string, string | string[]>) =>
    callAction(editRoute.action, makeRequest(`/board/${taskId}/edit?year=2025`, { cookie: cookies[who], form }), {
      params: { taskId: String(taskId) },
    });

  it("A changes 类别 and B the title from the same version: both saved, no conflict, B told what was merged", async () => {
    const { task, version } = await setup("合并测试");
    const a = await save("leader", task.id, editForm(version, { category: "民生保障" }));
    expect(a.status).toBe(302);
    const b = await save("admin", task.id, editForm(version, { title: "合并测试（改名）" }));
    expect(b.status).toBe(302);
    expect(decodeURIComponent(b.location!)).toContain("merged=类别");
    const row = await taskRow(task.id);
    expect(row).toMatchObject({ title: "合并测试（改名）", category: "民生保障", version: version + 2 });
  });

  it("an imported task (no full record of its first version) still merges 类别 and title from the same version", async () => {
    const db = getDb();
    // Seed tasks come from the importer, whose record of a task is not a full state.
    const task = await db
      .selectFrom("tasks")
      .selectAll()
      .where("plan_id", "=", planId)
      .where("code", "=", "2025-04")
      .executeTakeFirstOrThrow();
    const links = await db.selectFrom("task_units").select(["unit_id", "role"]).where("task_id", "=", task.id).execute();
    const metrics = await db.selectFrom("metrics").selectAll().where("task_id", "=", task.id).orderBy("sort_order").orderBy("id").execute();
    const form = (overrides: Record<string, string | string[]>) => ({
      ...editForm(task.version, {
        title: task.title,
        description: task.description ?? "",
        category: task.category ?? "",
        origin: task.origin,
        originRef: task.origin_ref ?? "",
        leadUserId: task.lead_user_id == null ? "" : String(task.lead_user_id),
        leadUnitId: String(links.find((l) => l.role === "lead")?.unit_id ?? ""),
        supportUnitIds: links.filter((l) => l.role === "support").map((l) => String(l.unit_id)),
        startDate: task.start_date ?? "",
        dueDate: task.due_date ?? "",
        metricId: [...metrics.map((m) => String(m.id)), ""],
        metricName: [...metrics.map((m) => m.name), ""],
        metricUnit: [...metrics.map((m) => m.unit), ""],
        metricBaseline: [...metrics.map((m) => (m.baseline == null ? "" : String(m.baseline))), ""],
        metricTarget: [...metrics.map((m) => (m.target == null ? "" : String(m.target))), ""],
        metricDirection: [...metrics.map((m) => m.direction), "up"],
        metricAggregation: [...metrics.map((m) => m.aggregation), "sum"],
      }),
      ...overrides,
    });
    const a = await save("leader", task.id, form({ category: "民生保障" }));
    expect(a.status).toBe(302);
    const b = await save("admin", task.id, form({ title: `${task.title}（改）` }));
    expect(b.status).toBe(302);
    expect((await taskRow(task.id)).category).toBe("民生保障");
    expect((await taskRow(task.id)).title).toBe(`${task.title}（改）`);
  });

  it("overlapping title edits conflict on the title only; the other field is kept; a per-field choice settles it", async () => {
    const { task, version } = await setup("合并测试");
    expect((await save("leader", task.id, editForm(version, { title: "甲的名称", category: "民生保障" }))).status).toBe(302);
    const b = await save("admin", task.id, editForm(version, { title: "乙的名称", dueDate: "2025-11-30" }));
    expect(b.status).toBe(409);
    expect(b.data.conflict.fields.map((f: { field: string }) => f.field)).toEqual(["名称"]);
    expect(b.data.conflict.fields[0]).toMatchObject({ before: "合并测试", theirs: "甲的名称", mine: "乙的名称" });
    expect(b.data.conflict.merged).toEqual(["类别"]);
    expect(await taskRow(task.id)).toMatchObject({ title: "甲的名称", category: "民生保障", due_date: "2025-12-31" });
    // B keeps A's title and their own 完成时限; A's 类别 is not reverted.
    const settled = await save("admin", task.id, {
      ...editForm(version, { title: "乙的名称", dueDate: "2025-11-30" }),
      seenVersion: String(b.data.conflict.currentVersion),
      "resolve.title": "theirs",
    });
    expect(settled.status).toBe(302);
    expect(await taskRow(task.id)).toMatchObject({ title: "甲的名称", category: "民生保障", due_date: "2025-11-30" });
  });

  it("a save that changes nothing never conflicts and writes nothing; after it, another stale save still merges", async () => {
    const { task, version } = await setup("合并测试");
    const noop = await save("leader", task.id, editForm(version));
    expect(noop.status).toBe(302);
    expect((await taskRow(task.id)).version).toBe(version);
    // A moves the card (version +1); B's unchanged save from the old version is still no conflict.
    await move("leader", { taskId: String(task.id), toStatus: "in_progress", version: String(version) });
    const stale = await save("admin", task.id, editForm(version));
    expect(stale.status).toBe(302);
    const edited = await save("admin", task.id, editForm(version, { category: "安全生产" }));
    expect(edited.status).toBe(302);
    expect(await taskRow(task.id)).toMatchObject({ status: "in_progress", category: "安全生产" });
  });
});

/** An open task of 东晟社区 that its secretary can report on this week. */
const reportableTask = (title: string) =>
  createTask(getDb(), actors.leader, {
    planId,
    title,
    status: "in_progress",
    leadUnitId: units["东晟社区"],
    supportUnitIds: [],
    leadUserId: actors.leader.id,
    startDate: "2025-01-01",
    dueDate: "2099-12-31",
  });

describe("填报 with an idempotency key", () => {
  it("stores the same 填报 submitted twice with one key once, answering both as saved", async () => {
    const task = await reportableTask("断网重发");
    const form = {
      week: weekKeyOf(new Date()),
      body: "断网前写好的进展",
      progress: "40",
      idempotencyKey: "k-offline-0001-abcdef",
      back: "/todo",
    };
    const post = () =>
      callAction(updateRoute.action, makeRequest(`/tasks/${task.id}/update`, { cookie: cookies.secretary, form }), {
        params: { taskId: String(task.id) },
      });
    const first = await post();
    expect(first.status).toBe(302);
    const again = await post();
    expect(again.status).toBe(302);
    expect(again.location).toBe("/todo");
    const rows = await getDb().selectFrom("updates").selectAll().where("task_id", "=", task.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ body: "断网前写好的进展", version: 1 });
    const { idempotencyKey: _key, ...plain } = form;
    const unkeyed = await callAction(
      updateRoute.action,
      makeRequest(`/tasks/${task.id}/update`, { cookie: cookies.secretary, form: plain }),
      {
        params: { taskId: String(task.id) },
      },
    );
    // Without a key the same second post changes nothing: no conflict, no second write.
    expect(unkeyed.status).toBe(302);
    const after = await getDb().selectFrom("updates").selectAll().where("task_id", "=", task.id).execute();
    expect(after).toHaveLength(1);
    expect(after[0].version).toBe(1);
    // A different text from a form drawn before the first 填报 existed does conflict.
    const other = await callAction(
      updateRoute.action,
      makeRequest(`/tasks/${task.id}/update`, { cookie: cookies.secretary, form: { ...plain, body: "另一段进展" } }),
      { params: { taskId: String(task.id) } },
    );
    expect(other.status).toBe(409);
    // Another user cannot replay someone's key.
    const replay = await callAction(
      updateRoute.action,
      makeRequest(`/tasks/${task.id}/update`, { cookie: cookies.leader, form: { ...form, unitId: String(units["东晟社区"]) } }),
      {
        params: { taskId: String(task.id) },
      },
    );
    expect(replay.status).toBe(400);
    // The key belongs to that task's 填报: sent with another task it is refused, not answered as saved.
    const otherTask = await reportableTask("断网重发（另一项）");
    const misplaced = await callAction(
      updateRoute.action,
      makeRequest(`/tasks/${otherTask.id}/update`, { cookie: cookies.secretary, form }),
      { params: { taskId: String(otherTask.id) } },
    );
    expect(misplaced.status).toBe(400);
    expect(JSON.stringify(misplaced.data)).toContain("提交编号已用于其他填报");
    expect(await getDb().selectFrom("updates").selectAll().where("task_id", "=", otherTask.id).execute()).toHaveLength(0);

    // The task deleted while the phone was offline: its resend is told the 填报 is gone.
    await getDb().deleteFrom("tasks").where("id", "=", task.id).execute();
    const gone = await post();
    expect(gone.status).toBe(404);
    expect(JSON.stringify(gone.data)).toContain("已不存在");
  });
});

describe("remembered idempotency keys", () => {
  it("forgets keys older than the retention window when a new keyed 填报 is stored, and keeps recent ones", async () => {
    const task = await reportableTask("旧提交编号清理");
    const day = 86_400_000;
    const old = new Date(Date.now() - (SUBMISSION_KEY_DAYS + 1) * day).toISOString();
    const recent = new Date(Date.now() - (SUBMISSION_KEY_DAYS - 1) * day).toISOString();
    await getDb()
      .insertInto("submission_keys")
      .values([
        { key: "k-expired-000000001", user_id: actors.secretary.id, result_json: "{}", created_at: old },
        { key: "k-recent-0000000001", user_id: actors.secretary.id, result_json: "{}", created_at: recent },
      ])
      .execute();
    const form = {
      week: weekKeyOf(new Date()),
      body: "清理后的进展",
      progress: "10",
      idempotencyKey: "k-prune-0001-abcdef",
      back: "/todo",
    };
    const posted = await callAction(updateRoute.action, makeRequest(`/tasks/${task.id}/update`, { cookie: cookies.secretary, form }), {
      params: { taskId: String(task.id) },
    });
    expect(posted.status).toBe(302);
    const keys = (await getDb().selectFrom("submission_keys").select("key").execute()).map((r) => r.key);
    expect(keys).not.toContain("k-expired-000000001");
    expect(keys).toEqual(expect.arrayContaining(["k-recent-0000000001", "k-prune-0001-abcdef"]));
  });
});

describe("field merges of 填报 edits", () => {
  async function reportedTask(title: string) {
    const task = await reportableTask(title);
    const week = weekKeyOf(new Date());
    const base = { week, body: "原来的进展", progress: "30", nextSteps: "原来的计划", blockers: "", back: `/board/${task.id}` };
    const post = (username: string, form: Record<string, string>) =>
      callAction(updateRoute.action, makeRequest(`/tasks/${task.id}/update`, { cookie: cookies[username], form }), {
        params: { taskId: String(task.id) },
      });
    expect((await post("secretary", base)).status).toBe(302);
    const row = () => getDb().selectFrom("updates").selectAll().where("task_id", "=", task.id).executeTakeFirstOrThrow();
    const asLeader = { ...base, unitId: String(units["东晟社区"]) };
    return { task, base, post, row, asLeader };
  }

  it("A changes 下步计划 and B the 本周进展 from the same version: both saved, B told what was merged", async () => {
    const { base, post, row, asLeader } = await reportedTask("填报合并");
    const drawn = (await row()).version;
    expect((await post("secretary", { ...base, version: String(drawn), nextSteps: "秘书改的计划" })).status).toBe(302);
    const second = await post("leader", { ...asLeader, version: String(drawn), body: "领导改的进展" });
    expect(second.status).toBe(302);
    expect(decodeURIComponent(second.location!)).toContain("merged=下步计划");
    expect(await row()).toMatchObject({ body: "领导改的进展", next_steps: "秘书改的计划", version: drawn + 2 });
  });

  it("overlapping 本周进展 edits conflict on that field only, with others' other changes merged into the form", async () => {
    const { base, post, row, asLeader } = await reportedTask("填报冲突");
    const drawn = (await row()).version;
    await post("secretary", { ...base, version: String(drawn), body: "秘书的进展", progress: "50" });
    const second = await post("leader", { ...asLeader, version: String(drawn), body: "领导的进展" });
    expect(second.status).toBe(409);
    expect(second.data.errors._form).toContain("「本周进展」");
    expect(second.data.errors._form).not.toContain("「完成进度」");
    expect(second.data.values).toMatchObject({ body: "领导的进展", progress: "50" });
    expect(await row()).toMatchObject({ body: "秘书的进展", progress: 50, version: drawn + 1 });
  });

  it("a stale 填报 save that changes nothing never conflicts and writes nothing", async () => {
    const { base, post, row, asLeader } = await reportedTask("填报无改动");
    const drawn = (await row()).version;
    await post("secretary", { ...base, version: String(drawn), body: "秘书又改了" });
    const same = await post("leader", { ...asLeader, version: String(drawn) });
    expect(same.status).toBe(302);
    expect(await row()).toMatchObject({ body: "秘书又改了", version: drawn + 1 });
  });
});

describe("field merges of summary sections", () => {
  it("merges 标题 and 正文 edits of one section from the same revision; both changing 正文 conflicts; a no-change save never does", async () => {
    const db = getDb();
    const generated = await generateSummary(db, actors.leader.id, planId, null);
    const section = generated.content.document.sections.find((s) => s.key === "problems")!;
    const rev = generated.content.revs.problems;
    const save = (actor: Actor, edit: { heading: string | null; body: string }) =>
      saveSummarySection(db, actor, planId, { key: "problems", baseRev: rev, ...edit });

    // A changes the heading, B (from the same revision) the body: both kept, B told of the merge.
    await save(actors.leader, { heading: "三、存在的主要问题", body: section.body });
    const merged = await save(actors.admin, { heading: section.heading, body: `${section.body}\n4.新增的问题。` });
    expect(merged.merged).toEqual(["标题"]);
    // The answer carries the merged section, so the open editor can take in the other person's 标题.
    expect(merged.section).toEqual({ heading: "三、存在的主要问题", body: `${section.body}\n4.新增的问题。` });
    const latest = (await getLatestSummary(db, planId))!.content.document.sections.find((s) => s.key === "problems")!;
    expect(latest).toMatchObject({ heading: "三、存在的主要问题", body: `${section.body}\n4.新增的问题。` });
    // The audit records the section as saved, the other person's 标题 included.
    const audit = await db
      .selectFrom("audit_log")
      .select("after_json")
      .where("action", "=", "summary.edit")
      .where("actor_id", "=", actors.admin.id)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.after_json!)).toEqual({
      section: "problems",
      heading: "三、存在的主要问题",
      body: `${section.body}\n4.新增的问题。`,
    });

    // A no-change save from the old revision: no conflict, nothing written.
    const versions = (await getLatestSummary(db, planId))!.version;
    const unchanged = await save(actors.viewer, { heading: section.heading, body: section.body });
    expect(unchanged.version).toBe(versions);

    // Both changed the body: a conflict, and the first save stands.
    await expect(save(actors.viewer, { heading: section.heading, body: "覆盖" })).rejects.toMatchObject({ status: 409 });
    expect((await getLatestSummary(db, planId))!.content.document.sections.find((s) => s.key === "problems")!.body).toContain(
      "4.新增的问题。",
    );
  });
});
