import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSummary } from "../../app/lib/importer";
import { draftPlan, matchWorkAreas, organizationName, suggestUnits, taskTitle } from "../../app/lib/plan-draft";

const seed = readFileSync(new URL("../../db/seed/pingdong-2024-summary.txt", import.meta.url), "utf8");

const UNITS = [
  { id: 1, name: "东晟社区", kind: "community" as const },
  { id: 2, name: "龙腾社区", kind: "community" as const },
  { id: 3, name: "党建工作办公室", kind: "office" as const },
  { id: 4, name: "经济发展办公室", kind: "office" as const },
  { id: 5, name: "安全生产办公室", kind: "office" as const },
  { id: 6, name: "城市管理办公室", kind: "office" as const },
];

describe("draftPlan on the seed", () => {
  const draft = draftPlan(parseSummary(seed));

  it("turns the 7 重点工作 and 3 存在问题 into task drafts with their origin refs", () => {
    expect(draft.year).toBe(2025);
    expect(draft.organization).toBe("平东街道");
    expect(draft.tasks.filter((t) => t.origin === "key_work").map((t) => t.originRef)).toEqual([
      "四.1",
      "四.2",
      "四.3",
      "四.4",
      "四.5",
      "四.6",
      "四.7",
    ]);
    expect(draft.tasks.filter((t) => t.origin === "problem").map((t) => t.originRef)).toEqual(["三.1", "三.2", "三.3"]);
    const flood = draft.tasks.find((t) => t.originRef === "四.5")!;
    expect(flood.description).toContain("防汛抗旱");
    expect(flood.title.length).toBeLessThanOrEqual(60);
  });

  it("keeps last year's figures of 二 as baselines, with the forecast beside the actual", () => {
    const investment = draft.metrics.find((m) => m.name === "固定资产投资")!;
    // 累计 in a summary signed 10月31日 covers 1-10月; the baseline is the full year, estimated.
    expect(investment).toMatchObject({
      baseline: 2400,
      forecast: 2400,
      baselinePeriod: "全年",
      baselineEstimated: true,
      partial: { value: 2151, period: "1-10月" },
      unit: "万元",
      direction: "up",
      aggregation: "sum",
    });
    const unemployment = draft.metrics.find((m) => m.name.includes("失业率"))!;
    expect(unemployment).toMatchObject({ baseline: 4.5, unit: "%", direction: "cap", aggregation: "latest" });
    expect(draft.metrics.every((m) => m.ref?.startsWith("二"))).toBe(true);
    expect(draft.metrics.find((m) => m.name === "矛盾纠纷调处")?.category).toBe("党建工作水平有所提升");
  });
});

describe("suggestions", () => {
  it("matches work areas by their words", () => {
    expect(matchWorkAreas("加大力度推进街道经济工作，完成经济指标")[0]).toBe("经济");
    expect(matchWorkAreas("加强安全监管，加大安全隐患排查力度")[0]).toBe("安全生产");
    expect(matchWorkAreas("今天天气很好")).toEqual([]);
  });

  it("suggests the area's office as 牵头单位 and named or all communities as 配合单位", () => {
    expect(suggestUnits({ areas: ["经济"], description: "推进街道经济工作" }, UNITS)).toEqual({ leadUnitId: 4, supportUnitIds: [] });
    const partyWork = suggestUnits({ areas: ["党建"], description: "推广东晟社区党建工作经验" }, UNITS);
    expect(partyWork).toEqual({ leadUnitId: 3, supportUnitIds: [1] });
    const everywhere = suggestUnits({ areas: ["安全生产", "城市管理"], description: "各社区开展安全隐患排查" }, UNITS);
    expect(everywhere.leadUnitId).toBe(5);
    expect(everywhere.supportUnitIds.sort()).toEqual([1, 2, 6]);
    expect(suggestUnits({ areas: [], description: "其他事项" }, UNITS)).toEqual({ leadUnitId: null, supportUnitIds: [] });
  });

  it("shortens titles to the first sentence and names the organisation without 办事处", () => {
    expect(taskTitle("持续优化政务服务。加强协调沟通能力")).toBe("持续优化政务服务");
    expect(taskTitle("长".repeat(100))).toHaveLength(60);
    expect(organizationName("平东街道办事处")).toBe("平东街道");
    expect(organizationName("某某镇人民政府")).toBe("某某镇");
    expect(organizationName(null)).toBeNull();
  });
});

describe("figures of the same name", () => {
  it("pairs each forecast with the actual just before it and keeps other companies' figures apart", () => {
    const draft = draftPlan(parseSummary(seed));
    const sales = draft.metrics.filter((m) => m.name === "销售额" && m.unit === "万元");
    expect(sales.map((m) => [m.partial?.value, m.baseline, m.forecast, m.baselinePeriod])).toEqual(
      expect.arrayContaining([
        [861, 1848, 1848, "全年"],
        [1365, 1820, 1820, "全年"],
        [1537, 2049, 2049, "全年"],
      ]),
    );
  });
});
