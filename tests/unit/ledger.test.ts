// The 计划台账's pure parts: dates as offices write them, names matched exactly or by a unique
// prefix, numbers, pasted blocks, sheets and the three-way diff of a row.
import { describe, expect, it } from "vitest";
import {
  applyLedgerValues,
  bulkValues,
  matchName,
  parseCell,
  parseLedgerDate,
  parseTarget,
  type LedgerRefs,
  type LedgerValues,
} from "~/lib/ledger";
import { mapPasteBlock, parseTsv, planNewRow, planRow, readLedgerTable, ID_HEADER, VERSION_HEADER } from "~/lib/ledger-import";
import type { EditableTask } from "~/lib/task-merge";

const refs: LedgerRefs = {
  year: 2025,
  leaders: [
    { id: 1, name: "刘主任" },
    { id: 2, name: "王书记" },
    { id: 3, name: "王副主任" },
  ],
  units: [
    { id: 10, name: "东晟社区" },
    { id: 11, name: "龙腾社区" },
    { id: 12, name: "党建工作办公室" },
    { id: 13, name: "城市管理办公室" },
    { id: 14, name: "城东社区" },
  ],
};

const row: LedgerValues & { id: number; version: number; code: string } = {
  id: 7,
  version: 3,
  code: "2025-01",
  title: "推进老旧小区改造",
  category: "城市管理",
  leaderId: 1,
  leadUnitId: 13,
  supportUnitIds: [10],
  dueDate: "2025-06-30",
  metricName: "改造小区",
  metricTarget: 5,
  metricUnit: "个",
};

describe("parseLedgerDate", () => {
  it.each([
    ["2025-06-30", "2025-06-30"],
    ["2025/6/30", "2025-06-30"],
    ["2025.6.3", "2025-06-03"],
    ["20250630", "2025-06-30"],
    ["6.30", "2025-06-30"],
    ["11/5", "2025-11-05"],
    ["2025年6月30日", "2025-06-30"],
    ["６月３０日", "2025-06-30"],
    ["6月30日前", "2025-06-30"],
    ["6月底", "2025-06-30"],
    ["2024年2月底", "2024-02-29"],
    ["2025年6月底", "2025-06-30"],
    ["年底", "2025-12-31"],
    ["2026年底", "2026-12-31"],
    ["", null],
  ])("reads %s", (text, expected) => {
    expect(parseLedgerDate(text, 2025)).toEqual({ ok: true, value: expected });
  });

  it("reads date cells and Excel serial numbers", () => {
    expect(parseLedgerDate(new Date(Date.UTC(2025, 5, 30)), 2025)).toEqual({ ok: true, value: "2025-06-30" });
    expect(parseLedgerDate(45838, 2025)).toEqual({ ok: true, value: "2025-06-30" });
  });

  it.each(["6月", "上半年", "6月中旬", "2025年2月30日", "13月底", "下周", "6.31", "2025.6"])("refuses %s rather than guess", (text) => {
    const result = parseLedgerDate(text, 2025);
    expect(result.ok).toBe(false);
  });

  it("says how to write a month-only date", () => {
    expect(parseLedgerDate("6月", 2025)).toEqual({ ok: false, error: "「6月」只写到月份：请写明哪一天，或写「6月底」。" });
  });
});

describe("matchName", () => {
  it("takes the exact name, then a unique prefix", () => {
    expect(matchName("东晟社区", refs.units, "单位")).toEqual({ ok: true, value: { id: 10, name: "东晟社区" } });
    expect(matchName(" 党建 ", refs.units, "单位")).toEqual({ ok: true, value: { id: 12, name: "党建工作办公室" } });
  });

  it("never guesses between several or from nothing", () => {
    expect(matchName("城", refs.units, "单位")).toEqual({ ok: false, error: "「城」可指城市管理办公室、城东社区，请写全称。" });
    expect(matchName("王", refs.leaders, "责任领导").ok).toBe(false);
    expect(matchName("平安社区", refs.units, "单位")).toEqual({ ok: false, error: "没有名为「平安社区」的单位。" });
    expect(matchName("社区", refs.units, "单位").ok).toBe(false);
  });
});

describe("parseCell", () => {
  it("reads units lists, leaders and targets", () => {
    expect(parseCell("supportUnitIds", "东晟、龙腾社区，城东", refs)).toEqual({ ok: true, value: [10, 11, 14] });
    expect(parseCell("leaderId", "王书记", refs)).toEqual({ ok: true, value: 2 });
    expect(parseCell("leaderId", "", refs)).toEqual({ ok: true, value: null });
    expect(parseCell("metricTarget", "1,200", refs)).toEqual({ ok: true, value: 1200 });
    expect(parseTarget("４.５%")).toEqual({ ok: true, value: 4.5 });
  });

  it("refuses a non-number target, an empty title and too long a text", () => {
    expect(parseCell("metricTarget", "约100", refs)).toEqual({ ok: false, error: "目标值「约100」不是数字。" });
    expect(parseCell("title", "  ", refs).ok).toBe(false);
    expect(parseCell("category", "长".repeat(31), refs).ok).toBe(false);
  });
});

describe("parseTsv and mapPasteBlock", () => {
  it("reads Excel's tab-separated text, quoted cells included", () => {
    expect(parseTsv('a\tb\r\n"c\td"\t"say ""hi"""\r\n')).toEqual([
      ["a", "b"],
      ["c\td", 'say "hi"'],
    ]);
    expect(parseTsv('"line1\nline2"\tx')).toEqual([["line1\nline2", "x"]]);
  });

  it("fills from the focused cell, skipping the read-only columns and noting what overflows", () => {
    // Column 3 is 责任领导; the block spans 责任领导 … 完成时限.
    const mapping = mapPasteBlock(
      [
        ["刘主任", "东晟社区", "", "6月底"],
        ["王书记", "龙腾社区", "", "9月底"],
        ["王书记", "龙腾社区", "", "9月底"],
      ],
      [7, 8],
      0,
      3,
    );
    expect(mapping.cells).toHaveLength(8);
    expect(mapping.cells[0]).toEqual({ rowId: 7, field: "leaderId", raw: "刘主任" });
    expect(mapping.cells[7]).toEqual({ rowId: 8, field: "dueDate", raw: "9月底" });
    expect(mapping.notes).toEqual(["粘贴内容比表格多出1行，多出的行未使用。"]);
    // From 编号: the code column is skipped over, not written.
    const fromCode = mapPasteBlock([["2025-09", "新名称"]], [7], 0, 0);
    expect(fromCode.cells).toEqual([{ rowId: 7, field: "title", raw: "新名称" }]);
  });
});

describe("planRow", () => {
  it("lists changed cells old → new and refuses bad ones with the reason", () => {
    const plan = planRow(
      { current: row, base: row },
      {
        version: null,
        cells: [
          { field: "leaderId", raw: "王书记" },
          { field: "leadUnitId", raw: "城市管理办公室" },
          { field: "dueDate", raw: "2025年6月底" },
          { field: "metricTarget", raw: "十个" },
          { field: "supportUnitIds", raw: "平安社区" },
        ],
      },
      refs,
    );
    expect(plan.changes).toEqual([{ field: "leaderId", before: "刘主任", after: "王书记", raw: "王书记" }]);
    expect(plan.refused.map((r) => r.field)).toEqual(["supportUnitIds", "metricTarget"]);
  });

  it("keeps what others saved since the file's version, and refuses a cell both changed", () => {
    const current = { ...row, version: 5, leaderId: 2, dueDate: "2025-09-30" };
    const plan = planRow(
      { current, base: row },
      {
        version: 3,
        cells: [
          { field: "leaderId", raw: "刘主任" }, // unchanged in the file: 王书记 (saved by someone else) stays
          { field: "dueDate", raw: "2025-12-31" }, // changed by both
          { field: "metricTarget", raw: "8" }, // changed in the file only
        ],
      },
      refs,
    );
    expect(plan.changes.map((c) => [c.field, c.after])).toEqual([["metricTarget", "8"]]);
    expect(plan.refused).toEqual([
      { field: "dueDate", raw: "2025-12-31", message: "已被他人修改：现为「2025年9月30日」，请核对后重新填写。" },
    ]);
  });

  it("sees no change in the same values written differently", () => {
    const plan = planRow(
      { current: row, base: row },
      {
        version: 3,
        cells: [
          { field: "dueDate", raw: new Date(Date.UTC(2025, 5, 30)) },
          { field: "supportUnitIds", raw: "东晟" },
          { field: "metricTarget", raw: 5 },
        ],
      },
      refs,
    );
    expect(plan.changes).toEqual([]);
    expect(plan.refused).toEqual([]);
  });
});

describe("applyLedgerValues and bulkValues", () => {
  const task: EditableTask = {
    title: "推进老旧小区改造",
    description: "",
    category: "城市管理",
    origin: "key_work",
    originRef: "四.1",
    leadUserId: 1,
    leadUnitId: 13,
    supportUnitIds: [10, 11],
    startDate: null,
    dueDate: null,
    metrics: [],
  };

  it("creates the row's metric from a target alone, and drops the lead unit from 配合单位", () => {
    const next = applyLedgerValues(task, { metricTarget: 12, leadUnitId: 10 });
    expect(next.metrics).toEqual([
      { id: null, name: "年度目标", unit: "", baseline: null, target: 12, direction: "up", aggregation: "sum" },
    ]);
    expect(next.leadUnitId).toBe(10);
    expect(next.supportUnitIds).toEqual([11]);
  });

  it("edits only the first metric's fields", () => {
    const withMetrics: EditableTask = {
      ...task,
      metrics: [
        { id: 1, name: "改造小区", unit: "个", baseline: 2, target: 5, direction: "up", aggregation: "sum" },
        { id: 2, name: "加装电梯", unit: "部", baseline: null, target: 3, direction: "up", aggregation: "sum" },
      ],
    };
    const next = applyLedgerValues(withMetrics, { metricTarget: 6 });
    expect(next.metrics[0]).toMatchObject({ id: 1, target: 6, baseline: 2 });
    expect(next.metrics[1]).toBe(withMetrics.metrics[1]);
  });

  it("adds and removes 配合单位 against each row's own list", () => {
    expect(bulkValues(row, { addSupportUnitIds: [11], removeSupportUnitIds: [10] })).toEqual({ supportUnitIds: [11] });
    expect(bulkValues(row, { leaderId: 2, dueDate: "2025-12-31" })).toEqual({ leaderId: 2, dueDate: "2025-12-31" });
  });
});

describe("readLedgerTable and planNewRow", () => {
  const table = [
    [
      "编号",
      "工作任务",
      "类别",
      "责任领导",
      "牵头单位",
      "配合单位",
      "完成时限",
      "指标名称",
      "目标值",
      "计量单位",
      "状态",
      ID_HEADER,
      VERSION_HEADER,
    ],
    [
      "2025-01",
      "推进老旧小区改造",
      "城市管理",
      "刘主任",
      "城市管理办公室",
      "东晟社区",
      new Date(Date.UTC(2025, 5, 30)),
      "改造小区",
      5,
      "个",
      "推进中",
      7,
      3,
    ],
    [null, null, null, null, null, null, null, null, null, null, null, null, null],
    [null, "新增一项工作", "城市管理", "王书", "东晟", null, "9月底", null, null, null, null, null, null],
  ];

  it("finds columns by header and ties rows to tasks by the hidden id", () => {
    const read = readLedgerTable(table);
    if ("error" in read) throw new Error(read.error);
    expect(read.rows).toHaveLength(2);
    expect(read.rows[0]).toMatchObject({ line: 2, taskId: 7, version: 3 });
    expect(read.rows[1]).toMatchObject({ line: 4, taskId: null });
    const created = planNewRow(read.rows[1].line, read.rows[1].cells, refs, new Set());
    expect(created?.values).toEqual({ title: "新增一项工作", category: "城市管理", leaderId: 2, leadUnitId: 10, dueDate: "2025-09-30" });
    // The same row again (a file imported twice): the task exists by now.
    expect(planNewRow(read.rows[1].line, read.rows[1].cells, refs, new Set(["新增一项工作"]))).toBeNull();
  });

  it("refuses a sheet without a 工作任务 column, or without the hidden ids", () => {
    expect(readLedgerTable([["a", "b"]])).toEqual({ error: "表格中找不到「工作任务」列：请上传从计划台账导出的表格。" });
    expect(
      readLedgerTable([
        ["序号", "工作任务"],
        [1, "2025-01 推进老旧小区改造"],
      ]),
    ).toEqual({
      error: "表格中没有「任务ID」列：请先在本页点“导出台账”，在导出的表格上修改后再导入。",
    });
  });
});
