// 明年工作思路's owners: a task without 责任领导/牵头单位 gets its category's usual owner as a
// suggestion (建议) to confirm, so the outline saves; only where no owner can be derived at all
// does the form ask for one, at the field.
import { describe, expect, it } from "vitest";
import { blankRow, categoryOwner, prefillOutline, type OutlineRow, type OutlineSource } from "~/lib/summary/outline";
import { MAX_OUTLINE_ROWS, parseOutlineForm } from "~/routes/summary/outline-form.server";

type SourceTask = OutlineSource["tasks"][number];

function task(id: number, category: string, leadUserId: number | null, leadUnitId: number | null): SourceTask {
  return { id, title: `任务${id}`, category, origin: "key_work", status: "in_progress", leadUserId, leadUnitId, supportUnitIds: [] };
}

function source(tasks: SourceTask[], eligible?: OutlineSource["eligible"]): OutlineSource {
  return { year: 2025, tasks, metrics: [], blockers: [], eligible };
}

/** The form as the page posts it: the rows' fields, with the page's hidden 建议 marks. */
function form(rows: OutlineRow[]): FormData {
  const data = new FormData();
  data.set("year", "2025");
  data.set("expectedVersion", "0");
  data.set("rows", String(rows.length));
  rows.forEach((row, i) => {
    const p = `r${i}.`;
    if (row.include) data.set(`${p}include`, "1");
    data.set(`${p}category`, row.category);
    data.set(`${p}kind`, row.kind);
    data.set(`${p}fromTaskId`, row.fromTaskId === null ? "" : String(row.fromTaskId));
    data.set(`${p}title`, row.title);
    data.set(`${p}leadUserId`, row.leadUserId === null ? "" : String(row.leadUserId));
    data.set(`${p}leadUnitId`, row.leadUnitId === null ? "" : String(row.leadUnitId));
    data.set(`${p}dueDate`, row.dueDate);
    for (const [field, suggestion] of Object.entries(row.suggested ?? {})) data.set(`${p}suggested.${field}`, String(suggestion.id));
  });
  return data;
}

const ctx = (s: OutlineSource) => ({ source: s, leaderIds: new Set([7, 8, 9]), unitIds: new Set([21, 22, 23]) });

describe("owners of next year's items", () => {
  it("suggests the category's usual owner for a task without one, marked 建议; a task's own owner is kept", () => {
    const s = source([task(1, "党建", 7, 21), task(2, "党建", 7, 21), task(3, "党建", 8, 22), task(4, "党建", null, null)]);
    const rows = prefillOutline(s);
    const own = rows.find((r) => r.fromTaskId === 3)!;
    expect([own.leadUserId, own.leadUnitId, own.suggested]).toEqual([8, 22, undefined]);
    const ownerless = rows.find((r) => r.fromTaskId === 4)!;
    expect([ownerless.leadUserId, ownerless.leadUnitId]).toEqual([7, 21]);
    expect(ownerless.suggested).toEqual({ leadUserId: { id: 7, basis: "category" }, leadUnitId: { id: 21, basis: "category" } });
  });

  it("falls back to the year's usual owner where the category's tasks have none (tasks added without owners)", () => {
    const s = source([task(1, "党建", 7, 21), task(2, "经济", 7, 22), task(3, "", null, null), task(4, "", null, null)]);
    const row = prefillOutline(s).find((r) => r.fromTaskId === 3)!;
    expect(row.suggested).toEqual({ leadUserId: { id: 7, basis: "plan" }, leadUnitId: { id: 21, basis: "plan" } });
    expect(categoryOwner(s, "民生保障").leadUserId).toEqual({ id: 7, basis: "plan" });
  });

  it("never suggests a leader or unit that can no longer own work, and replaces a task's disabled leader", () => {
    const s = source([task(1, "党建", 9, 21), task(2, "党建", 9, 21), task(3, "党建", 7, 21)], { leaderIds: [7], unitIds: [21] });
    expect(categoryOwner(s, "党建").leadUserId).toEqual({ id: 7, basis: "category" });
    const row = prefillOutline(s).find((r) => r.fromTaskId === 1)!;
    expect(row.leadUserId).toBe(7);
    expect(row.suggested?.leadUserId).toEqual({ id: 7, basis: "category" });
  });

  it("saves the ticked rows once every one has an owner after prefilling; the 建议 marks are not stored", () => {
    const s = source([task(1, "党建", 7, 21), task(2, "", null, null)]);
    const rows = prefillOutline(s);
    expect(rows.filter((r) => r.include)).toHaveLength(2);
    const parsed = parseOutlineForm(form(rows), ctx(s));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.items.map((i) => [i.fromTaskId, i.category, i.leadUserId, i.leadUnitId])).toEqual([
      [1, "党建", 7, 21],
      // A task without a category goes on under 其他.
      [2, "其他", 7, 21],
    ]);
    expect(parsed.items.every((i) => !("suggested" in i))).toBe(true);
  });

  it("asks at the field, in Chinese, only when no owner can be derived at all, keeping the input", () => {
    const s = source([task(1, "", null, null)]);
    const rows = [...prefillOutline(s), { ...blankRow(s, "民生保障"), include: true, title: "推进社区养老服务站建设" }];
    expect(rows[0].suggested).toBeUndefined();
    const parsed = parseOutlineForm(form(rows), ctx(s));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors["r0.leadUserId"]).toBe("今年没有可参照的责任领导（本类别和全年的任务都未指定），请为这一项选择责任领导。");
    expect(parsed.errors["r0.leadUnitId"]).toBe("今年没有可参照的牵头单位（本类别和全年的任务都未指定），请为这一项选择牵头单位。");
    expect(parsed.errors["r1.leadUserId"]).toMatch(/请为这一项选择责任领导/);
    expect(parsed.rows[1].title).toBe("推进社区养老服务站建设");
  });

  it("keeps a suggestion marked while unchanged when the form comes back with errors, and drops it once changed", () => {
    const s = source([task(1, "党建", 7, 21), task(2, "党建", null, null)]);
    const rows = prefillOutline(s).map((r) => (r.fromTaskId === 2 ? { ...r, leadUnitId: 22, dueDate: "2025-12-31" } : r));
    const parsed = parseOutlineForm(form(rows), ctx(s));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const back = parsed.rows.find((r) => r.fromTaskId === 2)!;
    expect(back.suggested).toEqual({ leadUserId: { id: 7, basis: "category" } });
    expect(back.leadUnitId).toBe(22);
  });

  it("refuses a form that says it has more rows than a page can hold, instead of saving only the first ones", () => {
    const s = source([task(1, "党建", 7, 21)]);
    const data = form(prefillOutline(s));
    data.set("rows", String(MAX_OUTLINE_ROWS + 1));
    const parsed = parseOutlineForm(data, ctx(s));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toBe(`一次最多保存${MAX_OUTLINE_ROWS}行，本次提交了${MAX_OUTLINE_ROWS + 1}行，未保存。请刷新页面后重试。`);
    expect(parsed.rows[0].title).toBe("任务1");
  });
});
