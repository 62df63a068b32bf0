import { describe, expect, it } from "vitest";
import { parseSummary, summaryJsonSchema, toSummaryJson, type Metric } from "~/lib/importer";
import { readSeed } from "./helpers";

const text = readSeed();
const parsed = parseSummary(text);
const json = toSummaryJson(parsed);

/**
 * Every figure with a unit in the seed, in reading order, written down by reading the text
 * (not by running the parser). Descriptive counts written as wording ("两个社区", "三个等级",
 * "分为两层") are not figures; "两场…和一场…演练" are, so both are listed.
 */
const EXPECTED_FIGURES: [number, string][] = [
  // 一、亮点工作
  [7, "个"],
  [112, "人"],
  [1, "次"],
  [3, "场次"],
  [2121, "人次"],
  [470, "人次"],
  [403, "人次"],
  [1845, "条"],
  [300, "平方米"],
  [10, "袋"],
  [10, "桶"],
  [10, "箱"],
  [3, "次"],
  [540, "人次"],
  [4, "次"],
  [560, "人"],
  // （一）党建
  [1, "次"],
  [3, "次"],
  [3, "次"],
  [1, "次"],
  [11, "个"],
  [55, "次"],
  [55, "次"],
  [5, "次"],
  [1, "次"],
  [1, "次"],
  [15, "次"],
  [24, "次"],
  [16, "件"],
  [5, "个"],
  [16, "次"],
  [7, "次"],
  [1, "个"],
  [2, "次"],
  [1, "次"],
  [12, "次"],
  [1, "起"],
  [17, "个"],
  [67, "个"],
  [1226, "件"],
  [1226, "件"],
  [100, "%"],
  [82, "户"],
  [188, "人"],
  // （二）经济指标
  [2151, "万元"],
  [2400, "万元"],
  [861, "万元"],
  [1848, "万元"],
  [1365, "万元"],
  [1820, "万元"],
  [1537, "万元"],
  [2049, "万元"],
  [507, "万元"],
  [676, "万元"],
  [26.5, "万元"],
  [35.3, "万元"],
  [25.8, "万元"],
  [38.7, "万元"],
  [1500, "万元"],
  [4915, "户"],
  // （三）政务服务
  [600, "件"],
  [78, "件"],
  [32, "件"],
  [178, "件"],
  [312, "件"],
  // （四）城市管理
  [20, "户"],
  [136, "家"],
  [48, "家"],
  [48, "家"],
  [31, "家"],
  [6, "家"],
  [1, "家"],
  [0, "家"],
  [92, "栋"],
  [1725, "户"],
  // （五）安全生产
  [2, "场"],
  [1, "场"],
  [2000, "人"],
  [722, "户"],
  [3184, "次"],
  [326, "次"],
  [818, "次"],
  [171, "次"],
  // （六）民生: 低保, 残疾人补贴, 计生, 老龄, 劳动保障
  [257, "户"],
  [298, "人"],
  [12, "户"],
  [18, "人"],
  [50, "户"],
  [61, "人"],
  [9, "人"],
  [12, "人"],
  [20, "人"],
  [11, "人"],
  [59, "人"],
  [3, "人"],
  [8, "人"],
  [74, "人"],
  [9, "人"],
  [112, "人"],
  [100, "瓶"],
  [50, "盒"],
  [19, "对"],
  [0, "人"],
  [310, "人"],
  [0, "人"],
  [15, "人"],
  [4, "人"],
  [6, "人"],
  [1, "人"],
  [11, "人"],
  [0, "人"],
  [0, "人"],
  [4.5, "%"],
  [722, "人"],
  [149, "人"],
  [145, "人"],
  [482, "名"],
  [90, "家"],
  [1000, "个"],
  [200, "人"],
  [40000, "份"],
  [6000, "份"],
  [50, "家"],
  [1000, "个"],
  [100, "人"],
  [2600, "份"],
  [38, "名"],
  [3, "人"],
  [7, "人"],
  [4, "人"],
  [20, "人"],
  [4, "人"],
  // （七）征兵
  [3, "名"],
  [36, "名"],
];

function find(value: number, unit: string, predicate: (m: Metric) => boolean = () => true): Metric {
  const found = parsed.metrics.find((m) => m.value === value && m.unit === unit && predicate(m));
  if (!found) throw new Error(`no metric ${value} ${unit}`);
  return found;
}

describe("the seed summary (平东街道 2024)", () => {
  it("reads the document facts from the 落款 and the body", () => {
    expect(json.title).toBeNull(); // the seed has no title line
    expect(json.unit).toBe("平东街道办事处");
    expect(json.year).toBe(2024);
    expect(json.date).toBe("2024-10-31");
  });

  it("finds four top-level sections with their kinds", () => {
    expect(json.sections.map((s) => [s.number, s.kind])).toEqual([
      ["一", "highlights"],
      ["二", "work"],
      ["三", "problems"],
      ["四", "plan"],
    ]);
    expect(json.sections[1].heading).toBe("2024年主要工作");
  });

  it("finds the ten subsections of 二 and their numbered items", () => {
    const two = json.sections[1];
    expect(two.children.map((c) => c.number)).toEqual([
      "（一）",
      "（二）",
      "（三）",
      "（四）",
      "（五）",
      "（六）",
      "（七）",
      "（八）",
      "（九）",
      "（十）",
    ]);
    expect(two.children[0].heading).toBe("党建工作水平有所提升");
    expect(two.children[3].children.map((c) => c.heading)).toEqual(["环境整治工作", "保障性住房工作", "物业治理专项工作", "燃气安全工作"]);
    expect(two.children[5].children).toHaveLength(8);
    // "2.保密工作。一是…二是…三是…": run-in heading with inline ordinals as its items.
    const secrecy = two.children[8].children[1];
    expect(secrecy.heading).toBe("保密工作");
    expect(secrecy.children.map((c) => c.number)).toEqual(["一是", "二是", "三是"]);
  });

  it("lists the three problems and the seven plan items", () => {
    expect(json.problems.map((p) => p.ref)).toEqual(["三.1", "三.2", "三.3"]);
    expect(json.problems[0].text).toBe("宣传活动方式单一，创新能力较弱。普法宣传、安全生产宣传仍需要加强。");
    expect(json.plan.map((p) => p.ref)).toEqual(["四.1", "四.2", "四.3", "四.4", "四.5", "四.6", "四.7"]);
    expect(json.plan[0].title).toBe("推广东晟社区党建工作经验，提升其他社区党建工作水平");
    for (const item of json.plan) expect(item.title.length).toBeLessThanOrEqual(40);
  });

  it("keeps the unnumbered paragraph on 防汛抗旱 with plan item 四.5, and the 落款 out of 四.7", () => {
    const five = json.plan[4];
    expect(five.text.startsWith("城市管理工作中")).toBe(true);
    expect(five.text).toContain("\n落实防汛抗旱工作、房屋建筑安全专项整治工作等相关工作要求");
    expect(json.plan[6].text).toBe("加大力度推进街道经济工作，群策群力完成经济指标。");
  });

  it("extracts at least 95% of the figures with the right value and unit", () => {
    const remaining = new Map<string, number>();
    for (const m of parsed.metrics) remaining.set(`${m.value}|${m.unit}`, (remaining.get(`${m.value}|${m.unit}`) ?? 0) + 1);
    let found = 0;
    const missed: string[] = [];
    for (const [value, unit] of EXPECTED_FIGURES) {
      const key = `${value}|${unit}`;
      const left = remaining.get(key) ?? 0;
      if (left > 0) {
        found++;
        remaining.set(key, left - 1);
      } else missed.push(key);
    }
    const recall = found / EXPECTED_FIGURES.length;
    expect(recall, `missed: ${missed.join(", ")}`).toBeGreaterThanOrEqual(0.95);
    // And next to nothing that is not a figure.
    const extra = [...remaining].filter(([, n]) => n > 0);
    expect(extra, `unexpected: ${JSON.stringify(extra)}`).toHaveLength(0);
  });

  it("reads kinds, qualifiers, names and refs of the figures", () => {
    expect(find(1226, "件")).toMatchObject({ name: "矛盾纠纷", kind: "actual", ref: "二.（一）" });
    expect(parsed.metrics.filter((m) => m.value === 1226)[1].name).toBe("矛盾纠纷调处");
    expect(find(100, "%")).toMatchObject({ name: "化解率", kind: "rate" });
    expect(find(2151, "万元")).toMatchObject({ name: "固定资产投资", kind: "actual", qualifier: "累计", ref: "二.（二）" });
    expect(find(2400, "万元")).toMatchObject({ name: "固定资产投资", kind: "forecast" });
    expect(find(1365, "万元").kind).toBe("actual"); // "…1848万元吉林省…1365万元": the 预计 before belongs to 1848
    expect(find(257, "户").name).toContain("低保");
    expect(find(298, "人").name).toContain("低保");
    expect(find(4.5, "%")).toMatchObject({ kind: "cap", ref: "二.（六）.8" });
    expect(find(4.5, "%").name).toContain("失业率");
    expect(find(2000, "人")).toMatchObject({ approximate: true, qualifier: "余" });
    expect(find(1000, "个")).toMatchObject({ approximate: true, qualifier: "余", name: "岗位" });
    expect(find(40000, "份")).toMatchObject({ approximate: false, name: "招聘宣传单" });
    expect(find(200, "人")).toMatchObject({ approximate: true, qualifier: "约" });
    expect(find(112, "人", (m) => m.ref === "二.（六）.6").name).toBe("独生子女费");
    expect(find(300, "平方米")).toMatchObject({ ref: "一", kind: "actual" });
    expect(find(2, "场").name).toBe("消防应急演练");
    expect(find(4915, "户").name).toBe("第五次经济普查");
  });

  it("takes no year, date, ordinal, age, hotline or quoted name as a figure", () => {
    for (const m of parsed.metrics) {
      expect(["年", "月", "日", "周岁", "岁", "号", "届"]).not.toContain(m.unit);
      expect([2023, 2024, 2025, 12345]).not.toContain(m.value);
      // Ages in conditions ("80周岁低保老人0人"): the figure is the 0, never the 80.
      expect(text.slice(m.span.start).replace(/^[0-9.]+/, "")).not.toMatch(/^周岁/);
      expect(m.raw).not.toMatch(/七融一圈|三会一课|一张表|一岗双责|一报告两评议|15分钟|九九|二十届|第五次|3号门/);
    }
  });

  it("reads the people counted next to an age condition, not the age", () => {
    const elderly = parsed.metrics.filter((m) => m.ref === "二.（六）.7").map((m) => m.value);
    expect(elderly).toEqual([0, 310, 0, 15, 4, 6, 1, 11, 0, 0]);
  });

  it("points every figure back to its place in the original text", () => {
    for (const m of parsed.metrics) {
      expect(text.slice(m.span.start, m.span.end)).toBe(m.raw);
      expect(text.slice(m.sentenceSpan.start, m.sentenceSpan.end).trim()).toBe(m.sentence);
      expect(m.sentence).toContain(m.raw);
      expect(text.split("\n")[m.span.line - 1]).toContain(m.raw);
    }
    expect(find(2151, "万元").raw).toBe("2151 万元");
    const problem = parsed.problems[0];
    expect(text.slice(problem.span.start, problem.span.end)).toContain("宣传活动方式单一");
    expect(text.split("\n")[problem.span.line - 1]).toContain("1.宣传活动方式单一");
  });

  it("produces exactly the documented JSON shape", () => {
    expect(summaryJsonSchema.parse(json)).toEqual(json);
    // Every earlier field stays where it was; planYear and vision are additions.
    expect(Object.keys(json)).toEqual(["title", "unit", "year", "date", "planYear", "sections", "problems", "plan", "vision", "metrics"]);
  });
});
