import { describe, expect, it } from "vitest";
import { seededRandom as random } from "../../seeded-random";
import { computeLight, DEFAULT_LIGHT_THRESHOLDS, expectedProgressOf, LIGHT_LABELS, validateThresholds, type LightTask } from "~/lib/lights";
import { previousWeek, weekKeyOf } from "~/lib/weeks";

const planStart = "2025-01-01";

/**
 * 40-day task, 1 March to 9 April 2025; on 21 March (week 12) exactly half its time is gone.
 * Unless a test says otherwise, it was reported last week, so silence plays no part.
 */
function task(today: string, overrides: Partial<LightTask> = {}): LightTask {
  return {
    status: "in_progress",
    startDate: "2025-03-01",
    dueDate: "2025-04-09",
    progress: 50,
    lastUpdateWeek: previousWeek(weekKeyOf(today)),
    ...overrides,
  };
}

function light(overrides: Partial<LightTask>, today = "2025-03-21") {
  return computeLight(task(today, overrides), { today, planStart });
}

describe("序时进度", () => {
  it("is elapsed days over the span, start and due day included", () => {
    expect(expectedProgressOf("2025-03-01", "2025-04-09", "2025-03-21")).toBe(50);
    expect(expectedProgressOf("2025-03-01", "2025-04-09", "2025-03-01")).toBe(0);
    expect(expectedProgressOf("2025-03-01", "2025-04-09", "2025-04-10")).toBe(100);
  });

  it("is clamped to 0–100", () => {
    expect(expectedProgressOf("2025-03-01", "2025-04-09", "2025-01-01")).toBe(0);
    expect(expectedProgressOf("2025-03-01", "2025-04-09", "2026-01-01")).toBe(100);
  });

  it("uses the plan start when the task has no start date, rounded to a whole percentage", () => {
    const result = light({ startDate: null, dueDate: "2025-12-31", progress: 50 }, "2025-07-01");
    expect(result.expectedProgress).toBe(50); // 181 of 365 days = 49.6
    expect(result.light).toBe("green");
  });
});

describe("behind 序时进度", () => {
  it("is green exactly 10 points behind", () => {
    expect(light({ progress: 40 })).toMatchObject({ light: "green", expectedProgress: 50, behindBy: 10, reasons: [] });
  });

  it("is yellow just over 10 points behind", () => {
    expect(light({ progress: 39 })).toMatchObject({ light: "yellow", behindBy: 11, reasons: ["落后序时进度11个百分点"] });
  });

  it("is yellow exactly 30 points behind", () => {
    expect(light({ progress: 20 })).toMatchObject({ light: "yellow", reasons: ["落后序时进度30个百分点"] });
  });

  it("is red more than 30 points behind", () => {
    expect(light({ progress: 18 })).toMatchObject({ light: "red", behindBy: 32, reasons: ["落后序时进度32个百分点"] });
  });

  it("counts being ahead as 0 behind", () => {
    expect(light({ progress: 90 })).toMatchObject({ light: "green", behindBy: 0 });
  });

  it("follows thresholds configured for the plan", () => {
    const thresholds = { ...DEFAULT_LIGHT_THRESHOLDS, yellowBehind: 5, redBehind: 15 };
    const result = computeLight(task("2025-03-21", { progress: 34 }), { today: "2025-03-21", planStart, thresholds });
    expect(result).toMatchObject({ light: "red", reasons: ["落后序时进度16个百分点"] });
  });
});

describe("due dates", () => {
  it("is yellow on the due day", () => {
    expect(light({ progress: 100 }, "2025-04-09")).toMatchObject({ light: "yellow", reasons: ["今天到期"] });
  });

  it("is yellow 7 days before the due date, not 8", () => {
    expect(light({ progress: 90 }, "2025-04-02")).toMatchObject({ light: "yellow", reasons: ["7天后到期"] });
    expect(light({ progress: 90 }, "2025-04-01")).toMatchObject({ light: "green", reasons: [] });
  });

  it("is red one day after the due date", () => {
    const result = light({ progress: 95 }, "2025-04-10");
    expect(result).toMatchObject({ light: "red", reasons: ["已超期1天"] });
  });

  it("shows every reason, the most serious first", () => {
    const result = light({ progress: 50, lastUpdateWeek: "2025-W14" }, "2025-04-14");
    expect(result.light).toBe("red");
    expect(result.reasons).toEqual(["已超期5天", "落后序时进度50个百分点", "上周未填报"]);
  });

  it("has no 序时进度 and no due flags without a due date", () => {
    expect(light({ dueDate: null, progress: 0 }, "2025-12-31")).toEqual({
      light: "green",
      expectedProgress: 0,
      behindBy: 0,
      reasons: [],
    });
  });

  it("is green with no dates at all while updates come in", () => {
    expect(light({ startDate: null, dueDate: null, progress: 0 }, "2025-12-31")).toEqual({
      light: "green",
      expectedProgress: 0,
      behindBy: 0,
      reasons: [],
    });
  });

  it("is still judged on silence with no dates at all", () => {
    expect(light({ startDate: null, dueDate: null, progress: 0, lastUpdateWeek: "2025-W50" }, "2025-12-31")).toMatchObject({
      light: "red",
      reasons: ["连续2周未填报"],
    });
  });
});

describe("states", () => {
  it("shows 已销号 for a done task, even past its due date", () => {
    expect(light({ status: "done", progress: 100, lastUpdateWeek: null }, "2025-06-01")).toEqual({
      light: "done",
      expectedProgress: 100,
      behindBy: 0,
      reasons: ["已销号"],
    });
  });

  it("is 未开始 (not late, not green) before its start date, saying when it starts", () => {
    const result = light({ startDate: "2025-05-01", dueDate: "2025-05-10", progress: 0, lastUpdateWeek: null }, "2025-04-30");
    expect(result).toEqual({ light: "upcoming", expectedProgress: 0, behindBy: 0, reasons: ["2025年5月1日开始"] });
    expect(light({ startDate: "2025-05-01", dueDate: "2025-05-10", progress: 0, lastUpdateWeek: null }, "2025-05-01").light).not.toBe(
      "upcoming",
    );
  });

  it("is 未开始 for every task of a plan whose year has not begun", () => {
    const result = computeLight(
      { status: "not_started", startDate: null, dueDate: "2026-06-30", progress: 0, lastUpdateWeek: null },
      { today: "2025-12-06", planStart: "2026-01-01" },
    );
    expect(result).toMatchObject({ light: "upcoming", reasons: ["2026年1月1日开始"] });
  });

  it("does not flag 待验收 near or past the due date while the leader has not verified it", () => {
    expect(light({ status: "pending_review", progress: 100 }, "2025-04-07")).toMatchObject({ light: "green", reasons: [] });
    expect(light({ status: "pending_review", progress: 100, lastUpdateWeek: "2025-W14" }, "2025-05-20")).toMatchObject({
      light: "green",
      reasons: [],
    });
  });

  it("still shows 待验收 that is far behind", () => {
    expect(light({ status: "pending_review", progress: 60 }, "2025-04-20")).toMatchObject({
      light: "red",
      reasons: ["落后序时进度40个百分点"],
    });
  });
});

describe("silence", () => {
  it("is fine when last week was reported", () => {
    expect(light({ lastUpdateWeek: "2025-W11" })).toMatchObject({ light: "green" });
    expect(light({ lastUpdateWeek: "2025-W12" })).toMatchObject({ light: "green" });
  });

  it("is yellow after one unreported week", () => {
    expect(light({ lastUpdateWeek: "2025-W10" })).toMatchObject({ light: "yellow", reasons: ["上周未填报"] });
  });

  it("is red after two unreported weeks", () => {
    expect(light({ lastUpdateWeek: "2025-W09" })).toMatchObject({ light: "red", reasons: ["连续2周未填报"] });
    expect(light({ lastUpdateWeek: null, progress: 70 }, "2025-03-28")).toMatchObject({ light: "red", reasons: ["连续3周未填报"] });
  });

  it("stops counting at the 完成时限: a task overdue for months is not silent for months", () => {
    // Due Wednesday 9 April 2025 (week 15), last reported in week 12: weeks 13–15 are silent.
    const late = light({ lastUpdateWeek: "2025-W12", progress: 90 }, "2025-11-20");
    expect(late.light).toBe("red");
    expect(late.reasons).toContain("连续3周未填报");
    expect(late.reasons.some((r) => r.startsWith("已超期"))).toBe(true);
  });

  it("does not count the task's first week", () => {
    // Starts Saturday 1 March (week 9); week 9 is a grace week.
    expect(light({ lastUpdateWeek: null, progress: 0 }, "2025-03-03")).toMatchObject({ light: "green", reasons: [] });
    expect(light({ lastUpdateWeek: null, progress: 25 }, "2025-03-10")).toMatchObject({ light: "yellow", reasons: ["上周未填报"] });
  });

  it("does not count weeks before the task was created", () => {
    const added = task("2025-03-19", {
      startDate: null,
      dueDate: null,
      progress: 0,
      lastUpdateWeek: null,
      createdAt: new Date("2025-03-12T02:00:00Z"),
    });
    expect(computeLight(added, { today: "2025-03-19", planStart })).toMatchObject({ light: "green", reasons: [] });
    expect(computeLight(added, { today: "2025-03-24", planStart })).toMatchObject({ light: "yellow", reasons: ["上周未填报"] });
  });

  it("is not counted for a done task", () => {
    expect(light({ status: "done", progress: 100, lastUpdateWeek: "2025-W01" })).toMatchObject({ light: "done" });
  });
});

describe("LIGHT_LABELS", () => {
  it("pairs each light with a word, a meaning and a shape", () => {
    expect(LIGHT_LABELS.green).toEqual({ word: "绿灯", meaning: "正常推进", shape: "●" });
    expect(LIGHT_LABELS.yellow).toEqual({ word: "黄灯", meaning: "预警", shape: "▲" });
    expect(LIGHT_LABELS.red).toEqual({ word: "红灯", meaning: "滞后", shape: "■" });
    expect(LIGHT_LABELS.done).toEqual({ word: "已销号", meaning: "已完成", shape: "✔" });
  });
});

describe("validateThresholds", () => {
  it("accepts form strings and fills absent fields with defaults", () => {
    expect(validateThresholds({ yellowBehind: " 5 ", redBehind: "20", dueSoonDays: 3 })).toEqual({
      ok: true,
      thresholds: { yellowBehind: 5, redBehind: 20, dueSoonDays: 3, silentWeeksYellow: 1, silentWeeksRed: 2 },
    });
    expect(validateThresholds({})).toEqual({ ok: true, thresholds: DEFAULT_LIGHT_THRESHOLDS });
  });

  it("explains each wrong field in Chinese", () => {
    const result = validateThresholds({ yellowBehind: "", redBehind: "abc", dueSoonDays: "2.5", silentWeeksYellow: 0 });
    expect(result).toEqual({
      ok: false,
      errors: {
        yellowBehind: "请填写黄灯：落后序时进度（个百分点）",
        redBehind: "红灯：落后序时进度（个百分点）须为数字",
        dueSoonDays: "到期预警天数须为整数",
        silentWeeksYellow: "黄灯：连续未填报周数须在1到52之间",
      },
    });
  });

  it("requires red to be stricter than yellow", () => {
    expect(validateThresholds({ yellowBehind: 30, redBehind: 30, silentWeeksYellow: 2, silentWeeksRed: 2 })).toEqual({
      ok: false,
      errors: { redBehind: "红灯的落后百分点须大于黄灯的", silentWeeksRed: "红灯的未填报周数须大于黄灯的" },
    });
  });
});

describe("computeLight for the KPI page and the board", () => {
  it("gives the same light and reasons whether created_at is a timestamp or its Shanghai day, on many random tasks", async () => {
    const { computeLight } = await import("~/lib/lights");
    const { toDateKey } = await import("~/lib/weeks");
    const next = random(7);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
    const statuses = ["not_started", "in_progress", "pending_review", "done"] as const;
    const dates = ["2024-12-30", "2025-01-01", "2025-02-01", "2025-03-16", "2025-06-30", "2025-07-06", "2025-09-30", "2025-12-31", null];
    const weeks = [null, "2024-W52", "2025-W01", "2025-W10", "2025-W26", "2025-W27", "2025-W28", "2025-W40"];
    const created = [null, "2024-12-20T02:00:00Z", "2025-03-20T17:30:00Z", "2025-06-29T16:30:00Z", "2025-07-01T01:00:00Z"];
    const todays = ["2025-01-01", "2025-01-13", "2025-03-05", "2025-07-02", "2025-07-07", "2025-12-31", "2026-02-01"];
    const thresholdSets = [undefined, { yellowBehind: 5, redBehind: 20, dueSoonDays: 3, silentWeeksYellow: 2, silentWeeksRed: 4 }];
    for (let i = 0; i < 3000; i += 1) {
      const startDate = pick(dates);
      const task = {
        status: pick(statuses),
        startDate,
        dueDate: pick(dates),
        progress: Math.floor(next() * 101),
        lastUpdateWeek: pick(weeks),
        createdAt: pick(created),
      };
      const context = { today: pick(todays), planStart: "2025-01-01", thresholds: pick(thresholdSets) };
      const byDay = computeLight({ ...task, createdAt: task.createdAt ? toDateKey(task.createdAt) : null }, context);
      expect(byDay, JSON.stringify({ task, context })).toEqual(computeLight(task, context));
    }
  });
});
