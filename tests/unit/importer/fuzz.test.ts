import { describe, expect, it } from "vitest";
import { ImportError, parseSummary, readSummaryFile, summaryJsonSchema, toSummaryJson } from "~/lib/importer";
import { prng, readSeed } from "./helpers";

/**
 * The importer must never fail with anything but an ImportError, and whatever text it is given
 * must come out in the documented shape with offsets inside the text. Deterministic: a seeded
 * PRNG drives every case.
 */
const random = prng(20241031);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];

const seed = readSeed();
const seedLines = seed.split("\n");

const TOKENS = [
  "一、",
  "二、",
  "十、",
  "（一）",
  "(二)",
  "（十）",
  "1.",
  "2、",
  "3．",
  "（1）",
  "(2)",
  "①",
  "一是",
  "二是",
  "三是",
  "下一步，",
  "2025年，我们将",
  "存在问题",
  "重点工作安排",
  "还存在一些问题：",
  "；",
  "。",
  "，",
  "：",
  "“",
  "”",
  "《",
  "》",
  "【",
  "】",
  "（",
  "）",
  "(",
  ")",
  "2024年",
  "10月31日",
  "1-9月",
  "第五次",
  "80周岁",
  "12345",
  "2151 万元",
  "四万份",
  "千余个",
  "逾百家",
  "257户298人",
  "4.5%以内",
  "预计",
  "力争",
  "控制在",
  "约",
  "余",
  "万",
  "亿",
  "千",
  "百",
  "十",
  "两",
  "零",
  "0",
  "9",
  ".",
  ",",
  "\n",
  "\r\n",
  "\r",
  " ",
  "\u3000",
  "\u00a0",
  "\ufeff",
  "\u200b",
  "\t",
  "首页 > 政务公开",
  "来源：",
  "【字号 大 中 小】",
  "打印本页",
  "名词解释",
  "平东街道办事处",
  "2024年10月31日",
  "\ud800",
  "\udc00",
  "😀",
  "ＡＢＣ１２３",
  "％",
  "．",
  "-",
  "—",
  "~",
];
const CJK =
  "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研质"; // common characters
const randomCjk = (n: number) => Array.from({ length: n }, () => CJK[int(CJK.length)]).join("");

function randomText(): string {
  const parts: string[] = [];
  const n = 1 + int(60);
  for (let i = 0; i < n; i++) parts.push(random() < 0.5 ? pick(TOKENS) : randomCjk(1 + int(12)));
  return parts.join("");
}

function mutateSeed(): string {
  const lines = [...seedLines];
  const operations = 1 + int(12);
  for (let k = 0; k < operations; k++) {
    const i = int(lines.length);
    const j = int(lines.length);
    switch (int(8)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, lines[j]);
        break;
      case 2:
        [lines[i], lines[j]] = [lines[j], lines[i]];
        break;
      case 3: {
        const line = lines[i];
        const at = int(line.length + 1);
        lines[i] = line.slice(0, at) + line.slice(at + 1 + int(5));
        break;
      }
      case 4: {
        const line = lines[i];
        const at = int(line.length + 1);
        lines[i] = line.slice(0, at) + pick(TOKENS) + line.slice(at);
        break;
      }
      case 5:
        lines[i] = pick(TOKENS) + lines[i];
        break;
      case 6: {
        const line = lines[i];
        const a = int(line.length + 1);
        const b = int(line.length + 1);
        lines[i] =
          line.slice(0, Math.min(a, b)) +
          line.slice(Math.min(a, b), Math.max(a, b)).split("").reverse().join("") +
          line.slice(Math.max(a, b));
        break;
      }
      default:
        lines.splice(i, 0, randomText());
    }
  }
  return lines.join(pick(["\n", "\r\n", "\n\n"]));
}

function checkParse(text: string): void {
  const parsed = parseSummary(text);
  const json = toSummaryJson(parsed);
  const result = summaryJsonSchema.safeParse(json);
  if (!result.success) throw new Error(`shape: ${result.error.message}\n--- text ---\n${text.slice(0, 500)}`);
  for (const m of parsed.metrics) {
    if (!(m.span.start >= 0 && m.span.end <= text.length && m.span.start <= m.span.end))
      throw new Error(`span out of range: ${JSON.stringify(m.span)}`);
    if (text.slice(m.span.start, m.span.end) !== m.raw) throw new Error(`raw mismatch: ${m.raw}`);
    if (!Number.isFinite(m.value) || m.value < 0) throw new Error(`value: ${m.value}`);
  }
  for (const item of [...parsed.problems, ...parsed.plan]) {
    if (item.span.start < 0 || item.span.end > text.length || item.span.line < 1) throw new Error("item span out of range");
  }
}

async function checkBytes(bytes: Uint8Array, name: string): Promise<void> {
  let text: string;
  try {
    text = await readSummaryFile(name, bytes);
  } catch (error) {
    if (error instanceof ImportError) {
      expect(error.message).toMatch(/[\u4e00-\u9fff]/);
      return;
    }
    throw error;
  }
  checkParse(text);
}

// Thousands of cases: generous timeouts so a busy machine does not fail them.
describe("fuzz", { timeout: 30000 }, () => {
  it("reads random bytes without failing other than with ImportError", async () => {
    for (let k = 0; k < 400; k++) {
      const length = int(3000);
      const bytes = new Uint8Array(length).map(() => int(256));
      // Some cases start like known formats or are mostly ASCII / UTF-8 text with noise.
      if (k % 5 === 1) bytes.set([0x50, 0x4b, 0x03, 0x04].slice(0, length));
      if (k % 5 === 2) for (let i = 0; i < length; i++) bytes[i] = 0x20 + (bytes[i] % 0x5f);
      if (k % 5 === 3) bytes.set([0xff, 0xfe].slice(0, length));
      await checkBytes(bytes, pick(["a.txt", "b.docx", "c.doc", "d"]));
    }
  });

  it("parses random Chinese text into the documented shape", () => {
    for (let k = 0; k < 1500; k++) checkParse(randomText());
  });

  it("parses mutated seeds into the documented shape", () => {
    for (let k = 0; k < 1200; k++) checkParse(mutateSeed());
  });

  it("survives pathological inputs", () => {
    checkParse("");
    checkParse("\n\n\n");
    checkParse("一、".repeat(5000));
    checkParse("（一）".repeat(3000) + "\n" + "1.".repeat(3000));
    checkParse("“".repeat(10000) + "2151万元");
    checkParse("一是二是三是".repeat(2000));
    checkParse("九".repeat(20000) + "个");
    checkParse("1".repeat(5000) + "万元");
    checkParse("下一步，".repeat(3000));
    checkParse(`${"首页 > ".repeat(100)}\n`.repeat(100));
  });
});
