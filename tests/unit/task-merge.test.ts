import { describe, expect, it } from "vitest";
import { mergeEdit, mergeFields, type EditableTask } from "../../app/lib/task-merge";

const base: EditableTask = {
  title: "老旧小区改造",
  description: "",
  category: "城市管理",
  origin: "manual",
  originRef: null,
  leadUserId: 1,
  leadUnitId: 2,
  supportUnitIds: [3, 4],
  startDate: null,
  dueDate: "2025-12-31",
  metrics: [{ id: 9, name: "改造小区", unit: "个", baseline: 1, target: 3, direction: "up", aggregation: "sum" }],
};

describe("mergeEdit", () => {
  it("keeps others' fields and takes mine where only I changed", () => {
    const r = mergeEdit(base, { ...base, category: "民生保障" }, { ...base, title: "新名称" });
    expect(r.conflicts).toEqual([]);
    expect(r.theirs).toEqual(["category"]);
    expect(r.mine).toEqual(["title"]);
    expect(r.merged).toMatchObject({ title: "新名称", category: "民生保障" });
  });

  it("conflicts only on fields both changed differently; the same change is no conflict", () => {
    const r = mergeEdit(base, { ...base, title: "甲", dueDate: "2025-10-31" }, { ...base, title: "乙", dueDate: "2025-10-31" });
    expect(r.conflicts).toEqual(["title"]);
  });

  it("never conflicts when nothing was changed; unit order and empty text do not count as changes", () => {
    const r = mergeEdit(base, { ...base, title: "甲" }, { ...base, supportUnitIds: [4, 3], originRef: null });
    expect(r).toMatchObject({ conflicts: [], mine: [], theirs: ["title"] });
  });

  it("settles a seen conflict by the chosen side", () => {
    const current = { ...base, title: "甲" };
    const mine = { ...base, title: "乙" };
    expect(mergeEdit(base, current, mine, { title: "mine" }).merged.title).toBe("乙");
    const theirs = mergeEdit(base, current, mine, { title: "theirs" });
    expect(theirs.merged.title).toBe("甲");
    expect(theirs.mine).toEqual([]);
  });

  it("treats metrics as one field", () => {
    const changed = { ...base, metrics: [{ ...base.metrics[0], target: 5 }] };
    expect(mergeEdit(base, changed, { ...base, title: "x" }).merged.metrics[0].target).toBe(5);
    expect(mergeEdit(base, changed, { ...base, metrics: [{ ...base.metrics[0], target: 6 }] }).conflicts).toEqual(["metrics"]);
  });

  it("with an unknown base, every difference from the current row is a conflict", () => {
    expect(mergeEdit(null, base, { ...base, title: "乙" }).conflicts).toEqual(["title"]);
    expect(mergeEdit(null, base, base).conflicts).toEqual([]);
  });
});

describe("mergeFields (填报 and summary sections)", () => {
  const keys = ["heading", "body"] as const;
  const base = { heading: "三、存在问题", body: "原文" };
  it("keeps others' fields, saves mine, and conflicts only where both changed", () => {
    expect(mergeFields(keys, base, { ...base, heading: "新标题" }, { ...base, body: "我的正文" })).toEqual({
      theirs: ["heading"],
      mine: ["body"],
      conflicts: [],
    });
    expect(mergeFields(keys, base, { ...base, body: "他的正文" }, { ...base, body: "我的正文" }).conflicts).toEqual(["body"]);
    expect(mergeFields(keys, base, { ...base, body: "他的正文" }, { ...base, body: "我的正文" }, { body: "mine" }).mine).toEqual(["body"]);
  });
  it("never conflicts on a save that changes nothing; an unknown base conflicts wherever mine differs", () => {
    expect(mergeFields(keys, base, { heading: "甲", body: "乙" }, base)).toEqual({ theirs: ["heading", "body"], mine: [], conflicts: [] });
    expect(mergeFields(keys, null, { ...base, body: "他的" }, { ...base, body: "我的" }).conflicts).toEqual(["body"]);
  });
});
