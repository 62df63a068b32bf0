import { beforeAll, describe, expect, it } from "vitest";
import * as board from "../../app/routes/board/route";
import * as detailRoute from "../../app/routes/board.$taskId";
import * as editRoute from "../../app/routes/board.$taskId_.edit";
import * as meetingRoute from "../../app/routes/board_.meeting";
import * as pollRoute from "../../app/routes/board_.poll";
import { createTask } from "../../app/routes/board/tasks.server";
import { STATUSES, type TaskStatus } from "../../app/lib/board";
import { getDb } from "../../app/utils/db.server";
import type { Actor } from "../../app/utils/permissions";
import { callAction, callLoader, loadDemoSetting, makeRequest } from "./helpers";
import { getChangeSeq } from "../../app/models/plans.server";

let planId: number;
let actors: Record<string, Actor>;
let units: Record<string, number>;
let cookies: Record<string, string>;

beforeAll(async () => {
  ({ planId, actors, units, cookies } = await loadDemoSetting());
});

async function newTask(title: string, overrides: Partial<Parameters<typeof createTask>[2]> = {}) {
  return createTask(getDb(), actors.leader, {
    planId,
    title,
    leadUnitId: units["东晟社区"],
    supportUnitIds: [units["龙腾社区"]],
    leadUserId: actors.leader.id,
    dueDate: "2025-12-31",
    ...overrides,
  });
}

async function setStatus(taskId: number, status: TaskStatus) {
  await getDb().updateTable("tasks").set({ status }).where("id", "=", taskId).execute();
}

async function taskRow(taskId: number) {
  return getDb().selectFrom("tasks").selectAll().where("id", "=", taskId).executeTakeFirstOrThrow();
}

function move(username: string, form: Record<string, string>) {
  return callAction(
    board.action,
    makeRequest("/board", { cookie: cookies[username], form: { intent: "move", beforeId: "", afterId: "", reason: "", ...form } }),
  );
}

describe("board loader", () => {
  it("shows the plan's cards with code, units, leader, light and reason", async () => {
    const task = await newTask("老旧小区消防通道整治", { category: "城市管理", originRef: "四.5", origin: "key_work" });
    expect(task.code).toMatch(/^2025-\d{2,}$/);
    const outcome = await callLoader(board.loader, makeRequest("/board?year=2025", { cookie: cookies.viewer }));
    expect(outcome.status).toBe(200);
    const card = outcome.data.board.cards.find((c: { id: number }) => c.id === task.id);
    expect(card).toMatchObject({
      code: task.code,
      title: "老旧小区消防通道整治",
      originRef: "四.5",
      leadUnit: { name: "东晟社区" },
      supportUnits: [{ name: "龙腾社区" }],
      leadUser: { name: "刘主任" },
      status: "not_started",
    });
    expect(["green", "yellow", "red"]).toContain(card.light.light);
    expect(outcome.data.plan.changeSeq).toBeGreaterThan(0);
  });

  it("filters by unit, leader, category, light and text, all from the URL", async () => {
    const a = await newTask("辖区企业安全生产大排查", { category: "安全生产", leadUnitId: units["安全生产办公室"], supportUnitIds: [] });
    const b = await newTask("社区养老服务站提质", {
      category: "民生保障",
      leadUnitId: units["丰翼社区"],
      supportUnitIds: [units["东晟社区"]],
    });
    // The plan may hold other tasks (the seed's): check that every result matches, and ours are in.
    const cards = async (search: string) =>
      (await callLoader(board.loader, makeRequest(`/board${search}`, { cookie: cookies.leader }))).data.board.cards as {
        id: number;
        title: string;
        category: string;
        leadUnit: { id: number } | null;
        supportUnits: { id: number }[];
        leadUser: { id: number } | null;
      }[];
    const ids = async (search: string) => (await cards(search)).map((c) => c.id);
    const fengyi = await cards(`?year=2025&unit=${units["丰翼社区"]}`);
    expect(fengyi.map((c) => c.id)).toContain(b.id);
    expect(fengyi.map((c) => c.id)).not.toContain(a.id);
    for (const c of fengyi) expect([c.leadUnit?.id, ...c.supportUnits.map((u) => u.id)]).toContain(units["丰翼社区"]);
    expect(await ids(`?year=2025&unit=${units["东晟社区"]}`)).toContain(b.id); // 配合单位 counts
    const safety = await cards("?year=2025&category=安全生产");
    expect(safety.map((c) => c.id)).toContain(a.id);
    expect(safety.every((c) => c.category === "安全生产")).toBe(true);
    const search = await cards(`?year=2025&q=${encodeURIComponent("社区养老服务站提质")}`);
    expect(search.map((c) => c.id)).toEqual([b.id]);
    expect(await ids(`?year=2025&q=${encodeURIComponent(a.code)}`)).toEqual([a.id]);
    const byAdmin = await cards(`?year=2025&leader=${actors.admin.id}`);
    expect(byAdmin.every((c) => c.leadUser?.id === actors.admin.id)).toBe(true);
    expect(byAdmin.map((c) => c.id)).not.toContain(a.id);
    const all = await ids("?year=2025");
    const lights = (await callLoader(board.loader, makeRequest("/board?year=2025", { cookie: cookies.leader }))).data.board.cards.map(
      (c: { light: { light: string } }) => c.light.light,
    );
    const red = await ids("?year=2025&light=red");
    expect(red.length).toBe(lights.filter((l: string) => l === "red").length);
    expect(all.length).toBeGreaterThanOrEqual(red.length);
  });

  it("says there is no plan for an unknown year instead of failing", async () => {
    const outcome = await callLoader(board.loader, makeRequest("/board?year=2031", { cookie: cookies.leader }));
    expect(outcome.status).toBe(200);
    expect(outcome.data.plan).toBeNull();
  });
});

describe("moves: every role × every transition", () => {
  const OPEN: TaskStatus[] = ["not_started", "in_progress", "pending_review"];
  const expected = (who: string, from: TaskStatus, to: TaskStatus): number => {
    if (who === "admin" || who === "leader") return 200;
    if (who === "secretary:own") return OPEN.includes(from) && OPEN.includes(to) ? 200 : 403;
    return 403; // another unit's secretary, viewer
  };

  it("allows or refuses with 403 exactly as the roles table says", async () => {
    const own = await newTask("东晟社区牵头的任务");
    const other = await newTask("城东社区的任务", { leadUnitId: units["城东社区"], supportUnitIds: [units["辉煌社区"]] });
    const results: string[] = [];
    for (const who of ["admin", "leader", "secretary:own", "secretary:other", "viewer"]) {
      const username = who.split(":")[0];
      const task = who === "secretary:other" ? other : own;
      for (const from of STATUSES) {
        for (const to of STATUSES) {
          await setStatus(task.id, from);
          const before = await taskRow(task.id);
          const outcome = await move(username, { taskId: String(task.id), toStatus: to, reason: "请补充验收材料" });
          const want = expected(who, from, to);
          results.push(`${who} ${from}→${to}: ${outcome.status}`);
          expect(outcome.status, `${who} ${from} → ${to}`).toBe(want);
          const after = await taskRow(task.id);
          if (want === 200) {
            expect(outcome.data.ok).toBe(true);
            expect(after.status).toBe(to);
            expect(after.version).toBe(before.version + 1);
          } else {
            expect(outcome.data).toMatchObject({ ok: false, taskId: task.id });
            expect(outcome.data.message).toMatch(/只能|只有|不能/);
            expect(after).toEqual(before);
          }
        }
      }
    }
    expect(results).toHaveLength(5 * 16);
  });

  it("refuses 驳回 without a reason (400) and records it with one", async () => {
    const task = await newTask("待验收的任务");
    await setStatus(task.id, "pending_review");
    const refused = await move("leader", { taskId: String(task.id), toStatus: "in_progress", reason: "  " });
    expect(refused.status).toBe(400);
    expect(refused.data.message).toContain("驳回须填写原因");
    expect((await taskRow(task.id)).status).toBe("pending_review");

    const ok = await move("leader", { taskId: String(task.id), toStatus: "in_progress", reason: "缺少验收照片" });
    expect(ok.status).toBe(200);
    const comment = await getDb().selectFrom("comments").selectAll().where("task_id", "=", task.id).executeTakeFirstOrThrow();
    expect(comment).toMatchObject({ kind: "reject", body: "缺少验收照片", author_id: actors.leader.id });
    const audit = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("entity", "=", "task")
      .where("entity_id", "=", String(task.id))
      .where("action", "=", "task.reject")
      .executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(actors.leader.id);
    expect(JSON.parse(audit.after_json!)).toMatchObject({ from: "pending_review", to: "in_progress", reason: "缺少验收照片" });
    expect(audit.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it("records 验收 with its optional note as a verify comment and sets done_at", async () => {
    const task = await newTask("申请办结的任务");
    await setStatus(task.id, "pending_review");
    const ok = await move("admin", { taskId: String(task.id), toStatus: "done" });
    expect(ok.status).toBe(200);
    expect(ok.data.card.light.light).toBe("done");
    // A move cannot change metrics: the answer leaves them out and the board keeps its own.
    expect(ok.data.card).not.toHaveProperty("metrics");
    const row = await taskRow(task.id);
    expect(row.done_at).not.toBeNull();
    const comment = await getDb().selectFrom("comments").selectAll().where("task_id", "=", task.id).executeTakeFirstOrThrow();
    expect(comment.kind).toBe("verify");
    await move("admin", { taskId: String(task.id), toStatus: "in_progress", reason: "" });
    expect((await taskRow(task.id)).done_at).toBeNull();
  });
});

describe("positions come from neighbours, computed on the server", () => {
  async function column(status: TaskStatus) {
    return getDb()
      .selectFrom("tasks")
      .select(["id", "position"])
      .where("plan_id", "=", planId)
      .where("status", "=", status)
      .orderBy("position")
      .orderBy("id")
      .execute();
  }

  it("puts the card between the named neighbours and writes only that row", async () => {
    const a = await newTask("甲");
    const b = await newTask("乙");
    const c = await newTask("丙");
    for (const t of [a, b, c]) await setStatus(t.id, "in_progress");
    const before = await column("in_progress");
    const pos = (id: number) => before.find((r) => r.id === id)!.position;
    const [first, second] = [a, b].sort((x, y) => (pos(x.id) < pos(y.id) ? -1 : 1));
    const outcome = await move("leader", {
      taskId: String(c.id),
      toStatus: "in_progress",
      beforeId: String(first.id),
      afterId: String(second.id),
    });
    expect(outcome.status).toBe(200);
    const after = await column("in_progress");
    const ids = after.map((r) => r.id);
    expect(ids.indexOf(c.id)).toBe(ids.indexOf(first.id) + 1);
    expect(ids.indexOf(second.id)).toBe(ids.indexOf(c.id) + 1);
    for (const row of before) if (row.id !== c.id) expect(after.find((r) => r.id === row.id)!.position).toBe(row.position);
  });

  it("rejects forged neighbours with 400 and changes nothing", async () => {
    const moving = await newTask("要移动的卡片");
    const elsewhere = await newTask("另一列的卡片");
    await setStatus(elsewhere.id, "done");
    const x = await newTask("推进中一");
    const y = await newTask("推进中二");
    await setStatus(x.id, "in_progress");
    await setStatus(y.id, "in_progress");
    const [px, py] = [(await taskRow(x.id)).position, (await taskRow(y.id)).position];
    const [low, high] = px < py ? [x, y] : [y, x];
    const snapshot = await taskRow(moving.id);
    const forged: Record<string, string>[] = [
      { beforeId: String(elsewhere.id) }, // not in the target column
      { afterId: "999999" }, // does not exist
      { beforeId: String(moving.id) }, // itself
      { beforeId: String(high.id), afterId: String(low.id) }, // reversed: not neighbours in this order
      { beforeId: "abc" }, // not an id at all
    ];
    for (const neighbours of forged) {
      const outcome = await move("leader", { taskId: String(moving.id), toStatus: "in_progress", ...neighbours });
      expect(outcome.status, JSON.stringify(neighbours)).toBe(400);
      expect(outcome.data.ok).toBe(false);
    }
    expect(await taskRow(moving.id)).toEqual(snapshot);
  });

  it("answers a move with just the moved card and the change counter, a few hundred bytes", async () => {
    const task = await newTask("轻量返回");
    const seq = await getChangeSeq(getDb(), planId);
    const outcome = await move("leader", { taskId: String(task.id), toStatus: "in_progress" });
    expect(outcome.data).toMatchObject({ ok: true, seqBefore: seq, seqAfter: seq! + 1 });
    expect(outcome.data.card.status).toBe("in_progress");
    expect(JSON.stringify(outcome.data).length).toBeLessThan(2000);
    expect(await getChangeSeq(getDb(), planId)).toBe(seq! + 1);
  });

  it("skips the board loader after a move, not after other actions", () => {
    const form = new FormData();
    form.set("intent", "move");
    const args = { formData: form, actionResult: { ok: true }, defaultShouldRevalidate: true } as never;
    expect(board.shouldRevalidate!(args)).toBe(false);
    const refused = { formData: form, actionResult: { ok: false, status: 409 }, defaultShouldRevalidate: true } as never;
    expect(board.shouldRevalidate!(refused)).toBe(true);
    const other = new FormData();
    other.set("intent", "quickAdd");
    expect(board.shouldRevalidate!({ formData: other, defaultShouldRevalidate: true } as never)).toBe(true);
  });

  it("answers an unknown intent with 400", async () => {
    const outcome = await callAction(board.action, makeRequest("/board", { cookie: cookies.leader, form: { intent: "teleport" } }));
    expect(outcome.status).toBe(400);
  });
});

describe("the no-JS 移动到 form", () => {
  it("moves to the top or bottom of a column and redirects back to the same view", async () => {
    const task = await newTask("无脚本移动");
    const outcome = await callAction(
      board.action,
      makeRequest("/board", {
        cookie: cookies.secretary,
        form: {
          intent: "moveTo",
          taskId: String(task.id),
          toStatus: "in_progress",
          place: "bottom",
          reason: "",
          back: "?year=2025&lane=unit",
        },
      }),
    );
    expect(outcome.status).toBe(302);
    expect(outcome.location).toBe("/board?year=2025&lane=unit");
    const column = await getDb()
      .selectFrom("tasks")
      .select("id")
      .where("plan_id", "=", planId)
      .where("status", "=", "in_progress")
      .orderBy("position", "desc")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(column.id).toBe(task.id);
  });

  it("takes column and end from the button that was pressed", async () => {
    const task = await newTask("按钮移动");
    const outcome = await callAction(
      board.action,
      makeRequest("/board", {
        cookie: cookies.leader,
        form: { intent: "moveTo", taskId: String(task.id), target: "pending_review:top", back: "" },
      }),
    );
    expect(outcome.status).toBe(302);
    const top = await getDb()
      .selectFrom("tasks")
      .select("id")
      .where("plan_id", "=", planId)
      .where("status", "=", "pending_review")
      .orderBy("position")
      .executeTakeFirstOrThrow();
    expect(top.id).toBe(task.id);
  });

  it("keeps the input and explains a 驳回 without a reason", async () => {
    const task = await newTask("无脚本驳回");
    await setStatus(task.id, "pending_review");
    const outcome = await callAction(
      board.action,
      makeRequest("/board", {
        cookie: cookies.leader,
        form: {
          intent: "moveTo",
          taskId: String(task.id),
          toStatus: "in_progress",
          place: "top",
          reason: "",
          back: "https://evil.example",
        },
      }),
    );
    expect(outcome.status).toBe(400);
    expect(outcome.data).toMatchObject({ ok: false, intent: "moveTo", taskId: task.id, values: { toStatus: "in_progress", place: "top" } });
    expect(outcome.data.message).toContain("驳回须填写原因");
  });
});

describe("creating, editing and deleting tasks", () => {
  it("quick-adds for leaders (top of the column, next code) and refuses others", async () => {
    const ok = await callAction(
      board.action,
      makeRequest("/board", {
        cookie: cookies.leader,
        form: { intent: "quickAdd", planId: String(planId), status: "in_progress", title: "  新增：夜间经济示范街  ", back: "?year=2025" },
      }),
    );
    expect(ok.status).toBe(302);
    const created = await getDb().selectFrom("tasks").selectAll().where("title", "=", "新增：夜间经济示范街").executeTakeFirstOrThrow();
    expect(created.status).toBe("in_progress");
    expect(created.origin).toBe("manual");
    const top = await getDb()
      .selectFrom("tasks")
      .select("id")
      .where("plan_id", "=", planId)
      .where("status", "=", "in_progress")
      .orderBy("position")
      .executeTakeFirstOrThrow();
    expect(top.id).toBe(created.id);

    const empty = await callAction(
      board.action,
      makeRequest("/board", {
        cookie: cookies.admin,
        form: { intent: "quickAdd", planId: String(planId), status: "not_started", title: "   " },
      }),
    );
    expect(empty.status).toBe(400);
    expect(empty.data.errors.title).toContain("请填写");

    for (const who of ["secretary", "viewer"]) {
      const refused = await callAction(
        board.action,
        makeRequest("/board", {
          cookie: cookies[who],
          form: { intent: "quickAdd", planId: String(planId), status: "not_started", title: "越权新增" },
        }),
      );
      expect(refused.status).toBe(403);
    }
  });

  it("gives each task the next two-digit code of its plan", async () => {
    const first = await newTask("编号一");
    const second = await newTask("编号二");
    const n = Number(first.code.slice(5));
    expect(second.code).toBe(`2025-${String(n + 1).padStart(2, "0")}`);
  });

  function editForm(version: number, overrides: Record<string, string | string[]> = {}) {
    return {
      intent: "save",
      version: String(version),
      title: "老旧小区改造提升",
      description: "完成3个小区改造",
      category: "城市管理",
      origin: "key_work",
      originRef: "四.2",
      leadUserId: String(actors.leader.id),
      leadUnitId: String(units["城东社区"]),
      supportUnitIds: [String(units["东晟社区"]), String(units["辉煌社区"])],
      startDate: "2025-03-01",
      dueDate: "2025-10-31",
      metricId: ["", ""],
      metricName: ["改造小区", ""],
      metricUnit: ["个", ""],
      metricBaseline: ["1", ""],
      metricTarget: ["3", ""],
      metricDirection: ["up", "up"],
      metricAggregation: ["sum", "sum"],
      ...overrides,
    };
  }

  it("edits every field including metrics, and refuses a stale version with 409 showing what changed", async () => {
    const task = await newTask("旧小区改造");
    const row = await taskRow(task.id);
    const params = { taskId: String(task.id) };
    const saved = await callAction(
      editRoute.action,
      makeRequest(`/board/${task.id}/edit?year=2025`, { cookie: cookies.leader, form: editForm(row.version) }),
      { params },
    );
    expect(saved.status).toBe(302);
    expect(saved.location).toBe(`/board/${task.id}?year=2025`);
    const after = await taskRow(task.id);
    expect(after).toMatchObject({
      title: "老旧小区改造提升",
      category: "城市管理",
      origin_ref: "四.2",
      start_date: "2025-03-01",
      due_date: "2025-10-31",
      version: row.version + 1,
    });
    const taskUnits = await getDb().selectFrom("task_units").selectAll().where("task_id", "=", task.id).execute();
    expect(taskUnits.map((u) => [u.unit_id, u.role]).sort()).toEqual(
      [
        [units["城东社区"], "lead"],
        [units["东晟社区"], "support"],
        [units["辉煌社区"], "support"],
      ].sort(),
    );
    const metrics = await getDb().selectFrom("metrics").selectAll().where("task_id", "=", task.id).execute();
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ name: "改造小区", unit: "个", baseline: 1, target: 3, plan_id: planId });

    // Someone else saves a different title from the version before: only that field conflicts.
    const stale = await callAction(
      editRoute.action,
      makeRequest(`/board/${task.id}/edit`, {
        cookie: cookies.admin,
        form: editForm(row.version, { title: "被覆盖的名称", metricName: ["", ""] }),
      }),
      { params },
    );
    expect(stale.status).toBe(409);
    expect(stale.data.conflict.message).toContain("已被他人修改");
    expect(stale.data.conflict.fields).toEqual([
      { key: "title", field: "名称", before: "旧小区改造", theirs: "老旧小区改造提升", mine: "被覆盖的名称" },
    ]);
    expect(stale.data.values.title).toBe("被覆盖的名称");
    expect((await taskRow(task.id)).title).toBe("老旧小区改造提升");

    // A move changes the version but no edited field: an edit opened before it merges.
    const moved = await move("leader", { taskId: String(task.id), toStatus: "in_progress" });
    expect(moved.status).toBe(200);
    const afterMove = await callAction(
      editRoute.action,
      makeRequest(`/board/${task.id}/edit`, {
        cookie: cookies.admin,
        form: editForm(row.version + 1, { metricId: [String(metrics[0].id), ""], description: "完成4个小区改造" }),
      }),
      { params },
    );
    expect(afterMove.status).toBe(302);
    expect(await taskRow(task.id)).toMatchObject({ status: "in_progress", description: "完成4个小区改造" });
  });

  it("explains invalid input field by field and keeps it", async () => {
    const task = await newTask("校验");
    const row = await taskRow(task.id);
    const outcome = await callAction(
      editRoute.action,
      makeRequest(`/board/${task.id}/edit`, {
        cookie: cookies.leader,
        form: editForm(row.version, { title: "", dueDate: "2025-02-30", metricTarget: ["很多", ""] }),
      }),
      { params: { taskId: String(task.id) } },
    );
    expect(outcome.status).toBe(400);
    expect(outcome.data.errors.title).toContain("请填写");
    expect(outcome.data.errors.dueDate).toContain("有效日期");
    expect(outcome.data.errors.metrics).toContain("第1行指标");
    expect(outcome.data.lists.metricTarget[0]).toBe("很多");
  });

  it("keeps editing to leaders and admins", async () => {
    const task = await newTask("权限");
    const row = await taskRow(task.id);
    for (const who of ["secretary", "viewer"]) {
      const outcome = await callAction(
        editRoute.action,
        makeRequest(`/board/${task.id}/edit`, { cookie: cookies[who], form: editForm(row.version) }),
        {
          params: { taskId: String(task.id) },
        },
      );
      expect(outcome.status).toBe(403);
      expect(
        (
          await callLoader(editRoute.loader, makeRequest(`/board/${task.id}/edit`, { cookie: cookies[who] }), {
            params: { taskId: String(task.id) },
          })
        ).status,
      ).toBe(403);
    }
  });

  it("deletes only with confirmation and the current version", async () => {
    const task = await newTask("将被删除");
    const row = await taskRow(task.id);
    const params = { taskId: String(task.id) };
    const url = `/board/${task.id}`;
    const unconfirmed = await callAction(
      detailRoute.action,
      makeRequest(url, { cookie: cookies.leader, form: { intent: "delete", version: String(row.version) } }),
      { params },
    );
    expect(unconfirmed.status).toBe(400);
    await move("leader", { taskId: String(task.id), toStatus: "in_progress" });
    const stale = await callAction(
      detailRoute.action,
      makeRequest(url, { cookie: cookies.leader, form: { intent: "delete", version: String(row.version), confirm: "yes" } }),
      { params },
    );
    expect(stale.status).toBe(409);
    expect(stale.data.changes).toEqual([{ field: "状态", before: "未启动", after: "推进中" }]);
    const bySecretary = await callAction(
      detailRoute.action,
      makeRequest(url, { cookie: cookies.secretary, form: { intent: "delete", version: String(row.version + 1), confirm: "yes" } }),
      { params },
    );
    expect(bySecretary.status).toBe(403);
    const ok = await callAction(
      detailRoute.action,
      makeRequest(url, { cookie: cookies.leader, form: { intent: "delete", version: String(row.version + 1), confirm: "yes" } }),
      { params },
    );
    expect(ok.status).toBe(302);
    expect(await getDb().selectFrom("tasks").select("id").where("id", "=", task.id).executeTakeFirst()).toBeUndefined();
    const audit = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "task.delete")
      .where("entity_id", "=", String(task.id))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.before_json!).title).toBe("将被删除");
  });
});

describe("card detail", () => {
  it("shows fields, metrics and the history of moves with who, when, from, to and reason", async () => {
    const task = await newTask("详情页任务", {
      metrics: [{ name: "走访户数", unit: "户", baseline: 100, target: 200, direction: "up", aggregation: "sum" }],
    });
    await move("secretary", { taskId: String(task.id), toStatus: "in_progress" });
    await move("secretary", { taskId: String(task.id), toStatus: "pending_review" });
    await move("leader", { taskId: String(task.id), toStatus: "in_progress", reason: "台账不完整" });
    const outcome = await callLoader(detailRoute.loader, makeRequest(`/board/${task.id}`, { cookie: cookies.viewer }), {
      params: { taskId: String(task.id) },
    });
    expect(outcome.status).toBe(200);
    const { detail } = outcome.data;
    expect(detail.card.code).toBe(task.code);
    expect(detail.metrics[0]).toMatchObject({ name: "走访户数", target: 200, actual: null });
    const moves = detail.history.filter((h: { from?: string }) => h.from);
    expect(moves[0]).toMatchObject({
      actor: "刘主任",
      action: "task.reject",
      from: "pending_review",
      to: "in_progress",
      reason: "台账不完整",
    });
    expect(moves[1]).toMatchObject({ actor: "陈书记", action: "task.move", from: "in_progress", to: "pending_review" });
    expect(detail.history.at(-1).action).toBe("task.create");
  });

  it("answers 404 for a task that does not exist", async () => {
    const outcome = await callLoader(detailRoute.loader, makeRequest("/board/987654", { cookie: cookies.viewer }), {
      params: { taskId: "987654" },
    });
    expect(outcome.status).toBe(404);
  });
});

describe("督办灯 thresholds per plan", () => {
  it("lets leaders change them, validated, with a version check; not secretaries", async () => {
    const plan = await getDb().selectFrom("plans").select(["version"]).where("id", "=", planId).executeTakeFirstOrThrow();
    const form = (version: number, overrides: Record<string, string> = {}) => ({
      intent: "thresholds",
      planId: String(planId),
      version: String(version),
      yellowBehind: "5",
      redBehind: "20",
      dueSoonDays: "10",
      silentWeeksYellow: "1",
      silentWeeksRed: "3",
      back: "?year=2025",
      ...overrides,
    });
    const invalid = await callAction(
      board.action,
      makeRequest("/board", { cookie: cookies.leader, form: form(plan.version, { redBehind: "3" }) }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.data.errors.redBehind).toContain("须大于");
    expect(invalid.data.values.redBehind).toBe("3");
    const refused = await callAction(board.action, makeRequest("/board", { cookie: cookies.secretary, form: form(plan.version) }));
    expect(refused.status).toBe(403);
    const ok = await callAction(board.action, makeRequest("/board", { cookie: cookies.leader, form: form(plan.version) }));
    expect(ok.status).toBe(302);
    const stored = await getDb()
      .selectFrom("plans")
      .select(["light_thresholds", "version"])
      .where("id", "=", planId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(stored.light_thresholds!)).toEqual({
      yellowBehind: 5,
      redBehind: 20,
      dueSoonDays: 10,
      silentWeeksYellow: 1,
      silentWeeksRed: 3,
    });
    const stale = await callAction(board.action, makeRequest("/board", { cookie: cookies.admin, form: form(plan.version) }));
    expect(stale.status).toBe(409);
    expect(stale.data.errors._form).toContain("已被他人修改");
    const loaded = await callLoader(board.loader, makeRequest("/board?year=2025", { cookie: cookies.viewer }));
    expect(loaded.data.plan.thresholds.redBehind).toBe(20);
  });
});

describe("live updates", () => {
  it("answers the poll with the change counter, 304 when unchanged, a new value after a move", async () => {
    const first = await pollRoute.loader({
      request: makeRequest(`/board/poll?plan=${planId}`, { cookie: cookies.viewer }),
      params: {},
      context: {},
    } as never);
    expect(first.status).toBe(200);
    const etag = first.headers.get("ETag")!;
    const body = await first.json();
    expect(typeof body.seq).toBe("number");
    expect(JSON.stringify(body).length).toBeLessThan(30);
    const again = await pollRoute.loader({
      request: makeRequest(`/board/poll?plan=${planId}`, { cookie: cookies.viewer, headers: { "If-None-Match": etag } }),
      params: {},
      context: {},
    } as never);
    expect(again.status).toBe(304);
    const task = await newTask("轮询");
    await move("leader", { taskId: String(task.id), toStatus: "in_progress" });
    const changed = await pollRoute.loader({
      request: makeRequest(`/board/poll?plan=${planId}`, { cookie: cookies.viewer, headers: { "If-None-Match": etag } }),
      params: {},
      context: {},
    } as never);
    expect(changed.status).toBe(200);
    expect((await changed.json()).seq).toBeGreaterThan(body.seq);
  });

  it("renders the meeting view for a viewer, lanes by 责任领导", async () => {
    const outcome = await callLoader(meetingRoute.loader, makeRequest("/board/meeting?year=2025", { cookie: cookies.viewer }));
    expect(outcome.status).toBe(200);
    expect(outcome.data.cards.length).toBeGreaterThan(0);
  });
});
