// 延期申请 end to end through the route's action: apply → approve changes the 完成时限, the
// 督办灯 (computed against the new date), the version and the audit log; refuse changes
// nothing on the task; wrong roles and stale decisions are refused in Chinese.
import { beforeAll, describe, expect, it } from "vitest";
import { action as extensionAction } from "../../app/routes/tasks.$taskId.extension";
import { loader as detailLoader } from "../../app/routes/board.$taskId";
import { getBoardCard } from "../../app/routes/board/cards.server";
import { createTask, updateTask } from "../../app/routes/board/tasks.server";
import { getPlan } from "../../app/models/plans.server";
import { getTodo, countTodo } from "../../app/models/todo.server";
import { toDateKey, weekKeyOf } from "../../app/lib/weeks";
import ExcelJS from "exceljs";
import { loadLedger } from "../../app/routes/kpi/ledger-data.server";
import { buildLedgerWorkbook } from "../../app/routes/kpi/ledger.server";
import { loadSummaryInput } from "../../app/routes/summary/summary.server";
import { writeSummary } from "../../app/lib/summary/writer";
import { getDb } from "../../app/utils/db.server";
import { callAction, callLoader, loadDemoSetting, makeRequest, type DemoSetting } from "./helpers";

let demo: DemoSetting;
const today = toDateKey(new Date());
const later = (days: number) => toDateKey(new Date(Date.now() + days * 86_400_000));

beforeAll(async () => {
  demo = await loadDemoSetting();
});

let made = 0;

/** A new open task of the plan (overdue: due in the demo plan's year), led by the secretary's unit or another. */
async function openTask(ledBySecretary: boolean) {
  const unitId = ledBySecretary ? demo.actors.secretary.unitId! : demo.units["龙腾社区"];
  made += 1;
  const { id } = await createTask(getDb(), demo.actors.leader, {
    planId: demo.planId,
    title: `延期测试任务${made}`,
    status: "in_progress",
    leadUnitId: unitId,
    leadUserId: demo.actors.leader.id,
    dueDate: "2025-06-30",
  });
  return taskRow(id);
}

function post(taskId: number, who: string, form: Record<string, string>) {
  return callAction(extensionAction, makeRequest(`/tasks/${taskId}/extension`, { cookie: demo.cookies[who], form }), {
    params: { taskId: String(taskId) },
  });
}

async function taskRow(taskId: number) {
  return getDb().selectFrom("tasks").selectAll().where("id", "=", taskId).executeTakeFirstOrThrow();
}

async function auditActions(taskId: number): Promise<string[]> {
  const rows = await getDb()
    .selectFrom("audit_log")
    .select("action")
    .where("entity", "=", "task")
    .where("entity_id", "=", String(taskId))
    .orderBy("id")
    .execute();
  return rows.map((r) => r.action);
}

async function pendingId(taskId: number): Promise<number> {
  const row = await getDb()
    .selectFrom("task_extensions")
    .select("id")
    .where("task_id", "=", taskId)
    .where("status", "=", "pending")
    .executeTakeFirstOrThrow();
  return row.id;
}

describe("延期申请", () => {
  it("apply → approve: the 完成时限, the light and the version change, with audit rows", async () => {
    const task = await openTask(true);
    const plan = (await getPlan(getDb(), demo.planId))!;
    const cardBefore = (await getBoardCard(getDb(), plan, task.id, today))!;
    // The demo plan's year is over: its open tasks are overdue.
    expect(cardBefore.light.reasons.some((r) => r.startsWith("已超期"))).toBe(true);
    const newDue = later(60);

    const applied = await post(task.id, "secretary", {
      intent: "apply",
      dueDate: newDue,
      reason: "拆迁协调未完成，需顺延两个月。",
      fetcher: "1",
    });
    expect(applied.status).toBe(200);
    expect(applied.data).toMatchObject({ ok: true });
    expect((await taskRow(task.id)).due_date).toBe(task.due_date); // nothing changes until a leader decides
    expect((await taskRow(task.id)).version).toBe(task.version);

    // A second request while one waits is refused.
    const again = await post(task.id, "secretary", { intent: "apply", dueDate: later(90), reason: "再次申请延期。", fetcher: "1" });
    expect(again.status).toBe(409);
    expect(again.data.message).toContain("待审批");

    // Leaders see it in 我的待办 (and in the badge).
    const todo = await getTodo(getDb(), demo.actors.leader, new Date(), today);
    expect(todo.extensions.map((e) => e.taskId)).toContain(task.id);
    expect(await countTodo(getDb(), demo.actors.leader, new Date())).toBeGreaterThan(0);

    const extensionId = await pendingId(task.id);
    const seqBefore = plan.changeSeq;
    const approved = await post(task.id, "leader", { intent: "approve", extensionId: String(extensionId), note: "同意，务必按期完成。" });
    expect(approved.status).toBe(302);

    const after = await taskRow(task.id);
    expect(after.due_date).toBe(newDue);
    expect(after.original_due_date).toBe(task.due_date);
    expect(after.version).toBe(task.version + 1);
    const planAfter = (await getPlan(getDb(), demo.planId))!;
    expect(planAfter.changeSeq).toBe(seqBefore + 1);

    const cardAfter = (await getBoardCard(getDb(), planAfter, task.id, today))!;
    expect(cardAfter.dueDate).toBe(newDue);
    expect(cardAfter.originalDueDate).toBe(task.due_date);
    expect(cardAfter.light.reasons.some((r) => r.startsWith("已超期"))).toBe(false);
    expect(cardAfter.light.expectedProgress).toBeLessThan(100);

    expect(await auditActions(task.id)).toEqual(expect.arrayContaining(["task.extension_apply", "task.extend"]));
    const audit = await getDb()
      .selectFrom("audit_log")
      .select(["before_json", "after_json", "actor_id"])
      .where("entity_id", "=", String(task.id))
      .where("action", "=", "task.extend")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.before_json!).dueDate).toBe(task.due_date);
    expect(JSON.parse(audit.after_json!)).toMatchObject({
      dueDate: newDue,
      version: task.version + 1,
      extension: { note: "同意，务必按期完成。" },
    });
    expect(audit.actor_id).toBe(demo.actors.leader.id);

    // The card's history and request list say it, with the dates in words.
    const detail = await callLoader(detailLoader, makeRequest(`/board/${task.id}`, { cookie: demo.cookies.secretary }), {
      params: { taskId: String(task.id) },
    });
    const history = detail.data.detail.history as { text?: string; reason?: string }[];
    const [y, m, d] = newDue.split("-").map(Number);
    expect(history.some((h) => h.text?.includes(`批准延期`) && h.text.includes(`${y}年${m}月${d}日`))).toBe(true);
    expect(history.some((h) => h.text?.startsWith("申请将完成时限延至") && h.reason === "拆迁协调未完成，需顺延两个月。")).toBe(true);
    expect(detail.data.extensions.requests[0]).toMatchObject({ status: "approved", decisionNote: "同意，务必按期完成。" });

    // Deciding it again (a second click, another leader) is refused and changes nothing.
    const twice = await post(task.id, "admin", { intent: "refuse", extensionId: String(extensionId), note: "不同意。", fetcher: "1" });
    expect(twice.status).toBe(409);
    expect(twice.data.message).toMatch(/已于.*处理（已批准）/);
    expect(await taskRow(task.id)).toEqual(after);
  });

  it("an edit drawn before the approval keeps the new 完成时限 (merged, not overwritten)", async () => {
    const task = await openTask(true);
    await post(task.id, "secretary", { intent: "apply", dueDate: later(20), reason: "等待上级批复，需顺延。" });
    await post(task.id, "leader", { intent: "approve", extensionId: String(await pendingId(task.id)) });
    const row = await taskRow(task.id);
    expect(row.due_date).toBe(later(20));
    const snapshot = await getDb()
      .selectFrom("audit_log")
      .select("before_json")
      .where("entity_id", "=", String(task.id))
      .where("action", "=", "task.extend")
      .executeTakeFirstOrThrow();
    const base = JSON.parse(snapshot.before_json!);
    const outcome = await updateTask(getDb(), demo.actors.leader, task.id, base.version, {
      task: {
        title: `${base.title}（修改）`,
        description: base.description,
        category: base.category,
        origin: base.origin,
        originRef: base.originRef,
        leadUserId: base.leadUser?.id ?? null,
        leadUnitId: base.leadUnit?.id ?? null,
        supportUnitIds: base.supportUnits.map((u: { id: number }) => u.id),
        startDate: base.startDate,
        dueDate: base.dueDate, // the old date, as the form showed it
      },
      metrics: base.metrics,
      deletedMetricIds: [],
    });
    expect(outcome.merged).toContain("完成时限");
    const after = await taskRow(task.id);
    expect(after.title).toBe(`${base.title}（修改）`);
    expect(after.due_date).toBe(row.due_date);
  });

  it("refuse: the task stays exactly as it was; the reason is required", async () => {
    const task = await openTask(false);
    const applied = await post(task.id, "leader", { intent: "apply", dueDate: later(30), reason: "上级政策调整，需延期一个月。" });
    expect(applied.status).toBe(302);
    const extensionId = await pendingId(task.id);
    const before = await taskRow(task.id);
    const seq = (await getPlan(getDb(), demo.planId))!.changeSeq;

    const noReason = await post(task.id, "leader", { intent: "refuse", extensionId: String(extensionId), note: " ", fetcher: "1" });
    expect(noReason.status).toBe(400);
    expect(noReason.data.message).toBe("不同意延期须写明理由。");
    expect(
      (await getDb().selectFrom("task_extensions").select("status").where("id", "=", extensionId).executeTakeFirstOrThrow()).status,
    ).toBe("pending");

    const refused = await post(task.id, "leader", {
      intent: "refuse",
      extensionId: String(extensionId),
      note: "请按原计划推进。",
      fetcher: "1",
    });
    expect(refused.status).toBe(200);
    expect(await taskRow(task.id)).toEqual(before);
    expect((await getPlan(getDb(), demo.planId))!.changeSeq).toBe(seq);
    const request = await getDb().selectFrom("task_extensions").selectAll().where("id", "=", extensionId).executeTakeFirstOrThrow();
    expect(request).toMatchObject({ status: "refused", decision_note: "请按原计划推进。", decided_by: demo.actors.leader.id });
    expect(await auditActions(task.id)).toEqual(expect.arrayContaining(["task.extension_apply", "task.extension_refuse"]));
    const plan = (await getPlan(getDb(), demo.planId))!;
    expect((await getBoardCard(getDb(), plan, task.id, today))!.originalDueDate).toBeNull();
  });

  it("the 工作台账 and the year-end draft mention the approved extensions (经批准延期2项)", async () => {
    const plan = (await getPlan(getDb(), demo.planId))!;
    const ledger = await loadLedger(getDb(), plan, weekKeyOf(new Date()), new Date());
    const extended = ledger.tasks.filter((t) => t.extension);
    expect(extended).toHaveLength(2); // the two approved above; the refused one is not
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await buildLedgerWorkbook(ledger, new Date())) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet.headerFooter.oddHeader).toContain("经批准延期2项");
    const row = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => String(r.getCell(3).value).includes(extended[0].title))!;
    expect(row.getCell(15).value).toBe("经批准延期（原定2025年6月30日）");

    const planRow = await getDb().selectFrom("plans").selectAll().where("id", "=", demo.planId).executeTakeFirstOrThrow();
    const { document } = writeSummary(await loadSummaryInput(getDb(), planRow, today));
    expect(document.sections.find((s) => s.key === "opening")!.body).toContain("其中经批准延期2项");
  });

  it("refuses the wrong roles, on the server, in Chinese, and changes nothing", async () => {
    const own = await openTask(true);
    const other = await openTask(false);
    const form = { intent: "apply", dueDate: later(45), reason: "需要更多时间完成验收材料。", fetcher: "1" };

    const viewer = await post(own.id, "viewer", form);
    expect(viewer.status).toBe(403);
    const notLead = await post(other.id, "secretary", form);
    expect(notLead.status).toBe(403);
    expect(notLead.data.message).toBe("只有这项重点工作的牵头单位或街道领导可以申请延期。");

    const applied = await post(other.id, "leader", form);
    expect(applied.status).toBe(200);
    const extensionId = String(await pendingId(other.id));
    for (const who of ["secretary", "viewer"]) {
      const answer = await post(other.id, who, { intent: "approve", extensionId, note: "", fetcher: "1" });
      expect(answer.status).toBe(403);
      expect(answer.data.message).toBe("只有街道领导可以审批延期申请。");
    }
    expect((await taskRow(other.id)).due_date).toBe(other.due_date);

    // Bad input: a date not later than the current 完成时限, no reason, an unknown request.
    const early = await post(own.id, "secretary", { ...form, dueDate: today < "2025-01-02" ? "2025-01-01" : "2024-12-31" });
    expect(early.status).toBe(400);
    expect(early.data.field).toBe("dueDate");
    const noReason = await post(own.id, "secretary", { ...form, reason: "" });
    expect(noReason.status).toBe(400);
    expect(noReason.data.message).toContain("理由");
    const unknown = await post(own.id, "leader", { intent: "approve", extensionId: "999999", fetcher: "1" });
    expect(unknown.status).toBe(404);
  });
});
