// The 督办通报's document model from a built plan whose lights are known: exactly the red and
// yellow tasks as of the period's last day, by the board's own rule.
import { describe, expect, it } from "vitest";
import {
  briefingLines,
  briefingMarkdown,
  briefingTitle,
  buildBriefing,
  finishedPeriods,
  parsePeriod,
  type BriefingInput,
  type BriefingTaskInput,
} from "~/lib/briefing";
import { lineKind } from "~/lib/summary/text";

const week12 = parsePeriod("week", "2025-W12")!;

function task(code: string, over: Partial<BriefingTaskInput>): BriefingTaskInput {
  return {
    id: Number(code.slice(-2)),
    code,
    title: `任务${code}`,
    leadUnit: "东晟社区",
    leadUser: "王主任",
    status: "in_progress",
    startDate: null,
    dueDate: "2025-12-31",
    progress: 25,
    lastUpdateWeek: "2025-W11",
    createdAt: "2025-01-01T00:00:00.000Z",
    doneDate: null,
    ...over,
  };
}

/** A plan on 23 March 2025 (the end of week 12): 序时进度 of a full-year task is 81 ÷ 365 = 22%. */
const input: BriefingInput = {
  organization: "平东街道",
  issuer: "平东街道办事处",
  year: 2025,
  number: 12,
  period: week12,
  issueDate: "2025-03-24",
  planStart: "2025-01-01",
  tasks: [
    task("2025-01", { dueDate: "2025-03-10", progress: 80 }), // red: overdue 13 days
    task("2025-02", { progress: 0 }), // yellow: 22 points behind
    task("2025-03", { progress: 25 }), // green
    task("2025-04", { status: "done", progress: 100, doneDate: "2025-03-20" }), // 销号 in the period
    task("2025-05", { dueDate: "2025-03-27", progress: 95 }), // yellow: due in 4 days
    task("2025-06", { startDate: "2025-04-01", progress: 0, lastUpdateWeek: null }), // 未开始
    task("2025-07", { dueDate: "2025-06-30", progress: 0, lastUpdateWeek: null, leadUnit: "龙腾社区" }), // red: behind 45, silent
    task("2025-08", { status: "pending_review", dueDate: "2025-03-01", progress: 100, lastUpdateWeek: "2025-W09" }), // waiting: green
    task("2025-09", { status: "done", progress: 100, doneDate: "2025-02-28" }), // 销号 before the period
  ],
  extensions: [
    {
      taskId: 3,
      code: "2025-03",
      title: "任务2025-03",
      leadUnit: "东晟社区",
      oldDueDate: "2025-06-30",
      newDueDate: "2025-12-31",
      approvedOn: "2025-03-18",
    },
  ],
  expectedReports: 10,
  missedReports: [
    { unit: "龙腾社区", code: "2025-07", title: "任务2025-07", week: "2025-W12", late: false },
    { unit: "东晟社区", code: "2025-02", title: "任务2025-02", week: "2025-W12", late: true },
  ],
};

describe("督办通报", () => {
  it("reads weeks and months as periods, and lists the finished ones", () => {
    expect(week12).toMatchObject({ start: "2025-03-17", end: "2025-03-23", label: "2025年第12周（3月17日至3月23日）" });
    expect(parsePeriod("month", "2024-02")).toMatchObject({ start: "2024-02-01", end: "2024-02-29", label: "2024年2月" });
    expect(parsePeriod("month", "2025-13")).toBeNull();
    expect(parsePeriod("week", "2025-W54")).toBeNull();
    expect(parsePeriod("year", "2025")).toBeNull();
    expect(finishedPeriods("week", "2025-03-24", 2).map((p) => p.key)).toEqual(["2025-W12", "2025-W11"]);
    expect(finishedPeriods("month", "2025-03-24", 2).map((p) => p.key)).toEqual(["2025-02", "2025-01"]);
  });

  it("lists exactly the red and yellow tasks as of the period's last day, with their reasons and units", () => {
    const content = buildBriefing(input);
    expect(content.red.map((t) => t.code)).toEqual(["2025-01", "2025-07"]);
    expect(content.yellow.map((t) => t.code)).toEqual(["2025-02", "2025-05"]);
    expect(content.red[0].reasons[0]).toBe("已超期13天");
    expect(content.red[1]).toMatchObject({ leadUnit: "龙腾社区", expectedProgress: 45 });
    expect(content.yellow[0].reasons).toEqual(["落后序时进度22个百分点"]);
    expect(content.yellow[1].reasons).toEqual(["4天后到期"]);
    expect(content.totals).toMatchObject({
      tasks: 9,
      done: 2,
      pendingReview: 1,
      inProgress: 6,
      red: 2,
      yellow: 2,
      green: 2,
      upcoming: 1,
      doneInPeriod: 1,
      extended: 1,
      missingReports: 1,
      lateReports: 1,
    });
    expect(content.done.map((d) => d.code)).toEqual(["2025-04"]);
  });

  it("writes a 公文: title with the issue number, numbered sections, items as body text, the 落款", () => {
    const content = buildBriefing(input);
    expect(briefingTitle(content)).toBe("平东街道重点工作督办通报（2025年第12期）");
    const lines = briefingLines(content);
    expect(lines.slice(0, 2)).toEqual([
      { kind: "title", text: "平东街道重点工作督办通报" },
      { kind: "title", text: "（2025年第12期）" },
    ]);
    const headings = lines.filter((l) => l.kind === "heading1").map((l) => l.text);
    expect(headings).toEqual([
      "一、总体情况",
      "二、红灯事项（滞后）",
      "三、黄灯事项（预警）",
      "四、未按时填报的单位",
      "五、经批准延期的事项",
      "六、本期销号的事项",
      "七、工作要求",
    ]);
    const text = lines.map((l) => l.text).join("\n");
    expect(text).toContain("截至2025年3月23日，纳入督办的重点工作共9项");
    expect(text).toContain("经批准延期1项");
    expect(text).toContain(
      "1.任务2025-01（2025-01，牵头单位：东晟社区，责任领导：王主任）：已超期13天；落后序时进度20个百分点；完成进度80%，序时进度100%。",
    );
    expect(text).toContain("1.龙腾社区：未填报1项次（2025-07 任务2025-07）。");
    expect(text).toContain("完成时限由2025年6月30日延至2025年12月31日，2025年3月18日批准。");
    expect(text).toContain("2025年3月20日验收销号");
    // Items stay body text in the .docx (the summary's own line rule), not headings.
    for (const line of lines.filter((l) => l.kind === "body")) expect(lineKind(line.text)).toBe("body");
    expect(lines.slice(-2)).toEqual([
      { kind: "signature", text: "平东街道办事处" },
      { kind: "signature", text: "2025年3月24日" },
    ]);
  });

  it("says so when a section is empty", () => {
    const quiet = buildBriefing({ ...input, tasks: [task("2025-03", {})], extensions: [], missedReports: [] });
    const text = briefingLines(quiet)
      .map((l) => l.text)
      .join("\n");
    expect(text).toContain("本期没有亮红灯的重点工作。");
    expect(text).toContain("本期各单位均按时填报了进展。");
    expect(text).toContain("没有经批准延期的事项");
  });

  it("has a short Markdown version for the group robots", () => {
    const markdown = briefingMarkdown(buildBriefing(input), "http://kanban.local/briefings?year=2025&issue=1");
    expect(markdown.split("\n")[0]).toBe("**平东街道重点工作督办通报（2025年第12期）**");
    expect(markdown).toContain("红灯2项、黄灯2项");
    expect(markdown).toContain("- 2025-01 任务2025-01（东晟社区）：已超期13天");
    expect(markdown).toContain("**未按时填报**：龙腾社区1项次、东晟社区1项次");
    expect(markdown).toContain("[查看通报全文](http://kanban.local/briefings?year=2025&issue=1)");
    expect([...markdown].length).toBeLessThan(1000);
  });
});

describe("延期 wording", () => {
  it("says the original 完成时限, with its year when the new one is in another year", async () => {
    const { extendedNote } = await import("~/lib/date-keys");
    expect(extendedNote("2025-06-30", "2025-09-30")).toBe("已延期（原定6月30日）");
    expect(extendedNote("2025-09-30", "2026-01-21")).toBe("已延期（原定2025年9月30日）");
  });

  it("names a task missed in several weeks of a month once, with the number of weeks", () => {
    const month = parsePeriod("month", "2025-03")!;
    const missed = ["2025-W10", "2025-W11", "2025-W12"].map((week) => ({
      unit: "龙腾社区",
      code: "2025-07",
      title: "任务2025-07",
      week,
      late: false,
    }));
    const text = briefingLines(buildBriefing({ ...input, period: month, missedReports: missed }))
      .map((l) => l.text)
      .join("\n");
    expect(text).toContain("1.龙腾社区：未填报3项次（2025-07 任务2025-07（3周））。");
  });
});
