import { Document, Packer, Paragraph } from "docx";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { parseSummary, readSummaryFile, toSummaryJson } from "~/lib/importer";
import { canonicalPunctuation, metricKeys, outline, readSeed, utf8 } from "./helpers";

const seed = readSeed();
const seedJson = toSummaryJson(parseSummary(seed));

/** What must stay the same whatever form the seed arrives in. */
function essentials(text: string) {
  const json = toSummaryJson(parseSummary(text));
  return {
    meta: [json.title, json.unit, json.year, json.date],
    outline: outline(json.sections),
    headings: json.sections.flatMap((s) => [s.heading, ...s.children.map((c) => c.heading)]).map(canonicalPunctuation),
    problems: json.problems.map((p) => p.ref),
    plan: json.plan.map((p) => `${p.ref} ${canonicalPunctuation(p.title)}`),
    metrics: metricKeys(json),
  };
}
const seedEssentials = essentials(seed);

describe("encodings", () => {
  it("reads UTF-8 with and without BOM", async () => {
    expect(await readSummaryFile("a.txt", utf8(seed))).toBe(seed);
    expect(await readSummaryFile("a.txt", new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(seed)]))).toBe(seed);
  });

  it("reads the seed encoded as GBK and as GB18030 back identically", async () => {
    expect(await readSummaryFile("总结.txt", new Uint8Array(iconv.encode(seed, "gbk")))).toBe(seed);
    expect(await readSummaryFile("总结.txt", new Uint8Array(iconv.encode(seed, "gb18030")))).toBe(seed);
  });

  it("reads UTF-16 LE and BE with a BOM", async () => {
    const le = new Uint8Array(Buffer.from(`\ufeff${seed}`, "utf16le"));
    expect(await readSummaryFile("a.txt", le)).toBe(seed);
    const be = new Uint8Array(le.length);
    for (let i = 0; i + 1 < le.length; i += 2) {
      be[i] = le[i + 1];
      be[i + 1] = le[i];
    }
    expect(await readSummaryFile("a.txt", be)).toBe(seed);
  });

  it("detects the format by content, not by the file name", async () => {
    const gbk = new Uint8Array(iconv.encode(seed, "gbk"));
    expect(await readSummaryFile("总结.docx", gbk)).toBe(seed);
  });
});

describe("the seed as a .docx", () => {
  it("parses to the same structure, items and figures", async () => {
    const doc = new Document({
      sections: [{ children: seed.split("\n").map((line) => new Paragraph({ text: line })) }],
    });
    const bytes = new Uint8Array(await Packer.toBuffer(doc));
    const text = await readSummaryFile("平东街道2024年工作总结.docx", bytes);
    expect(essentials(text)).toEqual(seedEssentials);
    expect(toSummaryJson(parseSummary(text)).plan[4].text).toBe(seedJson.plan[4].text);
  });
});

describe("line ends, spaces and punctuation variants", () => {
  it("reads CRLF and CR line ends alike, with offsets into the original", () => {
    const crlf = seed.replace(/\n/g, "\r\n");
    expect(essentials(crlf)).toEqual(seedEssentials);
    expect(essentials(seed.replace(/\n/g, "\r"))).toEqual(seedEssentials);
    const parsed = parseSummary(crlf);
    for (const m of parsed.metrics) expect(crlf.slice(m.span.start, m.span.end)).toBe(m.raw);
  });

  it("reads full-width spaces, NBSP indentation and full-width digits alike", () => {
    const variant = seed
      .split("\n")
      .map((line) => (line.trim() ? `\u3000\u3000${line}` : line))
      .join("\n")
      .replace(/2151 万元/, "２１５１\u00a0万元");
    const e = essentials(variant);
    expect(e.outline).toEqual(seedEssentials.outline);
    expect(e.metrics).toEqual(seedEssentials.metrics);
  });

  it("reads the seed written with half-width punctuation to the same structure", () => {
    const half = seed
      .replace(/（/g, "(")
      .replace(/）/g, ")")
      .replace(/，/g, ",")
      .replace(/：/g, ":")
      .replace(/；/g, ";")
      .replace(/。/g, ".")
      .replace(/[“”]/g, '"')
      .replace(/(\d)、/g, "$1.");
    expect(half).not.toContain("（");
    expect(essentials(half)).toEqual(seedEssentials);
  });

  it("reads 1、 and 1． numbering like 1.", () => {
    const variant = seed.replace(/^(\d)\./gm, (_m, d: string) => (Number(d) % 2 ? `${d}、` : `${d}．`));
    expect(essentials(variant)).toEqual(seedEssentials);
  });

  it("reads headings that run on into their body on the same line", () => {
    const lines = seed.split("\n");
    const joined: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (/^（[一二三四五六七八九十]+）/.test(lines[i].trim())) {
        let k = i + 1;
        while (k < lines.length && lines[k].trim() === "") k++;
        if (k < lines.length && !/^(\d|（)/.test(lines[k].trim())) {
          joined.push(`${lines[i].trim()}。${lines[k].trim()}`);
          i = k;
          continue;
        }
      }
      joined.push(lines[i]);
    }
    const runIn = joined.join("\n");
    expect(runIn).toContain("（一）党建工作水平有所提升。党组织建设和党员的教育管理不断加强。");
    const json = toSummaryJson(parseSummary(runIn));
    const two = json.sections[1];
    expect(two.children).toHaveLength(10);
    expect(two.children[0].heading).toBe("党建工作水平有所提升");
    expect(essentials(runIn).metrics).toEqual(seedEssentials.metrics);
    const first = parseSummary(runIn).sections[1].children[0];
    expect(first.runIn).toBe(true);
    expect(first.paragraphs[0].text.startsWith("党组织建设和党员的教育管理不断加强")).toBe(true);
  });
});

describe("summaries of other shapes", () => {
  it("reads a summary with a title and no problems section", () => {
    const text = [
      "幸福社区2024年工作总结",
      "",
      "一、主要工作",
      "（一）党建引领。全年开展主题党日活动12次，发展党员2名。",
      "（二）民生保障。新增低保8户11人，发放慰问金3.5万元。",
      "二、2025年工作计划",
      "1.持续抓好党建工作。",
      "2.做好民生保障，力争新增就业岗位200个。",
      "",
      "幸福社区居民委员会",
      "2024年12月20日",
    ].join("\n");
    const json = toSummaryJson(parseSummary(text));
    expect(json.title).toBe("幸福社区2024年工作总结");
    expect(json.unit).toBe("幸福社区居民委员会");
    expect(json.year).toBe(2024);
    expect(json.date).toBe("2024-12-20");
    expect(json.sections.map((s) => s.kind)).toEqual(["work", "plan"]);
    expect(json.problems).toEqual([]);
    expect(json.plan.map((p) => [p.ref, p.title])).toEqual([
      ["二.1", "持续抓好党建工作"],
      ["二.2", "做好民生保障，力争新增就业岗位200个"],
    ]);
    expect(json.metrics.find((m) => m.value === 200)).toMatchObject({ unit: "个", kind: "target", ref: "二.2" });
    expect(json.metrics.find((m) => m.value === 3.5)).toMatchObject({ unit: "万元", kind: "actual", ref: "一.（二）" });
  });

  it("invents no items from a heading that only announces them", () => {
    const text = [
      "一、主要工作",
      "全年完成固定资产投资2560万元，完成年度目标的106.7%。",
      "二、存在问题及下步打算",
      "三、下一步工作计划",
    ].join("\n");
    const json = toSummaryJson(parseSummary(text));
    expect(json.sections.map((s) => s.kind)).toEqual(["work", "problems", "plan"]);
    expect(json.problems).toEqual([]);
    expect(json.plan).toEqual([]);
    expect(json.metrics.map((m) => [m.value, m.unit, m.kind])).toEqual([
      [2560, "万元", "actual"],
      [106.7, "%", "rate"],
    ]);
  });

  it("splits a combined 存在问题及下步打算 section by its grouping subheadings", () => {
    const text = [
      "三、存在问题及下步打算",
      "（一）存在的问题",
      "1.宣传方式单一。",
      "2.经济指标完成压力较大。",
      "（二）下一步工作打算",
      "1.创新宣传方式。",
    ].join("\n");
    const json = toSummaryJson(parseSummary(text));
    expect(json.problems.map((p) => p.ref)).toEqual(["三.（一）.1", "三.（一）.2"]);
    expect(json.plan.map((p) => [p.ref, p.title])).toEqual([["三.（二）.1", "创新宣传方式"]]);
  });

  it("finds a plan written as a paragraph without a heading of its own", () => {
    const text = [
      "平安街道2024年工作总结",
      "一、工作开展情况",
      "全年排查隐患326处。下一步，我们将继续加强安全监管，力争完成排查500次。",
      "二、其他工作",
      "2025年，我们将重点抓好三项工作：一是巩固党建成果；二是推进老旧小区改造；三是做好就业服务。",
    ].join("\n");
    const parsed = parseSummary(text);
    const json = toSummaryJson(parsed);
    expect(json.plan.map((p) => p.ref)).toEqual(["一", "二.一是", "二.二是", "二.三是"]);
    expect(json.plan[0].text).toBe("下一步，我们将继续加强安全监管，力争完成排查500次。");
    expect(json.plan[2].title).toBe("推进老旧小区改造");
    expect(json.metrics.map((m) => [m.value, m.kind])).toEqual([
      [326, "actual"],
      [500, "target"],
    ]);
  });

  it("finds problems listed in running text after 还存在…问题：", () => {
    const text = ["一、主要工作", "全年工作有序推进。但工作中还存在一些问题和不足：宣传方式较为单一；部分社区服务能力不强。"].join("\n");
    const json = toSummaryJson(parseSummary(text));
    expect(json.problems.map((p) => p.text)).toEqual(["宣传方式较为单一", "部分社区服务能力不强"]);

    const withOrdinals = "一、主要工作\n全年工作有序推进，但仍存在一些不足：一是宣传方式较为单一；二是服务能力不强。";
    expect(toSummaryJson(parseSummary(withOrdinals)).problems.map((p) => [p.ref, p.text])).toEqual([
      ["一.一是", "宣传方式较为单一"],
      ["一.二是", "服务能力不强"],
    ]);
  });

  it("does not take a bracket or a number inside a sentence for a heading", () => {
    const text = [
      "一、主要工作",
      "街道（社区）共开展活动（1）次以上，其中1.5万元用于慰问。",
      "2024年10月31日召开总结会。",
      "1-9月完成销售额861万元。",
      "5、6月份开展集中整治。",
    ].join("\n");
    const json = toSummaryJson(parseSummary(text));
    expect(json.sections).toHaveLength(1);
    expect(json.sections[0].children).toEqual([]);
  });

  it("leaves web page furniture out of the sections", () => {
    const text = [
      "首页 > 政务公开 > 工作总结",
      "东风街道2024年工作总结",
      "本文转载自东风街道微信公众号",
      "来源：东风街道办事处  发布时间：2024-12-30 09:12  浏览次数：321",
      "【字号 大 中 小】",
      "一、主要工作",
      "全年办理民生实事16件。",
      "二、2025年工作打算",
      "1.抓好民生实事。",
      "【打印本页】 【关闭窗口】",
    ].join("\n");
    const parsed = parseSummary(text);
    const json = toSummaryJson(parsed);
    expect(json.title).toBe("东风街道2024年工作总结");
    expect(json.unit).toBe("东风街道");
    expect(json.sections.map((s) => s.number)).toEqual(["一", "二"]);
    expect(json.plan.map((p) => p.text)).toEqual(["抓好民生实事。"]);
    expect(json.metrics.map((m) => m.value)).toEqual([16]);
    expect(parsed.furniture).toHaveLength(5);
  });
});
