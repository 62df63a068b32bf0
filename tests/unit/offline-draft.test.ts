// A 填报 draft kept in the browser is dropped only when the stored 填报 says exactly what it says.
import { describe, expect, it } from "vitest";
import { draftIsStored, draftKeyOf } from "~/routes/tasks.$taskId.update/offline-draft";

const stored = { body: "完成入户走访120户", progress: 60, nextSteps: "整理台账", blockers: null };

describe("a browser draft of a 填报", () => {
  it("counts as sent when its text fields match the stored 填报, blanks and spaces aside", () => {
    expect(draftIsStored({ body: " 完成入户走访120户 ", progress: "60", nextSteps: "整理台账", blockers: "" }, stored)).toBe(true);
  });

  it("is kept when any text field differs, a missing field included", () => {
    expect(draftIsStored({ body: "完成入户走访120户", progress: "70", nextSteps: "整理台账", blockers: "" }, stored)).toBe(false);
    expect(draftIsStored({ body: "完成入户走访120户", progress: "60", nextSteps: "", blockers: "" }, stored)).toBe(false);
    expect(draftIsStored({ body: "完成入户走访120户", progress: "60", nextSteps: "整理台账", blockers: "缺少经费" }, stored)).toBe(false);
  });

  it("is stored under one key per task, unit and week", () => {
    expect(draftKeyOf(5, 3, "2026-W49")).toBe("update-draft:5:3:2026-W49");
    expect(draftKeyOf(5, 3, "2026-W49")).not.toBe(draftKeyOf(5, 4, "2026-W49"));
  });
});
