import { describe, expect, it } from "vitest";
import { parseSummary, type Metric } from "~/lib/importer";
import { isWellFormedCnNumber, parseCnNumber } from "~/lib/importer/numerals";

/** Figures of one sentence placed in a work section. */
function figures(sentence: string): Metric[] {
  return parseSummary(`一、主要工作\n${sentence}`).metrics;
}

function simple(sentence: string) {
  return figures(sentence).map((m) => [m.value, m.unit]);
}

describe("Chinese numerals", () => {
  it("reads numbers and rejects idioms", () => {
    expect(parseCnNumber("三十")).toBe(30);
    expect(parseCnNumber("四万")).toBe(40000);
    expect(parseCnNumber("两千")).toBe(2000);
    expect(parseCnNumber("一百零五")).toBe(105);
    expect(isWellFormedCnNumber("九九")).toBe(false);
    expect(isWellFormedCnNumber("三三两两")).toBe(false);
    expect(isWellFormedCnNumber("万一")).toBe(false);
    expect(isWellFormedCnNumber("十四五")).toBe(false);
  });
});

describe("figures", () => {
  it("reads Chinese numerals and magnitudes as numbers", () => {
    expect(simple("共发放宣传单三十份，张贴海报四万份。")).toEqual([
      [30, "份"],
      [40000, "份"],
    ]);
    expect(figures("共提供了千余个岗位。")[0]).toMatchObject({ value: 1000, unit: "个", approximate: true, qualifier: "余" });
    expect(figures("服务企业逾百家。")[0]).toMatchObject({ value: 100, unit: "家", approximate: true, qualifier: "逾" });
    expect(simple("线上访问100万次。")).toEqual([[1000000, "次"]]);
    expect(simple("新增就业1.76万人。")).toEqual([[17600, "人"]]);
    expect(simple("进行了两场消防演练。")).toEqual([[2, "场"]]);
  });

  it("keeps money in the unit it was written in", () => {
    expect(simple("完成投资2151万元，其中2151 万元为财政资金，5853.9亿元为全省收入，另有两亿元。")).toEqual([
      [2151, "万元"],
      [2151, "万元"],
      [5853.9, "亿元"],
      [2, "亿元"],
    ]);
    expect(simple("完成投资1.5万亿元，补助资金3500元，新增造林3万亩。")).toEqual([
      [1.5, "万亿元"],
      [3500, "元"],
      [3, "万亩"],
    ]);
  });

  it("reads 257户298人 as two figures of the same thing", () => {
    const [households, people] = figures("全街城镇低保共257户298人。");
    expect(households).toMatchObject({ value: 257, unit: "户" });
    expect(people).toMatchObject({ value: 298, unit: "人" });
    expect(households.name).toContain("低保");
    expect(people.name).toBe(households.name);
  });

  it("reads qualifiers", () => {
    expect(figures("受益居民2000余人。")[0]).toMatchObject({ approximate: true, qualifier: "余" });
    expect(figures("达成意向约200人。")[0]).toMatchObject({ approximate: true, qualifier: "约" });
    expect(figures("接待游客超11亿人次。")[0]).toMatchObject({ value: 1100000000, approximate: true, qualifier: "超" });
    expect(figures("覆盖近千人。")[0]).toMatchObject({ value: 1000, approximate: true, qualifier: "近" });
    expect(figures("营收6800亿元左右。")[0]).toMatchObject({ approximate: true, qualifier: "左右" });
    expect(figures("增长20%以上。")[0]).toMatchObject({ approximate: true, qualifier: "以上" });
    expect(figures("累计新增低保12户。")[0]).toMatchObject({ approximate: false, qualifier: "累计" });
  });

  it("reads kinds", () => {
    expect(figures("预计全年完成2400万元。")[0].kind).toBe("forecast");
    expect(figures("失业率控制在4.5%以内。")[0].kind).toBe("cap");
    expect(figures("化解率100%。")[0].kind).toBe("rate");
    expect(figures("社会消费品零售总额同比增长5.1%。")[0].kind).toBe("rate");
    expect(figures("力争完成投资3000万元。")[0].kind).toBe("target");
    expect(figures("完成年度目标的106.7%。")[0].kind).toBe("rate");
    expect(figures("各党支部制定学习计划11个。")[0].kind).toBe("actual");
    expect(parseSummary("一、2025年工作计划\n新增就业岗位200个。").metrics[0].kind).toBe("target");
  });

  it("takes names from just before the figure, without 完成/共/累计/达到", () => {
    expect(figures("固定资产投资累计完成2151万元。")[0].name).toBe("固定资产投资");
    expect(figures("全街道共发现矛盾纠纷1226件，调处1226件，化解率100%。").map((m) => m.name)).toEqual([
      "矛盾纠纷",
      "矛盾纠纷调处",
      "化解率",
    ]);
    expect(figures("面积达到300平方米。")[0].name).toBe("面积");
    expect(figures("向部队输送了3名优秀青年。")[0].name).toBe("优秀青年");
    expect(figures("四平市第一粮库1-9月完成销售额861万元。")[0].name).toBe("销售额");
  });

  it("takes no year, date, time, ordinal, age, hotline, quoted name or bare magnitude as a figure", () => {
    const none = [
      "2023年全年工作平稳。",
      "10月11日开展活动。",
      "1-9月、4-12月情况良好。",
      "会议于2024年10月31日14:30召开。",
      "第三届运动会、第五次经济普查顺利完成。",
      "打造“七融一圈”品牌，落实“三会一课”，共享“一张表”，设立“15分钟就业服务圈”。",
      "学习《平东街道保密工作制度》。",
      "开展九九重阳节活动，学习二十届三中全会精神。",
      "拨打12345市长热线。",
      "80周岁老人和70周岁及以上空巢家庭，90周岁以上老人。",
      "千家万户，百姓安居，成千上万。",
      "落实一岗双责，完成一报告两评议。",
      "在万达广场3号门设立驿站。",
      "两个社区联合开展，一张紧密的服务网。",
    ];
    for (const sentence of none) expect(simple(sentence), sentence).toEqual([]);
  });

  it("carries the reference of the item it sits in", () => {
    const parsed = parseSummary(
      "二、主要工作\n（四）城市管理\n4.燃气安全\n排查餐饮企业136家。\n（九）保密\n2.保密工作。一是培训3次；二是检查5次。",
    );
    expect(parsed.metrics.map((m) => m.ref)).toEqual(["二.（四）.4", "二.（九）.2.一是", "二.（九）.2.二是"]);
  });
});
