// Weekly 填报, 催办, comments, 填报情况, 我的待办 and the audit trail, through the routes' loaders
// and actions with real Requests against a real SQLite file.
import { beforeAll, describe, expect, it, vi } from "vitest";
import sqlite3 from "sqlite3";
import * as updateRoute from "../../app/routes/tasks.$taskId.update/route";
import * as commentsRoute from "../../app/routes/tasks.$taskId.comments";
import * as attachmentRoute from "../../app/routes/attachments.$attachmentId";
import * as reportsRoute from "../../app/routes/reports";
import * as exportRoute from "../../app/routes/reports.export";
import * as todoRoute from "../../app/routes/todo";
import * as auditRoute from "../../app/routes/admin.audit";
import * as detailRoute from "../../app/routes/board.$taskId";
import { createTask } from "../../app/routes/board/tasks.server";
import { getBoardCard } from "../../app/routes/board/cards.server";
import { saveUpdate } from "../../app/routes/tasks.$taskId.update/save-update.server";
import { getUpdateTask } from "../../app/routes/tasks.$taskId.update/updates.server";
import { countTodo } from "../../app/models/todo.server";
import { previousWeek, weekKeyOf, weekRange } from "../../app/lib/weeks";
import { getDb } from "../../app/utils/db.server";
import { isPostgres } from "../../db/dialect-sql";
import { attachmentsDir } from "../../app/models/attachments.server";
import { existsSync, readdirSync } from "node:fs";
import type { Actor } from "../../app/utils/permissions";
import { callAction, callLoader, loadDemoSetting, makeRequest, ORIGIN } from "./helpers";
import { getPlan, getChangeSeq } from "../../app/models/plans.server";

let planId: number;
let actors: Record<string, Actor>;
let units: Record<string, number>;
let cookies: Record<string, string>;

beforeAll(async () => {
  ({ planId, actors, units, cookies } = await loadDemoSetting());
});

/** A 推进中 task led by 东晟社区 (the secretary's unit) with one sum and one latest metric. */
async function newTask(title: string, lead = "东晟社区", support = ["龙腾社区"]) {
  const task = await createTask(getDb(), actors.leader, {
    planId,
    title,
    status: "in_progress",
    leadUnitId: units[lead],
    supportUnitIds: support.map((s) => units[s]),
    leadUserId: actors.leader.id,
    startDate: "2025-01-01",
    dueDate: "2099-12-31",
    metrics: [
      {
        name: "排查商户",
        unit: "次",
        baseline: 3184,
        target: 3500,
        direction: "up",
        aggregation: "sum",
        sourceRef: null,
        sourceSentence: null,
      } as never,
      {
        name: "固定资产投资",
        unit: "万元",
        baseline: 2151,
        target: 2370,
        direction: "up",
        aggregation: "latest",
        sourceRef: null,
        sourceSentence: null,
      } as never,
    ],
  });
  const metrics = await getDb().selectFrom("metrics").select(["id", "aggregation"]).where("task_id", "=", task.id).orderBy("id").execute();
  return { ...task, sumMetric: metrics[0].id, latestMetric: metrics[1].id };
}

const thisWeek = () => weekKeyOf(new Date());

function post(taskId: number, username: string, form: Record<string, string | string[]>) {
  return callAction(
    updateRoute.action,
    makeRequest(`/tasks/${taskId}/update`, {
      cookie: cookies[username],
      form: { week: thisWeek(), body: "本周走访商户", progress: "30", ...form },
    }),
    { params: { taskId: String(taskId) } },
  );
}

function multipart(
  taskId: number,
  username: string,
  fields: Record<string, string>,
  files: { name: string; type: string; bytes: Uint8Array<ArrayBuffer> }[],
  headers: Record<string, string> = {},
) {
  const body = new FormData();
  for (const [key, value] of Object.entries({ week: thisWeek(), body: "附佐证材料", progress: "40", ...fields })) body.append(key, value);
  for (const file of files) body.append("attachments", new File([file.bytes], file.name, { type: file.type }));
  const request = new Request(`${ORIGIN}/tasks/${taskId}/update`, {
    method: "POST",
    headers: { Cookie: cookies[username], Origin: ORIGIN, ...headers },
    body,
  });
  return callAction(updateRoute.action, request, { params: { taskId: String(taskId) } });
}

async function updatesOf(taskId: number) {
  return getDb().selectFrom("updates").selectAll().where("task_id", "=", taskId).execute();
}

async function auditActions(since: number) {
  const rows = await getDb().selectFrom("audit_log").select(["action", "actor_id"]).where("id", ">", since).execute();
  return rows;
}

async function lastAuditId() {
  const row = await getDb()
    .selectFrom("audit_log")
    .select((eb) => eb.fn.max("id").as("id"))
    .executeTakeFirstOrThrow();
  return Number(row.id ?? 0);
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

describe("update form: who may post", () => {
  it("shows the form to the secretary of a 牵头 unit and refuses other units' tasks with 403", async () => {
    const own = await newTask("本单位的任务");
    const other = await newTask("别的单位的任务", "龙腾社区", ["丰翼社区"]);
    const page = await callLoader(updateRoute.loader, makeRequest(`/tasks/${own.id}/update`, { cookie: cookies.secretary }), {
      params: { taskId: String(own.id) },
    });
    expect(page.status).toBe(200);
    expect(page.data.form.unitId).toBe(units["东晟社区"]);
    expect(page.data.form.week).toBe(thisWeek());

    const refused = await post(other.id, "secretary", {});
    expect(refused.status).toBe(403);
    const form = await callLoader(updateRoute.loader, makeRequest(`/tasks/${other.id}/update`, { cookie: cookies.secretary }), {
      params: { taskId: String(other.id) },
    });
    expect(form.status).toBe(403);
    expect(await updatesOf(other.id)).toHaveLength(0);
    expect((await post(own.id, "viewer", {})).status).toBe(403);
  });

  it("refuses a secretary reporting for another unit of the same task, and a forged week", async () => {
    const task = await newTask("代填检查");
    const forged = await post(task.id, "secretary", { unitId: String(units["龙腾社区"]) });
    expect(forged.status).toBe(400);
    const future = await post(task.id, "secretary", { week: "2099-W10" });
    expect(future.status).toBe(400);
    expect(await updatesOf(task.id)).toHaveLength(0);
  });

  it("lets a leader report for any unit of the task", async () => {
    const task = await newTask("领导代填");
    const done = await post(task.id, "leader", { unitId: String(units["龙腾社区"]) });
    expect(done.status).toBe(302);
    const [row] = await updatesOf(task.id);
    expect(row).toMatchObject({ unit_id: units["龙腾社区"], author_id: actors.leader.id });
  });

  it("refuses a unit that is no row id at all (out of range), saving nothing", async () => {
    const task = await newTask("单位编号越界");
    const forged = await post(task.id, "leader", { unitId: "3000000000", body: "越界的单位" });
    expect(forged.status).toBe(400);
    expect(forged.data.errors._form).toContain("所选单位或周次有误");
    expect(forged.data.values.body).toBe("越界的单位");
    expect(await updatesOf(task.id)).toHaveLength(0);
  });
});

describe("saving an update", () => {
  it("creates the record, moves the card's progress, bumps the plan's change counter and redirects back", async () => {
    const task = await newTask("进度随填报变化");
    const plan = (await getPlan(getDb(), planId))!;
    const seqBefore = await getChangeSeq(getDb(), planId);
    const before = (await getBoardCard(getDb(), plan, task.id, "2025-06-01"))!;
    expect(before.progress).toBe(0);

    const saved = await post(task.id, "secretary", { progress: "45", back: "/todo" });
    expect(saved.status).toBe(302);
    expect(saved.location).toBe("/todo");
    const after = (await getBoardCard(getDb(), plan, task.id, "2025-06-01"))!;
    expect(after.progress).toBe(45);
    expect(after.lastUpdateWeek).toBe(thisWeek());
    expect(await getChangeSeq(getDb(), planId)).toBeGreaterThan(seqBefore!);
    const row = await getDb().selectFrom("tasks").select("progress").where("id", "=", task.id).executeTakeFirstOrThrow();
    expect(row.progress).toBe(45);
  });

  it("updates one record per task × unit × week with the version check; a stale post is a 409 that writes nothing", async () => {
    const task = await newTask("同周两次提交");
    expect((await post(task.id, "secretary", { body: "第一次", progress: "20" })).status).toBe(302);
    const [first] = await updatesOf(task.id);
    expect(first.version).toBe(1);

    // Without the version the user saw, a second post cannot overwrite the first.
    const blind = await post(task.id, "secretary", { body: "没看到第一次", progress: "25" });
    expect(blind.status).toBe(409);
    expect(blind.data.errors._form).toContain("已被他人修改");
    expect(blind.data.values.body).toBe("没看到第一次");
    expect(blind.data.current.body).toBe("第一次");

    expect((await post(task.id, "secretary", { body: "第二次", progress: "30", version: "1" })).status).toBe(302);
    const rows = await updatesOf(task.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first.id, body: "第二次", progress: 30, version: 2 });

    const auditBefore = await lastAuditId();
    const stale = await post(task.id, "secretary", { body: "过期的版本", progress: "35", version: "1" });
    expect(stale.status).toBe(409);
    expect((await updatesOf(task.id))[0]).toMatchObject({ body: "第二次", version: 2 });
    expect(await auditActions(auditBefore)).toHaveLength(0);
  });

  it("keeps the user's text and says what to fix when progress or a value is wrong", async () => {
    const task = await newTask("输入检查");
    const over = await post(task.id, "secretary", { body: "写了很多字", progress: "120", nextSteps: "下周继续" });
    expect(over.status).toBe(400);
    expect(over.data.errors.progress).toContain("不能超过100%");
    expect(over.data.values).toMatchObject({ body: "写了很多字", nextSteps: "下周继续", progress: "120" });

    const negative = await post(task.id, "secretary", { [`metric_${task.sumMetric}`]: "-3" });
    expect(negative.status).toBe(400);
    expect(negative.data.errors[`metric_${task.sumMetric}`]).toContain("负数");
    const absurd = await post(task.id, "secretary", { [`metric_${task.sumMetric}`]: "9999999" });
    expect(absurd.data.errors[`metric_${task.sumMetric}`]).toContain("远超全年目标");
    const empty = await post(task.id, "secretary", { body: "  " });
    expect(empty.data.errors.body).toContain("请填写本周进展");
    const foreign = await post(task.id, "secretary", { metric_999999: "5" });
    expect(foreign.status).toBe(400);
    expect(await updatesOf(task.id)).toHaveLength(0);
  });

  it("needs a note in 困难问题 to lower progress below the unit's last report", async () => {
    const task = await newTask("进度回调");
    const lastWeek = previousWeek(thisWeek());
    expect((await post(task.id, "secretary", { week: lastWeek, progress: "60" })).status).toBe(302);
    const drop = await post(task.id, "secretary", { progress: "40" });
    expect(drop.status).toBe(400);
    expect(drop.data.errors.progress).toContain("上次填报（60%）");
    expect((await post(task.id, "secretary", { progress: "40", blockers: "返工，重新核定工作量" })).status).toBe(302);
  });

  it("reads 1,226 and 1226次 as numbers and aggregates sum vs latest across units and weeks", async () => {
    const task = await newTask("指标汇总");
    const lastWeek = previousWeek(thisWeek());
    const sum = `metric_${task.sumMetric}`;
    const latest = `metric_${task.latestMetric}`;
    expect((await post(task.id, "secretary", { week: lastWeek, [sum]: "1,226", [latest]: "800" })).status).toBe(302);
    expect((await post(task.id, "secretary", { [sum]: "1226次", [latest]: "1,100万元" })).status).toBe(302);
    expect((await post(task.id, "leader", { unitId: String(units["龙腾社区"]), [sum]: "100", [latest]: "50" })).status).toBe(302);

    const plan = (await getPlan(getDb(), planId))!;
    const card = (await getBoardCard(getDb(), plan, task.id, "2025-06-01"))!;
    const bySum = card.metrics.find((m) => m.id === task.sumMetric)!;
    const byLatest = card.metrics.find((m) => m.id === task.latestMetric)!;
    expect(bySum.actual).toBe(1226 + 1226 + 100); // every week of every unit
    expect(byLatest.actual).toBe(1100 + 50); // each unit's newest figure

    // Clearing a value removes it from the actual.
    const [mine] = (await updatesOf(task.id)).filter((u) => u.week === thisWeek() && u.unit_id === units["东晟社区"]);
    expect((await post(task.id, "secretary", { version: String(mine.version), [sum]: "", [latest]: "1,100" })).status).toBe(302);
    const cleared = (await getBoardCard(getDb(), plan, task.id, "2025-06-01"))!;
    expect(cleared.metrics.find((m) => m.id === task.sumMetric)!.actual).toBe(1226 + 100);
  });

  it("reads the task with its metrics in form order, and the unit's values of the week", async () => {
    const task = await newTask("指标随任务一并读取");
    const db = getDb();
    // Form order is sort_order, not id; a name with quotes and a decimal target survive the JSON.
    await db.updateTable("metrics").set({ sort_order: 2 }).where("id", "=", task.sumMetric).execute();
    await db
      .updateTable("metrics")
      .set({ sort_order: 1, name: '"智慧社区"覆盖率', target: 12.5 })
      .where("id", "=", task.latestMetric)
      .execute();
    const week = thisWeek();
    expect((await post(task.id, "secretary", { [`metric_${task.latestMetric}`]: "3.25" })).status).toBe(302);

    const plain = await getUpdateTask(db, task.id);
    expect(plain?.metrics.map((m) => m.id)).toEqual([task.latestMetric, task.sumMetric]);
    expect(plain?.metrics[0]).toEqual({
      id: task.latestMetric,
      name: '"智慧社区"覆盖率',
      unit: "万元",
      target: 12.5,
      aggregation: "latest",
    });

    type WithValue = { id: number; value: number | null; valueId: number | null };
    const withValues = await getUpdateTask(db, task.id, { unitId: units["东晟社区"], week });
    expect((withValues?.metrics as WithValue[]).map((m) => [m.id, m.value, m.valueId != null])).toEqual([
      [task.latestMetric, 3.25, true],
      [task.sumMetric, null, false],
    ]);
    expect(withValues?.units.map((u) => u.role)).toEqual(["lead", "support"]);
    const other = await getUpdateTask(db, task.id, { unitId: units["龙腾社区"], week });
    expect((other?.metrics as WithValue[]).map((m) => m.value)).toEqual([null, null]);
  });

  it("gives 填报 posted at the same moment each its own id, with audit rows that name it", async () => {
    const tasks = await Promise.all(Array.from({ length: 8 }, (_, i) => newTask(`同时填报${i + 1}`)));
    const answers = await Promise.all(tasks.map((task, i) => post(task.id, "secretary", { body: `同时提交的第${i + 1}条` })));
    expect(answers.map((a) => a.status)).toEqual(tasks.map(() => 302));
    const rows = await getDb()
      .selectFrom("updates")
      .select(["id", "task_id", "body"])
      .where(
        "task_id",
        "in",
        tasks.map((t) => t.id),
      )
      .execute();
    expect(new Set(rows.map((r) => r.id)).size).toBe(8);
    const created = await getDb()
      .selectFrom("audit_log")
      .select(["entity_id", "after_json"])
      .where("action", "=", "update.create")
      .where(
        "entity_id",
        "in",
        rows.map((r) => String(r.id)),
      )
      .execute();
    expect(created).toHaveLength(8);
    for (const audit of created) {
      const row = rows.find((r) => String(r.id) === audit.entity_id)!;
      expect(JSON.parse(audit.after_json!)).toMatchObject({ taskId: row.task_id, body: row.body });
    }
  });

  it("gives a new 填报 the next id, never a deleted one's, and on SQLite writes it with the COMMIT", async () => {
    const task = await newTask("填报编号");
    const db = getDb();
    expect((await post(task.id, "secretary", { week: previousWeek(thisWeek()) })).status).toBe(302);
    const [deleted] = await updatesOf(task.id);
    // The newest 填报 of all, removed: the largest id left is lower than the one it had.
    expect(deleted.id).toBe(
      Number(
        (
          await db
            .selectFrom("updates")
            .select((eb) => eb.fn.max("id").as("id"))
            .executeTakeFirstOrThrow()
        ).id,
      ),
    );
    await db.deleteFrom("updates").where("id", "=", deleted.id).execute();

    // SQLite: every statement and script sent to the connection during the save.
    const allOf = sqlite3.Statement.prototype.all;
    const execOf = sqlite3.Database.prototype.exec;
    const sent: { sql: string; trip: "statement" | "script" }[] = [];
    const spies = isPostgres(db)
      ? []
      : [
          vi.spyOn(sqlite3.Statement.prototype, "all").mockImplementation(function (this: sqlite3.Statement, ...args: unknown[]) {
            sent.push({ sql: (this as unknown as { sql: string }).sql, trip: "statement" });
            return allOf.apply(this, args as never);
          }),
          vi.spyOn(sqlite3.Database.prototype, "exec").mockImplementation(function (this: sqlite3.Database, script, callback) {
            sent.push({ sql: script, trip: "script" });
            return execOf.call(this, script, callback);
          }),
        ];
    try {
      expect((await post(task.id, "secretary", {})).status).toBe(302);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const [saved] = await updatesOf(task.id);
    expect(saved.id).toBeGreaterThan(deleted.id);
    const created = await db
      .selectFrom("audit_log")
      .select("entity_id")
      .where("entity", "=", "update")
      .where("action", "=", "update.create")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(created.entity_id).toBe(String(saved.id));
    if (!isPostgres(db)) {
      const inserts = sent.filter((s) => /insert into "updates"/.test(s.sql));
      expect(inserts).toHaveLength(1);
      expect(inserts[0].trip).toBe("script");
      expect(inserts[0].sql).toMatch(/commit/);
    }
  });

  it("lets the author edit during the week and only leaders after it", async () => {
    const task = await newTask("过周修改");
    const week = "2025-W20";
    const during = new Date(weekRange(week).start.getTime() + 86_400_000);
    const after = new Date(weekRange(week).end.getTime() + 3_600_000);
    const base = {
      taskId: task.id,
      unitId: null,
      week,
      body: "周内填报",
      progress: 10,
      nextSteps: "",
      blockers: "",
      needsCoordination: false,
      values: new Map(),
      files: [],
      removeAttachmentIds: [],
    };
    const created = await saveUpdate(getDb(), actors.secretary, { ...base, version: null }, during);
    await saveUpdate(getDb(), actors.secretary, { ...base, version: created.version, body: "周内修改" }, during);
    await expect(saveUpdate(getDb(), actors.secretary, { ...base, version: 2, body: "过周修改" }, after)).rejects.toMatchObject({
      status: 403,
    });
    const byLeader = await saveUpdate(getDb(), actors.leader, { ...base, unitId: units["东晟社区"], version: 2, body: "领导更正" }, after);
    expect(byLeader.version).toBe(3);
    const [row] = await updatesOf(task.id);
    expect(row).toMatchObject({ body: "领导更正", author_id: actors.secretary.id });
  });

  it("refuses reports on a 已销号 task", async () => {
    const task = await newTask("已销号不填报");
    await getDb().updateTable("tasks").set({ status: "done", done_at: new Date().toISOString() }).where("id", "=", task.id).execute();
    const refused = await post(task.id, "secretary", {});
    expect(refused.status).toBe(400);
    expect(refused.data.errors._form).toContain("已销号");
  });
});

describe("佐证材料", () => {
  it("stores an image checked by its bytes outside public/ and serves it only to signed-in users", async () => {
    const task = await newTask("上传佐证");
    const saved = await multipart(task.id, "secretary", {}, [{ name: "现场照片.png", type: "image/png", bytes: PNG }]);
    expect(saved.status).toBe(302);
    const [file] = await getDb().selectFrom("attachments").selectAll().where("task_id", "=", task.id).execute();
    expect(file).toMatchObject({ file_name: "现场照片.png", content_type: "image/png", size: PNG.byteLength });
    expect(file.storage_key).not.toContain("现场照片");

    const download = await attachmentRoute.loader({
      request: makeRequest(`/attachments/${file.id}`, { cookie: cookies.viewer }),
      params: { attachmentId: String(file.id) },
      context: {} as never,
    });
    expect(download.headers.get("Content-Type")).toBe("image/png");
    expect(download.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PNG);
    const anonymous = await callLoader(attachmentRoute.loader, makeRequest(`/attachments/${file.id}`), {
      params: { attachmentId: String(file.id) },
    });
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toContain("/login");
    const missing = await callLoader(attachmentRoute.loader, makeRequest("/attachments/999999", { cookie: cookies.viewer }), {
      params: { attachmentId: "999999" },
    });
    expect(missing.status).toBe(404);
  });

  it("refuses a file that only claims to be an image, and an oversize body, keeping the text", async () => {
    const task = await newTask("伪装的文件");
    const fake = await multipart(task.id, "secretary", { body: "文字要保留" }, [
      { name: "photo.png", type: "image/png", bytes: new TextEncoder().encode("<html><script>alert(1)</script>") },
    ]);
    expect(fake.status).toBe(400);
    expect(fake.data.errors.attachments).toContain("不是图片");
    expect(fake.data.values.body).toBe("文字要保留");
    const huge = await multipart(task.id, "secretary", {}, [], { "Content-Length": String(200 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(await updatesOf(task.id)).toHaveLength(0);
  });

  it("counts the 填报's files as it saves: a sixth is refused on the field, keeping the text, and a removed one makes room", async () => {
    const task = await newTask("佐证材料上限");
    const photos = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `照片${from + i}.png`, type: "image/png", bytes: PNG }));
    const storedFiles = () => (existsSync(attachmentsDir()) ? readdirSync(attachmentsDir()).length : 0);
    expect((await multipart(task.id, "secretary", {}, photos(1, 4))).status).toBe(302);
    const [first] = await updatesOf(task.id);
    const filesBefore = storedFiles();

    const tooMany = await multipart(task.id, "secretary", { body: "再补两张照片", version: String(first.version) }, photos(5, 2));
    expect(tooMany.status).toBe(400);
    expect(tooMany.data.errors.attachments).toContain("最多5个");
    expect(tooMany.data.errors.attachments).toContain("已有4个");
    expect(tooMany.data.values.body).toBe("再补两张照片");
    expect(storedFiles()).toBe(filesBefore);
    const kept = await getDb().selectFrom("attachments").select("id").where("task_id", "=", task.id).orderBy("id").execute();
    expect(kept).toHaveLength(4);
    expect((await updatesOf(task.id))[0]).toMatchObject({ body: "附佐证材料", version: first.version });

    // One removed and two added in the same save: five in all.
    const swapped = await multipart(
      task.id,
      "secretary",
      { version: String(first.version), removeAttachment: String(kept[0].id) },
      photos(5, 2),
    );
    expect(swapped.status).toBe(302);
    expect(await getDb().selectFrom("attachments").select("id").where("task_id", "=", task.id).execute()).toHaveLength(5);
    expect(storedFiles()).toBe(filesBefore + 1);
  });

  it("refuses more than five files in one post before storing any", async () => {
    const task = await newTask("一次六个文件");
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `照片${i + 1}.png`, type: "image/png", bytes: PNG }));
    const storedFiles = () => (existsSync(attachmentsDir()) ? readdirSync(attachmentsDir()).length : 0);
    const before = storedFiles();
    const refused = await multipart(task.id, "secretary", { body: "六张照片" }, six);
    expect(refused.status).toBe(400);
    expect(refused.data.errors.attachments).toContain("一次最多上传5个");
    expect(refused.data.values.body).toBe("六张照片");
    expect(storedFiles()).toBe(before);
    expect(await updatesOf(task.id)).toHaveLength(0);
  });

  it("leaves no file behind when the form around it is refused", async () => {
    const task = await newTask("表单有误不留文件");
    const storedFiles = () => (existsSync(attachmentsDir()) ? readdirSync(attachmentsDir()).length : 0);
    const before = storedFiles();
    const refused = await multipart(task.id, "secretary", { body: "  ", [`metric_${task.sumMetric}`]: "-3" }, [
      { name: "现场.png", type: "image/png", bytes: PNG },
    ]);
    expect(refused.status).toBe(400);
    expect(refused.data.errors.body).toContain("请填写本周进展");
    expect(refused.data.errors[`metric_${task.sumMetric}`]).toContain("负数");
    expect(storedFiles()).toBe(before);
    expect(await updatesOf(task.id)).toHaveLength(0);
  });
});

describe("催办 and comments", () => {
  it("lets a leader urge a unit once a day, refusing the second politely, and the unit sees it on 我的待办", async () => {
    const task = await newTask("催办一次");
    const urge = (username: string) =>
      callAction(
        commentsRoute.action,
        makeRequest(`/tasks/${task.id}/comments`, {
          cookie: cookies[username],
          form: { intent: "urge", unitId: String(units["东晟社区"]), back: `/board/${task.id}` },
        }),
        {
          params: { taskId: String(task.id) },
        },
      );
    expect((await urge("secretary")).status).toBe(403);
    const first = await urge("leader");
    expect(first.status).toBe(302);
    expect(first.location).toBe(`/board/${task.id}`);
    const second = await urge("leader");
    expect(second.status).toBe(429);
    expect(second.data.message).toContain("一天只催办一次");
    const urges = await getDb().selectFrom("comments").selectAll().where("task_id", "=", task.id).where("kind", "=", "urge").execute();
    expect(urges).toHaveLength(1);

    const todo = await callLoader(todoRoute.loader, makeRequest("/todo", { cookie: cookies.secretary }));
    const seen = todo.data.todo.urges.find((u: { taskId: number }) => u.taskId === task.id);
    expect(seen).toMatchObject({ handled: false, author: "刘主任" });
    expect(todo.data.todo.due.some((d: { taskId: number }) => d.taskId === task.id)).toBe(true);
    const badgeBefore = await countTodo(getDb(), actors.secretary, new Date());

    // Reporting answers the 催办 and clears the due item.
    expect((await post(task.id, "secretary", {})).status).toBe(302);
    const after = await callLoader(todoRoute.loader, makeRequest("/todo", { cookie: cookies.secretary }));
    expect(after.data.todo.urges.find((u: { taskId: number }) => u.taskId === task.id).handled).toBe(true);
    expect(after.data.todo.due.some((d: { taskId: number }) => d.taskId === task.id)).toBe(false);
    expect(await countTodo(getDb(), actors.secretary, new Date())).toBe(badgeBefore - 2);
  });

  it("records comments with @unit mentions, shown to that unit; viewers cannot comment", async () => {
    const task = await newTask("评论提醒");
    const comment = (username: string, body: string) =>
      callAction(
        commentsRoute.action,
        makeRequest(`/tasks/${task.id}/comments`, { cookie: cookies[username], form: { intent: "comment", body, fetcher: "1" } }),
        {
          params: { taskId: String(task.id) },
        },
      );
    expect((await comment("viewer", "看看")).status).toBe(403);
    const empty = await comment("leader", "   ");
    expect(empty.status).toBe(400);
    const posted = await comment("leader", "请@东晟社区 补充照片");
    expect(posted.status).toBe(200);
    expect(posted.data.message).toContain("东晟社区");
    const todo = await callLoader(todoRoute.loader, makeRequest("/todo", { cookie: cookies.secretary }));
    expect(todo.data.todo.mentions.some((m: { body: string }) => m.body === "请@东晟社区 补充照片")).toBe(true);

    const detail = await callLoader(detailRoute.loader, makeRequest(`/board/${task.id}`, { cookie: cookies.viewer }), {
      params: { taskId: String(task.id) },
    });
    expect(detail.data.activity.comments[0]).toMatchObject({ kind: "comment", mentions: ["东晟社区"] });
    expect(detail.data.activity.canComment).toBe(false);
  });
});

describe("填报情况", () => {
  it("shows leaders the task × unit matrix with reported and missing cells, urges all missing once, exports the list", async () => {
    const task = await newTask("矩阵检查", "东晟社区", ["龙腾社区", "丰翼社区"]);
    expect((await post(task.id, "secretary", {})).status).toBe(302);
    expect((await callLoader(reportsRoute.loader, makeRequest("/reports", { cookie: cookies.secretary }))).status).toBe(403);

    const page = await callLoader(reportsRoute.loader, makeRequest(`/reports?year=2025&week=${thisWeek()}`, { cookie: cookies.leader }));
    expect(page.status).toBe(200);
    const row = page.data.matrix.rows.find((r: { taskId: number }) => r.taskId === task.id);
    const status = (unit: string) => row.cells.find((c: { unitId: number }) => c.unitId === units[unit]).status;
    expect(status("东晟社区")).toBe("reported");
    expect(status("龙腾社区")).toBe("missing");
    expect(status("丰翼社区")).toBe("missing");
    expect(page.data.matrix.totals.missing).toBeGreaterThanOrEqual(2);

    const all = await callAction(
      reportsRoute.action,
      makeRequest("/reports", { cookie: cookies.leader, form: { intent: "urgeAll", planId: String(planId), week: thisWeek() } }),
    );
    expect(all.data.message).toMatch(/已催办\d+项/);
    const urged = await getDb()
      .selectFrom("comments")
      .select("target_unit_id")
      .where("task_id", "=", task.id)
      .where("kind", "=", "urge")
      .execute();
    expect(urged.map((u) => u.target_unit_id).sort()).toEqual([units["龙腾社区"], units["丰翼社区"]].sort());
    const again = await callAction(
      reportsRoute.action,
      makeRequest("/reports", {
        cookie: cookies.leader,
        form: { intent: "urge", cell: `${task.id}:${units["龙腾社区"]}`, week: thisWeek() },
      }),
    );
    expect(again.status).toBe(429);
    const forged = await callAction(
      reportsRoute.action,
      makeRequest("/reports", { cookie: cookies.leader, form: { intent: "urge", cell: "abc", week: thisWeek() } }),
    );
    expect(forged.status).toBe(400);

    const file = await exportRoute.loader({
      request: makeRequest(`/reports/export?year=2025&week=${thisWeek()}`, { cookie: cookies.leader }),
      params: {},
      context: {} as never,
    });
    expect(file.headers.get("Content-Type")).toContain("spreadsheetml");
    expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it("has demo 填报 from the first start in the 2025 weeks, marked 演示数据, with late and missing cells", async () => {
    const demo = await getDb().selectFrom("updates").select(["week", "body", "is_demo"]).where("is_demo", "=", 1).execute();
    expect(demo.length).toBeGreaterThan(20);
    expect(demo.every((u) => u.week.startsWith("2025-") && u.body.startsWith("【演示数据】"))).toBe(true);
    const totals = { reported: 0, late: 0, missing: 0 };
    for (const week of [...new Set(demo.map((u) => u.week))].slice(0, 12)) {
      const page = await callLoader(reportsRoute.loader, makeRequest(`/reports?year=2025&week=${week}`, { cookie: cookies.leader }));
      expect(page.data.matrix.week).toBe(week);
      for (const key of ["reported", "late", "missing"] as const) totals[key] += page.data.matrix.totals[key];
    }
    expect(totals.reported).toBeGreaterThan(0);
    expect(totals.late).toBeGreaterThan(0);
    expect(totals.missing).toBeGreaterThan(0);
  });
});

describe("audit trail", () => {
  it("writes an audit row with the actor for every write kind, and admins can search it", async () => {
    const task = await newTask("审计检查");
    const since = await lastAuditId();
    expect(
      (await multipart(task.id, "secretary", { [`metric_${task.sumMetric}`]: "12" }, [{ name: "a.png", type: "image/png", bytes: PNG }]))
        .status,
    ).toBe(302);
    const [update] = await updatesOf(task.id);
    const [file] = await getDb().selectFrom("attachments").select("id").where("update_id", "=", update.id).execute();
    expect(
      (await multipart(task.id, "secretary", { version: "1", [`metric_${task.sumMetric}`]: "", removeAttachment: String(file.id) }, []))
        .status,
    ).toBe(302);
    await callAction(
      commentsRoute.action,
      makeRequest(`/tasks/${task.id}/comments`, { cookie: cookies.leader, form: { intent: "comment", body: "好" } }),
      { params: { taskId: String(task.id) } },
    );
    await callAction(
      commentsRoute.action,
      makeRequest(`/tasks/${task.id}/comments`, { cookie: cookies.leader, form: { intent: "urge", unitId: String(units["龙腾社区"]) } }),
      { params: { taskId: String(task.id) } },
    );

    const rows = await auditActions(since);
    const kinds = new Set(rows.map((r) => r.action));
    for (const kind of [
      "update.create",
      "update.edit",
      "metric_value.set",
      "metric_value.clear",
      "attachment.create",
      "attachment.delete",
      "comment.create",
      "urge.create",
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    expect(rows.every((r) => r.actor_id === actors.secretary.id || r.actor_id === actors.leader.id)).toBe(true);
    const edit = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "update.edit")
      .where("entity_id", "=", String(update.id))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(edit.before_json!)).toMatchObject({ version: 1 });
    expect(JSON.parse(edit.after_json!)).toMatchObject({ version: 2 });

    expect((await callLoader(auditRoute.loader, makeRequest("/admin/audit", { cookie: cookies.leader }))).status).toBe(403);
    const search = await callLoader(auditRoute.loader, makeRequest("/admin/audit?entity=comment&q=urge", { cookie: cookies.admin }));
    expect(search.status).toBe(200);
    expect(search.data.log.rows.length).toBeGreaterThan(0);
    expect(search.data.log.rows.every((r: { entity: string }) => r.entity === "comment")).toBe(true);
  });
});
