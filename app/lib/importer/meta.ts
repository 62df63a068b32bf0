import { matchHeading } from "~/lib/importer/headings";
import type { Line } from "~/lib/importer/lines";
import { parseCnNumber } from "~/lib/importer/numerals";

/**
 * Document facts outside the sections: title, issuing unit (落款), date and year.
 * The finders mark the lines they take (title, signature) so the structure parser skips them.
 */

const TITLE_WORDS = /(总结|报告|汇报|计划|安排|要点|情况|述职|打算|思路)/;
const SENTENCE_PUNCT = /[，。；！？]/;
const ORG_SUFFIX =
  /(办事处|街道|党工委|工作委员会|委员会|人民政府|政府|办公室|办公厅|局|委|厅|处|科|站|所|院|中心|社区|居委会|村委会|镇|乡|公司|集团|学校|医院|支部|总支|党委)$/;

function contentLines(lines: Line[]): Line[] {
  return lines.filter((l) => l.kind === "content");
}

function looksLikeTitle(text: string): boolean {
  return (
    text.length <= 50 &&
    !SENTENCE_PUNCT.test(text) &&
    !text.endsWith("：") &&
    TITLE_WORDS.test(text) &&
    matchHeading(text) === null &&
    parseDateLine(text) === null
  );
}

/** Title: the first content line when it reads like one (a short line without sentence punctuation). */
export function findTitle(lines: Line[]): Line[] {
  const content = contentLines(lines).slice(0, 2);
  if (content.length === 0) return [];
  const [first, second] = content;
  if (looksLikeTitle(first.text)) return [first];
  // Two-line titles: "平东街道办事处" / "2024年工作总结".
  if (
    second &&
    first.text.length <= 20 &&
    !SENTENCE_PUNCT.test(first.text) &&
    !first.text.endsWith("：") &&
    matchHeading(first.text) === null &&
    ORG_SUFFIX.test(first.text) &&
    looksLikeTitle(second.text)
  ) {
    return [first, second];
  }
  return [];
}

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

const DATE_ARABIC = /^[（(]?[ ]*(\d{4})[ ]*年[ ]*(\d{1,2})[ ]*月[ ]*(\d{1,2})[ ]*日[ ]*[）)]?$/;
const DATE_DASHED = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$/;
const DATE_CHINESE = /^[（(]?([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日[）)]?$/;
const CN_DIGIT_VALUE: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

export function parseDateLine(text: string): DateParts | null {
  let m = DATE_ARABIC.exec(text) ?? DATE_DASHED.exec(text);
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = DATE_CHINESE.exec(text);
  if (m) {
    const year = Number([...m[1]].map((c) => CN_DIGIT_VALUE[c]).join(""));
    return validDate(year, parseCnNumber(m[2]) ?? 0, parseCnNumber(m[3]) ?? 0);
  }
  return null;
}

function validDate(year: number, month: number, day: number): DateParts | null {
  if (year < 1949 || year > 2199 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  return { year, month, day };
}

export function formatDate(d: DateParts): string {
  return `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}

function isSignatureUnitLine(text: string): boolean {
  return text.length >= 2 && text.length <= 30 && !/[，。；：！？、]/.test(text) && matchHeading(text) === null && !/\d/.test(text);
}

export interface Signature {
  unit: string | null;
  date: DateParts | null;
  lines: Line[];
}

/** 落款 at the end: an issuing unit line and/or a date line ("平东街道办事处" / "2024年10月31日"). */
export function findSignature(lines: Line[]): Signature {
  const content = contentLines(lines);
  const none: Signature = { unit: null, date: null, lines: [] };
  if (content.length < 2) return none;
  const last = content[content.length - 1];

  const date = parseDateLine(last.text);
  if (date) {
    const taken = [last];
    let unit: string | null = null;
    const before = content[content.length - 2];
    if (content.length >= 3 && isSignatureUnitLine(before.text)) {
      unit = before.text;
      taken.unshift(before);
    }
    return { unit, date, lines: taken };
  }

  // Unit and date on one line: "平东街道办事处 2024年10月31日".
  const combined = /^(.{2,30}?)[ ]+(\d{4}[ ]*年[ ]*\d{1,2}[ ]*月[ ]*\d{1,2}[ ]*日)$/.exec(last.text);
  if (combined && isSignatureUnitLine(combined[1])) {
    const d = parseDateLine(combined[2]);
    if (d) return { unit: combined[1], date: d, lines: [last] };
  }

  if (isSignatureUnitLine(last.text) && ORG_SUFFIX.test(last.text)) return { unit: last.text, date: null, lines: [last] };
  return none;
}

/** The date of a report given at a meeting, written near the title ("2026年2月3日在…会议上"). */
export function findHeadDate(lines: Line[]): DateParts | null {
  let seen = 0;
  for (const line of lines) {
    if (line.kind !== "content") continue;
    if (matchHeading(line.text) || ++seen > 8) break;
    if (line.text.length > 60) continue;
    const m = /^(\d{4})[ ]*年[ ]*(\d{1,2})[ ]*月[ ]*(\d{1,2})[ ]*日(?![ ]*\d{1,2}[时:])/.exec(line.text);
    if (m) {
      const d = validDate(Number(m[1]), Number(m[2]), Number(m[3]));
      if (d && (m[0].length === line.text.length || /会议|大会|讲话|报告|在/.test(line.text))) return d;
    }
  }
  return null;
}

/** "2026年浙江省政府工作报告" → "浙江省政府"; "平东街道2024年工作总结" → "平东街道". */
export function unitFromTitle(title: string): string | null {
  let t = title.replace(/^关于/, "").replace(/^(19|20)\d{2}[ ]*年度?/, "");
  const m =
    /^(.*?)(?:(19|20)\d{2}[ ]*年度?)?(?:上半年|下半年|全年|年度)?(?:的)?(工作总结|工作报告|政府工作报告|工作汇报|述职报告|总结报告|总结|报告|汇报)/.exec(
      t,
    );
  if (!m) return null;
  t = m[1].replace(/(19|20)\d{2}[ ]*年度?$/, "").trim();
  if (m[3] === "政府工作报告" && !/政府$/.test(t)) t += "政府";
  return t.length >= 2 && ORG_SUFFIX.test(t) ? t : null;
}

/** The year a text is mostly about: the most frequent "20XX年" (ties go to the earlier mention). */
export function dominantYear(texts: Iterable<string>): number | null {
  const counts = new Map<number, number>();
  const re = /(?<!\d)((?:19|20)\d{2})[ ]*年/g;
  for (const text of texts) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      const y = Number(m[1]);
      counts.set(y, (counts.get(y) ?? 0) + 1);
    }
  }
  let best: number | null = null;
  let bestCount = 0;
  for (const [y, c] of counts) {
    if (c > bestCount) {
      best = y;
      bestCount = c;
    }
  }
  return best;
}

export function yearInText(text: string): number | null {
  const m = /(?<!\d)((?:19|20)\d{2})[ ]*年/.exec(text);
  return m ? Number(m[1]) : null;
}
