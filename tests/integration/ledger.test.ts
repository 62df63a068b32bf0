// 计划台账 through its route: a cell save with its version, bulk changes in one transaction, a
// pasted block previewed (nothing saved until confirmed) and the .xlsx round trip.
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseLedgerDate } from "../../app/lib/ledger";
import * as ledgerRoute from "../../app/routes/ledger/route";
import * as exportRoute from "../../app/routes/ledger[.xlsx]";
import * as kpiLedgerRoute from "../../app/routes/kpi_.ledger[.xlsx]";
import { getDb } from "../../app/utils/db.server";
import { ORIGIN, callAction, callLoader, loadDemoSetting, makeRequest } from "./helpers";

let planId: number;
let cookies: Record<string, string>;

beforeAll(async () => {
  ({ planId, cookies } = await loadDemoSetting());
});

type Rows = Awaited<ReturnType<typeof ledgerRoute.loader>>["rows"];

async function loadRows(): Promise<Rows> {
  const outcome = await callLoader(ledgerRoute.loader, makeRequest("/ledger?year=2025", { cookie: cookies.leader }));
  expect(outcome.status).toBe(200);
  return outcome.data.rows;
}

const post = (form: Record<string, string>, cookie = cookies.leader) =>
  callAction(ledgerRoute.action, makeRequest("/ledger", { form: { year: "2025", ...form }, cookie }));

/** Everything a 台账 write could touch, to show that a preview wrote nothing. */
async function dbState() {
  const db = getDb();
  const [tasks, units, metrics, audit] = await Promise.all([
    db.selectFrom("tasks").selectAll().where("plan_id", "=", planId).orderBy("id").execute(),
    db.selectFrom("task_units").selectAll().orderBy("task_id").orderBy("unit_id").execute(),
    db.selectFrom("metrics").selectAll().where("plan_id", "=", planId).orderBy("id").execute(),
    db.selectFrom("audit_log").select(db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return JSON.stringify({ tasks, units, metrics, audit });
}

async function auditCount(taskId: number) {
  const row = await getDb()
    .selectFrom("audit_log")
    .select(getDb().fn.countAll<number>().as("n"))
    .where("entity", "=", "task")
    .where("entity_id", "=", String(taskId))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("a cell", () => {
  it("is saved with its row's version; another user's stale save of the same cell shows a conflict, of another cell merges", async () => {
    const [row] = await loadRows();
    const first = await post({ intent: "cell", taskId: String(row.id), version: String(row.version), field: "metricTarget", value: "88" });
    expect(first.data).toMatchObject({ ok: true });
    const [after] = await loadRows();
    expect(after.metricTarget).toBe(88);
    expect(after.version).toBe(row.version + 1);

    // The same old version, another field: merged, not refused.
    const other = await post({
      intent: "cell",
      taskId: String(row.id),
      version: String(row.version),
      field: "category",
      value: "党建引领",
    });
    expect(other.data).toMatchObject({ ok: true });
    // The same old version, the same field changed to something else: a conflict in the cell.
    const stale = await post({ intent: "cell", taskId: String(row.id), version: String(row.version), field: "metricTarget", value: "90" });
    expect(stale.status).toBe(409);
    expect(stale.data.error).toContain("已被他人修改");
    expect((await loadRows()).find((r) => r.id === row.id)?.metricTarget).toBe(88);
  });

  it("refuses a bad value with the reason and saves nothing", async () => {
    const [row] = await loadRows();
    const before = await dbState();
    const outcome = await post({ intent: "cell", taskId: String(row.id), version: String(row.version), field: "leadUnitId", value: "城" });
    expect(outcome.status).toBe(400);
    expect(outcome.data.error).toContain("请写全称");
    expect(await dbState()).toBe(before);
  });

  it("is refused to a secretary and a viewer", async () => {
    const [row] = await loadRows();
    for (const who of ["secretary", "viewer"]) {
      const outcome = await post(
        { intent: "cell", taskId: String(row.id), version: String(row.version), field: "title", value: "x" },
        cookies[who],
      );
      expect(outcome.status).toBe(403);
    }
  });
});

describe("bulk changes", () => {
  it("set 责任领导, 牵头单位, 完成时限 and add a 配合单位 for all selected rows, one audit entry per task", async () => {
    const rows = (await loadRows()).slice(0, 4);
    const outcomeOfLoader = await callLoader(ledgerRoute.loader, makeRequest("/ledger?year=2025", { cookie: cookies.leader }));
    const leader = outcomeOfLoader.data.refs.leaders.at(-1) as { id: number; name: string };
    const audits = await Promise.all(rows.map((r) => auditCount(r.id)));
    const outcome = await post({
      intent: "bulk",
      rows: rows.map((r) => `${r.id}:${r.version}`).join(","),
      leaderId: leader.name,
      leadUnitId: "龙腾社区",
      dueDate: "2025-11-30",
      addSupport: "城东社区",
    });
    expect(outcome.data).toMatchObject({ ok: true, message: "已修改4项重点工作。" });
    const after = (await loadRows()).filter((r) => rows.some((x) => x.id === r.id));
    const db = getDb();
    const longtan = (await db.selectFrom("units").select("id").where("name", "=", "龙腾社区").executeTakeFirstOrThrow()).id;
    const chengdong = (await db.selectFrom("units").select("id").where("name", "=", "城东社区").executeTakeFirstOrThrow()).id;
    for (const row of after) {
      expect(row.leaderId).toBe(leader.id);
      expect(row.leadUnitId).toBe(longtan);
      expect(row.dueDate).toBe("2025-11-30");
      expect(row.supportUnitIds).toContain(chengdong);
      expect(row.supportUnitIds).not.toContain(longtan);
    }
    expect(await Promise.all(rows.map((r) => auditCount(r.id)))).toEqual(audits.map((n) => n + 1));
  });

  it("with one stale row changes none of them", async () => {
    const rows = (await loadRows()).slice(4, 7);
    // Someone else changes the third row's 完成时限 meanwhile.
    await post({ intent: "cell", taskId: String(rows[2].id), version: String(rows[2].version), field: "dueDate", value: "2025-08-31" });
    const before = await dbState();
    const outcome = await post({ intent: "bulk", rows: rows.map((r) => `${r.id}:${r.version}`).join(","), dueDate: "2025-10-31" });
    expect(outcome.status).toBe(409);
    expect(outcome.data.message).toContain(rows[2].code);
    expect(await dbState()).toBe(before);
  });
});

describe("a pasted block", () => {
  it("of 10×4 cells with two bad ones is previewed with two errors, nothing saved until confirmed", async () => {
    const rows = await loadRows();
    expect(rows).toHaveLength(10);
    const lines = rows.map((_, i) => {
      const unit = i === 2 ? "平安社区" : i % 2 ? "东晟社区" : "党建";
      const due = i === 5 ? "6月中旬" : `${(i % 12) + 1}月底`;
      return ["刘主任", unit, "城东社区、龙腾", due].join("\t");
    });
    const before = await dbState();
    const preview = await post({
      intent: "paste-preview",
      block: `${lines.join("\r\n")}\r\n`,
      rowIds: rows.map((r) => r.id).join(","),
      startRow: "0",
      startColumn: "3",
    });
    expect(preview.status).toBe(200);
    const refused = preview.data.preview.rows.flatMap((r: { refused: { field: string; message: string }[] }) => r.refused);
    expect(refused).toHaveLength(2);
    expect(refused.map((r: { field: string }) => r.field).sort()).toEqual(["dueDate", "leadUnitId"]);
    expect(refused.find((r: { field: string }) => r.field === "leadUnitId").message).toBe("没有名为「平安社区」的单位。");
    expect(await dbState()).toBe(before);

    const applied = await post({ intent: "apply", payload: preview.data.preview.payload });
    expect(applied.data).toMatchObject({ ok: true });
    const after = await loadRows();
    const byId = new Map(after.map((r) => [r.id, r]));
    expect(byId.get(rows[0].id)?.dueDate).toBe("2025-01-31");
    expect(byId.get(rows[1].id)?.dueDate).toBe("2025-02-28");
    // The refused cells were left as they were.
    expect(byId.get(rows[5].id)?.dueDate).toBe(rows[5].dueDate);
    expect(byId.get(rows[2].id)?.leadUnitId).toBe(rows[2].leadUnitId);
  });
});

describe("the .xlsx round trip", () => {
  async function exportBook(): Promise<ExcelJS.Workbook> {
    const response = (await exportRoute.loader({
      request: makeRequest("/ledger.xlsx?year=2025", { cookie: cookies.leader }),
      params: {},
      context: {} as never,
    })) as Response;
    expect(response.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await response.arrayBuffer());
    return book;
  }

  async function importBook(book: ExcelJS.Workbook) {
    const body = new FormData();
    body.set("intent", "import-preview");
    body.set("year", "2025");
    const bytes = await book.xlsx.writeBuffer();
    body.set(
      "file",
      new File([bytes as ArrayBuffer], "台账.xlsx", { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }),
    );
    const request = new Request(`${ORIGIN}/ledger`, { method: "POST", headers: { Cookie: cookies.leader, Origin: ORIGIN }, body });
    return callAction(ledgerRoute.action, request);
  }

  /** Each task's editable values as the sheet holds them, by title; dates compared as dates. */
  function sheetValues(book: ExcelJS.Workbook) {
    const sheet = book.getWorksheet("计划台账")!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const editable = ["工作任务", "类别", "责任领导", "牵头单位", "配合单位", "完成时限", "指标名称", "目标值", "计量单位"];
    const values = new Map<string, Record<string, unknown>>();
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      const record: Record<string, unknown> = {};
      for (const header of editable) {
        let value = row.getCell(headers.indexOf(header) + 1).value ?? "";
        if (header === "完成时限" && value !== "") value = (parseLedgerDate(value, 2025) as { value: string }).value;
        record[header] = value;
      }
      values.set(String(record["工作任务"]), record);
    });
    return values;
  }

  it("export → 3 cells edited and a row added → preview shows exactly those → apply → export again equals the edited file", async () => {
    const book = await exportBook();
    const sheet = book.getWorksheet("计划台账")!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const col = (name: string) => headers.indexOf(name) + 1;
    expect(sheet.getColumn(col("任务ID（请勿修改）")).hidden).toBe(true);

    const before = await loadRows();
    // 1. a leader by name, 2. a 完成时限 as WPS text, 3. a target as a number.
    sheet.getRow(2).getCell(col("责任领导")).value = "";
    sheet.getRow(3).getCell(col("完成时限")).value = "2025年11月30日";
    sheet.getRow(4).getCell(col("目标值")).value = 1234;
    const added = sheet.addRow([]);
    added.getCell(col("工作任务")).value = "新建口袋公园两处";
    added.getCell(col("类别")).value = "城市管理";
    added.getCell(col("牵头单位")).value = "城市管理";
    added.getCell(col("完成时限")).value = "10月底";
    const rowTitle = (n: number) => String(sheet.getRow(n).getCell(col("工作任务")).value);

    const stateBefore = await dbState();
    const preview = await importBook(book);
    expect(preview.status).toBe(200);
    const { rows, newRows } = preview.data.preview;
    const changes = rows.flatMap((r: { title: string; changes: { field: string; after: string }[] }) =>
      r.changes.map((c) => [r.title, c.field, c.after]),
    );
    expect(changes).toEqual([
      [rowTitle(2), "leaderId", ""],
      [rowTitle(3), "dueDate", "2025年11月30日"],
      [rowTitle(4), "metricTarget", "1234"],
    ]);
    expect(rows.flatMap((r: { refused: unknown[] }) => r.refused)).toEqual([]);
    expect(newRows).toHaveLength(1);
    expect(newRows[0].values).toMatchObject({ title: "新建口袋公园两处", category: "城市管理", dueDate: "2025-10-31" });
    expect(await dbState()).toBe(stateBefore);

    const applied = await post({ intent: "apply", payload: preview.data.preview.payload });
    expect(applied.data).toMatchObject({ ok: true, message: "已修改3项重点工作，新增1项。" });
    expect(await loadRows()).toHaveLength(before.length + 1);

    const again = await exportBook();
    const edited = sheetValues(book);
    // The new row's 牵头单位 was written as a prefix; the export names it in full.
    edited.get("新建口袋公园两处")!["牵头单位"] = "城市管理办公室";
    expect(sheetValues(again)).toEqual(edited);

    // The same file twice changes nothing.
    const stateAfter = await dbState();
    const second = await importBook(book);
    expect(second.data.preview.rows).toEqual([]);
    expect(second.data.preview.newRows).toEqual([]);
    expect(await dbState()).toBe(stateAfter);
  });

  it("takes the KPI page's 工作台账 back too: unchanged, it changes nothing", async () => {
    const response = (await kpiLedgerRoute.loader({
      request: makeRequest("/kpi/ledger.xlsx?year=2025&week=2025-W26", { cookie: cookies.leader }),
      params: {},
      context: {} as never,
    })) as Response;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await response.arrayBuffer());
    const preview = await importBook(book);
    expect(preview.status).toBe(200);
    expect(preview.data.preview.rows).toEqual([]);
    expect(preview.data.preview.newRows).toEqual([]);
  });

  it("refuses a file that is not a workbook, and a zip that opens too large, without reading it", async () => {
    const body = new FormData();
    body.set("intent", "import-preview");
    body.set("year", "2025");
    body.set("file", new File([new TextEncoder().encode("not a zip")], "x.xlsx"));
    const request = new Request(`${ORIGIN}/ledger`, { method: "POST", headers: { Cookie: cookies.leader, Origin: ORIGIN }, body });
    const outcome = await callAction(ledgerRoute.action, request);
    expect(outcome.status).toBe(400);
    expect(outcome.data.message).toContain("无法读取该文件");

    const { zipSync } = await import("fflate");
    const bomb = zipSync({ "xl/worksheets/sheet1.xml": new Uint8Array(40 * 1024 * 1024) }, { level: 9 });
    const bombBody = new FormData();
    bombBody.set("intent", "import-preview");
    bombBody.set("year", "2025");
    bombBody.set("file", new File([bomb], "bomb.xlsx"));
    const bombOutcome = await callAction(
      ledgerRoute.action,
      new Request(`${ORIGIN}/ledger`, { method: "POST", headers: { Cookie: cookies.leader, Origin: ORIGIN }, body: bombBody }),
    );
    expect(bombOutcome.status).toBe(413);
    expect(bombOutcome.data.message).toContain("解压后过大");
  });
});
