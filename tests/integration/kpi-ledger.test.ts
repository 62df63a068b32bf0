// The 工作台账 download: opened with exceljs and checked against the database.
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { aggregateActual, type Metric } from "../../app/lib/kpi";
import { attachmentDisposition, ledgerFileName } from "../../app/lib/kpi-ledger";
import { toDateKey, weekRange } from "../../app/lib/weeks";
import * as ledgerRoute from "../../app/routes/kpi_.ledger[.xlsx]";
import { getDb } from "../../app/utils/db.server";
import { callLoader, cookieFor, makeRequest } from "./helpers";

const WEEK = "2025-W26";
let leaderCookie: string;
let planId: number;

async function download(query: string, cookie = leaderCookie): Promise<Response> {
  try {
    return (await ledgerRoute.loader({
      request: makeRequest(`/kpi/ledger.xlsx${query}`, { cookie }),
      params: {},
      context: {} as never,
    })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function open(response: Response): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await response.arrayBuffer());
  return book;
}

function headers(sheet: ExcelJS.Worksheet): unknown[] {
  return (sheet.getRow(1).values as unknown[]).slice(1);
}

function rows(sheet: ExcelJS.Worksheet): ExcelJS.Row[] {
  const list: ExcelJS.Row[] = [];
  sheet.eachRow((row, number) => number > 1 && list.push(row));
  return list;
}

beforeAll(async () => {
  const db = getDb();
  leaderCookie = await cookieFor("leader");
  planId = (await db.selectFrom("plans").select("id").where("year", "=", 2025).executeTakeFirstOrThrow()).id;
  // A task that owes a report in W26 gets one from its lead unit, on time, with a blocker.
  const sunday = toDateKey(new Date(weekRange(WEEK).end.getTime() - 1));
  const task = await db
    .selectFrom("tasks")
    .innerJoin("task_units", "task_units.task_id", "tasks.id")
    .select(["tasks.id", "task_units.unit_id"])
    .where("tasks.plan_id", "=", planId)
    .where("task_units.role", "=", "lead")
    .where((eb) => eb.or([eb("tasks.done_at", "is", null), eb("tasks.done_at", ">", `${sunday}T23:59:59Z`)]))
    .where((eb) => eb.or([eb("tasks.start_date", "is", null), eb("tasks.start_date", "<=", sunday)]))
    .orderBy("tasks.code")
    .executeTakeFirstOrThrow();
  const author = (await db.selectFrom("users").select("id").where("username", "=", "admin").executeTakeFirstOrThrow()).id;
  const at = new Date(weekRange(WEEK).start.getTime() + 2 * 86400000).toISOString();
  await db.deleteFrom("updates").where("task_id", "=", task.id).where("unit_id", "=", task.unit_id).where("week", "=", WEEK).execute();
  await db
    .insertInto("updates")
    .values({
      task_id: task.id,
      unit_id: task.unit_id,
      author_id: author,
      week: WEEK,
      body: "完成台账核对",
      progress: 55,
      blockers: "经费未到位",
      next_steps: "协调经费",
      created_at: at,
      updated_at: at,
    })
    .execute();
  // The unit's latest 填报 of the task (demo updates may be later than W26) reports a blocker too.
  const latest = await db
    .selectFrom("updates")
    .select("id")
    .where("task_id", "=", task.id)
    .where("unit_id", "=", task.unit_id)
    .orderBy("week", "desc")
    .executeTakeFirstOrThrow();
  await db.updateTable("updates").set({ blockers: "经费未到位" }).where("id", "=", latest.id).execute();
});

describe("the 工作台账 export", () => {
  it("is for leaders and admins only", async () => {
    for (const username of ["secretary", "viewer"]) {
      const response = await download(`?year=2025&week=${WEEK}`, await cookieFor(username));
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("没有权限");
    }
    const anonymous = await callLoader(ledgerRoute.loader, makeRequest("/kpi/ledger.xlsx"));
    expect(anonymous.status).toBe(302);
    expect((await download(`?year=2025&week=${WEEK}`, await cookieFor("admin"))).status).toBe(200);
  });

  it("refuses bad years and weeks with a 4xx", async () => {
    for (const [query, status] of [
      ["?year=abc", 400],
      ["?year=1999", 404],
      ["?year=2025&week=2025-W99", 400],
      ["?year=2025&week=2031-W02", 400],
      ["?year=2025&week=hello", 400],
    ] as const) {
      const response = await download(query);
      expect(response.status, query).toBe(status);
      expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
      expect(await response.text()).toMatch(/<h1>无法导出工作台账（\d{3}）<\/h1><p>[^<]*(年度|周次)[^<]*<\/p>/);
    }
  });

  it("names the file in Chinese with an RFC 5987 filename* and an ASCII fallback", async () => {
    const response = await download(`?year=2025&week=${WEEK}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const disposition = response.headers.get("Content-Disposition")!;
    const today = toDateKey(new Date());
    expect(disposition).toBe(attachmentDisposition(`平东街道2025年重点工作台账_${today}.xlsx`));
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+\.xlsx"; filename\*=UTF-8''%E5%B9%B3%E4%B8%9C/);
    const encoded = /filename\*=UTF-8''(.+)$/.exec(disposition)![1];
    expect(decodeURIComponent(encoded)).toBe(ledgerFileName("平东街道", 2025, today));
    expect(attachmentDisposition("a'(b)*.xlsx")).toBe(`attachment; filename="a'(b)*.xlsx"; filename*=UTF-8''a%27%28b%29%2A.xlsx`);
  });

  it("has four sheets with Chinese headers on a frozen first row (the last one for the 计划台账 import)", async () => {
    const book = await open(await download(`?year=2025&week=${WEEK}`));
    expect(book.worksheets.map((s) => s.name)).toEqual(["重点工作台账", "指标完成情况", "填报情况 第26周", "计划台账"]);
    for (const sheet of book.worksheets) {
      expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      expect(sheet.getColumn(1).width).toBeGreaterThan(0);
    }
    expect(headers(book.worksheets[0])).toEqual([
      "序号",
      "任务来源",
      "工作任务",
      "目标值及计量单位",
      "责任领导",
      "牵头单位",
      "配合单位",
      "完成时限",
      "进展情况",
      "存在问题",
      "下步打算",
      "督办灯",
      "状态",
      "办结时间",
      "延期情况",
    ]);
    expect(headers(book.worksheets[1])).toEqual([
      "序号",
      "类别",
      "指标名称",
      "计量单位",
      "所属重点工作",
      "考核方向",
      "统计方式",
      "上年基数",
      "目标值",
      "完成值",
      "完成率",
      "序时进度",
      "督办灯",
      "说明",
    ]);
    expect(headers(book.worksheets[2])).toEqual([
      "序号",
      "编号",
      "重点工作",
      "单位",
      "牵头/配合",
      "填报情况",
      "提交时间",
      "完成进度",
      "最近催办",
    ]);
    expect(book.worksheets[0].getColumn(3).width).toBeGreaterThan(book.worksheets[0].getColumn(1).width!);
  });

  it("lists every task with dates as dates, its leader, units, latest 填报 and a coloured light", async () => {
    const db = getDb();
    const book = await open(await download(`?year=2025&week=${WEEK}`));
    const sheet = book.getWorksheet("重点工作台账")!;
    const tasks = await db
      .selectFrom("tasks")
      .leftJoin("users", "users.id", "tasks.lead_user_id")
      .select(["tasks.id", "tasks.code", "tasks.title", "tasks.due_date", "tasks.done_at", "tasks.status", "users.display_name"])
      .where("tasks.plan_id", "=", planId)
      .orderBy("tasks.code")
      .execute();
    const data = rows(sheet);
    expect(data).toHaveLength(tasks.length);
    for (const [i, task] of tasks.entries()) {
      const row = data[i];
      expect(row.getCell(1).value).toBe(i + 1);
      expect(row.getCell(3).value).toBe(`${task.code} ${task.title}`);
      expect(row.getCell(5).value ?? "").toBe(task.display_name ?? "");
      const due = row.getCell(8).value;
      if (task.due_date) {
        expect(due).toBeInstanceOf(Date);
        expect((due as Date).toISOString().slice(0, 10)).toBe(task.due_date);
        expect(row.getCell(8).numFmt).toContain("yyyy");
      }
      if (task.done_at) expect((row.getCell(14).value as Date).toISOString().slice(0, 10)).toBe(toDateKey(task.done_at));
      else expect(row.getCell(14).value).toBeNull();
      expect(row.getCell(13).value).toBe(
        { not_started: "未启动", in_progress: "推进中", pending_review: "待验收", done: "已销号" }[task.status],
      );
      const light = row.getCell(12);
      expect(String(light.value)).toMatch(/^(■ 红灯 滞后|▲ 黄灯 预警|● 绿灯 正常推进|✔ 已销号)$/);
      const fill = (light.fill as ExcelJS.FillPattern).fgColor?.argb;
      const expectedFill = { "■": "FFFDECEA", "▲": "FFFFF4D6", "●": "FFE7F5EC", "✔": "FFF3F4F6" }[String(light.value)[0]];
      expect(fill).toBe(expectedFill);
      // Lead unit from task_units.
      const lead = await db
        .selectFrom("task_units")
        .innerJoin("units", "units.id", "task_units.unit_id")
        .select("units.name")
        .where("task_units.task_id", "=", task.id)
        .where("role", "=", "lead")
        .executeTakeFirst();
      expect(row.getCell(6).value ?? "").toBe(lead?.name ?? "");
    }
    // 进展情况 / 存在问题 / 下步打算: each unit's latest 填报 of the task.
    const latest = await db
      .selectFrom("updates as u")
      .innerJoin("tasks", "tasks.id", "u.task_id")
      .select(["u.id", "u.task_id", "tasks.code", "u.unit_id", "u.week", "u.body", "u.blockers", "u.next_steps"])
      .where("tasks.plan_id", "=", planId)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("updates as n")
              .select("n.id")
              .whereRef("n.task_id", "=", "u.task_id")
              .whereRef("n.unit_id", "=", "u.unit_id")
              .whereRef("n.week", ">", "u.week"),
          ),
        ),
      )
      .execute();
    expect(latest.length).toBeGreaterThan(0);
    for (const update of latest) {
      const row = data[tasks.findIndex((t) => t.id === update.task_id)];
      expect(String(row.getCell(9).value)).toContain(update.body.trim());
      if (update.blockers.trim()) expect(String(row.getCell(10).value)).toContain(update.blockers.trim());
      if (update.next_steps.trim()) expect(String(row.getCell(11).value)).toContain(update.next_steps.trim());
    }
    expect(data.some((row) => String(row.getCell(10).value ?? "").includes("经费未到位"))).toBe(true);
  });

  it("gives each metric's baseline, target, actual and % as numbers that match the database", async () => {
    const db = getDb();
    const book = await open(await download(`?year=2025&week=${WEEK}`));
    const sheet = book.getWorksheet("指标完成情况")!;
    const metrics = await db.selectFrom("metrics").selectAll().where("plan_id", "=", planId).execute();
    const data = rows(sheet);
    expect(data).toHaveLength(metrics.length);
    let checkedWithValues = 0;
    for (const row of data) {
      const name = row.getCell(3).value;
      const candidates = metrics.filter(
        (m) =>
          m.name === name &&
          (m.target ?? null) === (row.getCell(9).value ?? null) &&
          (m.baseline ?? null) === (row.getCell(8).value ?? null),
      );
      expect(candidates.length, String(name)).toBeGreaterThan(0);
      // Same-named figures (e.g. a task's copy of a plan figure): the one whose actual matches.
      const cell = row.getCell(10).value;
      let m = candidates[0];
      let actual: number | null = null;
      for (const candidate of candidates) {
        const values = await db.selectFrom("metric_values").selectAll().where("metric_id", "=", candidate.id).execute();
        const candidateActual = aggregateActual(
          candidate as Metric,
          values.map((v) => ({ unitId: v.unit_id, weekKey: v.week, value: v.value, reportedAt: v.reported_at })),
        );
        if (candidateActual === cell || (candidateActual !== null && typeof cell === "number" && Math.abs(candidateActual - cell) < 1e-6)) {
          m = candidate;
          actual = candidateActual;
          break;
        }
        m = candidate;
        actual = candidateActual;
      }
      if (actual === null) expect(cell).toBeNull();
      else {
        expect(typeof cell).toBe("number");
        expect(cell as number).toBeCloseTo(actual, 6);
        checkedWithValues += 1;
      }
      if (m.target !== null && m.target > 0 && actual !== null && m.direction === "up") {
        expect(row.getCell(11).value as number).toBeCloseTo(Math.round((actual / m.target) * 1000) / 1000, 3);
        expect(row.getCell(11).numFmt).toBe("0.0%");
      }
      expect(typeof row.getCell(12).value).toBe("number");
      expect(String(row.getCell(13).value)).toMatch(/红灯|黄灯|绿灯|未评价/);
    }
    expect(checkedWithValues).toBeGreaterThan(0);
  });

  it("shows the week's 填报情况 with submit times as dates", async () => {
    const book = await open(await download(`?year=2025&week=${WEEK}`));
    const sheet = book.worksheets[2];
    const data = rows(sheet);
    expect(data.length).toBeGreaterThan(0);
    const ours = data.find((row) => row.getCell(8).value === 0.55);
    expect(ours).toBeDefined();
    expect(String(ours!.getCell(6).value)).toBe("✔ 已填报");
    expect(ours!.getCell(7).value).toBeInstanceOf(Date);
    for (const row of data) {
      expect(String(row.getCell(6).value)).toMatch(/已填报|补报|未填报/);
      if (String(row.getCell(6).value).includes("未填报")) expect(row.getCell(7).value).toBeNull();
    }
  });
});
