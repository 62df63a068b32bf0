import { describe, expect, it } from "vitest";
import { windowBudget } from "../../app/server/remix-guards";

describe("windowBudget", () => {
  it("spends a budget per key within a window and refuses what would exceed it", () => {
    const now = 0;
    const spend = windowBudget(10, 60_000, () => now);
    expect(spend("a", 6)).toBe(true);
    expect(spend("a", 5)).toBe(false);
    expect(spend("a", 4)).toBe(true);
    expect(spend("a")).toBe(false);
    expect(spend("b", 10)).toBe(true);
  });

  it("starts afresh when the window ends", () => {
    let now = 0;
    const spend = windowBudget(3, 60_000, () => now);
    expect(spend("a", 3)).toBe(true);
    expect(spend("a")).toBe(false);
    now = 59_999;
    expect(spend("a")).toBe(false);
    now = 60_000;
    expect(spend("a", 3)).toBe(true);
  });
});
