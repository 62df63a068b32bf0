import type { TextRegion } from "./items";
import { isStructuralEnumeration } from "./reading";
import { CN_MAGNITUDES, isCnNumeralChar, isCnNumeralCode, isMagnitudeOnly, magnitudeMultiplier, parseCnNumber, scale } from "./numerals";
import type { SourceMap } from "./source";
import { itemAt, type Item, type Structure } from "./structure";
import type { Metric, MetricKind } from "./types";
import { CLASSIFIER_UNITS, MAGNITUDE_KEPT_UNITS, matchUnit, RATE_UNITS } from "./units";

/**
 * Figures with units ("1226件", "2151 万元", "四万份", "千余个", "4.5%"), each with the name of
 * the thing counted, its kind and where it came from. A figure is only taken when a known unit
 * follows it, and never from a year, a date, an ordinal (第五次), a quoted or bracketed name
 * (“七融一圈”, 《…》) or a hotline number.
 */

const isDigit = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "9";
const isAsciiLetter = (ch: string | undefined) => ch !== undefined && /[A-Za-z]/.test(ch);

const OPEN_TO_CLOSE = new Map<number, string>(
  [["“", "”"], ["‘", "’"], ["《", "》"], ["【", "】"], ["「", "」"], ["『", "』"], ["〔", "〕"], ["[", "]"], ["〈", "〉"]].map(
    ([open, close]) => [open.charCodeAt(0), close],
  ),
);
const MAX_QUOTE = 50;

/** Marks characters inside quotes and name brackets; an opener without a close nearby marks nothing. */
function quoteMask(s: string): Uint8Array {
  const mask = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    // Openers are "[" or in the General Punctuation / CJK Symbols blocks.
    if (code !== 0x5b && (code < 0x2018 || code > 0x301f)) continue;
    const close = OPEN_TO_CLOSE.get(code);
    if (!close) continue;
    const limit = Math.min(s.length, i + MAX_QUOTE + 1);
    let j = i + 1;
    while (j < limit && s[j] !== close) j++;
    if (j >= limit) continue;
    mask.fill(1, i, j + 1);
  }
  return mask;
}

/** Qualifiers written before a figure, and the canonical word reported for each. */
const QUALIFIERS_BEFORE: [string, string][] = [
  ["超过", "超"], ["突破", "超"], ["接近", "近"], ["将近", "近"], ["大约", "约"], ["约为", "约"],
  ["逾", "逾"], ["超", "超"], ["近", "近"], ["约", "约"],
];
const APPROXIMATE = new Set(["余", "多", "逾", "超", "近", "约", "左右", "以上"]);

/** Chinese single digits (两场, 三次) count only right after these words; elsewhere they are wording (两个社区, 一张网). */
const SMALL_CN_ALLOWED_AFTER = /(了|共|开展|举办|进行|组织|召开|完成|累计|共计|新增|发放|办理)$/;

const CLAUSE_BOUNDARY = "，；：。！？";
const NAME_BOUNDARY = "，；：。！？、（）《》【】 ";

const TIME_WORDS = /(?:19|20)\d{2}年度?|\d{1,2}(?:-\d{1,2})?月份?(?:以来)?|\d{1,2}日|截[至止](?:目前)?|目前|全年|今年(?:以来)?|年内|上半年|下半年|年初以来|以来|同期/g;
const LEADING_NOISE =
  /^(?:其中|同时|此外|另外|共计|合计|总计|累计|共|全街道|全街|全省|全市|全区|全县|全镇|全乡|全体|我街道|我街|我镇|我区|我市|我省|我们|据统计|经统计|预计|力争|确保|已经|已|并|和|及|与|其|为|在|对|向|从|由|现)/;
const TRAILING_NOISE =
  /(?:累计完成|完成了|完成|共计|合计|总计|累计|共有|共|达到了|达到|达|约为|为|是|有|约|近|逾|超过|超|实现|突破|已|了|(?<=..)[和及与]|的|分别为|分别|仅|只|计|全年|预计|控制在|保持在|稳定在|增至|提高到|提升至|提高至|上升到|下降到|降至|到|至|从|等|参加|参与)$/;
const SPLIT_VERBS = [
  "开展", "举办", "组织", "发放", "提供", "办理", "录制", "解决", "推送", "发现", "登记", "受理", "接待", "引进",
  "培育", "申请", "输送", "排查", "检查", "抽查", "进行", "参加", "召开", "完成", "实现", "投入", "发行", "兑现",
  "打造", "建成", "新建", "改造", "签约", "招引", "帮助", "协助", "走访", "慰问", "救助", "资助", "达成", "收集",
  "上报", "录入", "安装", "设立", "获批", "创建", "认定", "选派", "举行", "清理", "查处", "制定", "梳理", "观看",
  "惠及", "覆盖", "带动", "吸引",
];
const SPLIT_VERBS_BY_FIRST_CHAR = new Map<string, string[]>();
for (const verb of SPLIT_VERBS) SPLIT_VERBS_BY_FIRST_CHAR.set(verb[0], [...(SPLIT_VERBS_BY_FIRST_CHAR.get(verb[0]) ?? []), verb]);

/** A bare verb after another figure names the same thing: "发现矛盾纠纷1226件，调处1226件". */
const FOLLOW_UP_VERBS = new Set(["调处", "化解", "办结", "处理", "整改", "解决", "受理", "回访", "核查", "办理", "结案", "调解", "销号", "完成"]);
const RIGHT_NOUN_STOP_CHARS = "的和与及等为在供获已被以到对向给将由从比占、，。；：！？（）《》 0123456789";
/** Verbs that end the noun written after a counter: "90家企业进行招聘", "689万户增至951万户". */
const RIGHT_NOUN_STOP_VERBS = [
  ...SPLIT_VERBS, "增至", "增加", "增长", "下降", "减少", "提高", "提升", "达到", "突破", "超过", "降至", "升至",
  "同比", "入选", "居全国", "居西部", "居第", "投产", "通车", "参与", "选择", "累计", "惠及", "覆盖", "带动", "实行", "享受", "纳入",
];

function cleanName(raw: string): string {
  let name = raw.replace(TIME_WORDS, "").replace(/[“”‘’"]/g, (q) => q).trim();
  for (let guard = 0; guard < 6; guard++) {
    const before = name;
    name = name.replace(LEADING_NOISE, "").replace(TRAILING_NOISE, "").trim();
    if (name === before) break;
  }
  return name;
}

/** Words that name nothing on their own: "失业再就业完成人数" keeps its subject. */
const GENERIC_NOUNS = new Set(["人数", "数量", "总数", "金额", "次数", "户数", "个数", "件数", "人次", "总量", "规模"]);

/**
 * "四平市第一粮库完成销售额" → "销售额": the noun after the last verb, when there is one;
 * "叶酸共计发放" → "叶酸": a verb at the end goes.
 */
function afterLastVerb(name: string): string {
  let best = name;
  // From the right: the first verb with a real noun after it wins.
  search: for (let at = name.length - 2; at >= 0; at--) {
    const verbs = SPLIT_VERBS_BY_FIRST_CHAR.get(name[at]);
    if (!verbs) continue;
    for (const verb of verbs) {
      if (!name.startsWith(verb, at)) continue;
      const rest = cleanName(name.slice(at + verb.length));
      if (rest.length >= 2) {
        best = GENERIC_NOUNS.has(rest) ? cleanName(name.slice(0, at)) + rest : rest;
        break search;
      }
    }
  }
  for (let guard = 0; guard < 3; guard++) {
    const verb = SPLIT_VERBS.find((v) => best.endsWith(v) && best.length - v.length >= 2);
    if (!verb) break;
    best = cleanName(best.slice(0, best.length - verb.length));
  }
  return best;
}

/** "失业率失业率" (a slip in the source) → "失业率". */
function undouble(name: string): string {
  const half = name.length / 2;
  return Number.isInteger(half) && half > 0 && name.slice(0, half) === name.slice(half) ? name.slice(0, half) : name;
}

/** "新参：3人" → "新参": a short label right before a colon names the figure after it. */
function labelBeforeColon(s: string, colonAt: number): string {
  if (s[colonAt] !== "：") return "";
  const start = lastBoundary(s, colonAt, NAME_BOUNDARY, 0);
  const label = cleanName(s.slice(start, colonAt));
  return label.length <= 8 ? label : "";
}

function rightNoun(s: string, pos: number): string {
  let end = pos;
  while (
    end < s.length &&
    end - pos < 14 &&
    !RIGHT_NOUN_STOP_CHARS.includes(s[end]) &&
    !RIGHT_NOUN_STOP_VERBS.some((v) => s.startsWith(v, end))
  ) {
    end++;
  }
  return tidyName(s.slice(pos, end));
}

/** Drops dashes, dots and unbalanced quotes at the edges of a name; keeps at most 20 characters. */
function tidyName(name: string): string {
  let t = name.replace(/^[^\p{L}\p{N}“‘《]+|[^\p{L}\p{N}”’》%]+$/gu, "");
  if (t.length > 20) {
    t = t.slice(t.length - 20);
    const close = t.indexOf("”");
    const open = t.indexOf("“");
    if (close >= 0 && (open < 0 || open > close)) t = t.slice(close + 1);
  }
  if ((t.match(/“/g)?.length ?? 0) !== (t.match(/”/g)?.length ?? 0)) t = t.replace(/[“”]/g, "");
  return t;
}

/**
 * Start of the name window before `before`: the last clause boundary, looking through a
 * bracketed aside such as "县（市、区）" which belongs to the name.
 */
function nameWindowStart(s: string, before: number, floor: number): number {
  let i = before - 1;
  while (i >= floor) {
    const ch = s[i];
    if (ch === "）") {
      const open = s.lastIndexOf("（", i);
      if (open >= floor && i - open <= 30) {
        i = open - 1;
        continue;
      }
    }
    if (NAME_BOUNDARY.includes(ch)) return i + 1;
    i--;
  }
  return floor;
}

interface NumberToken {
  start: number; // number start (relative to sentence)
  end: number; // after unit and post qualifier
  unitEnd: number;
  value: number;
  unit: string;
  qualifier: string | null;
  approximate: boolean;
  post: string; // 以内/以下/左右/以上 after the unit, if any
  qualifierStart: number; // where a qualifier written before the number starts
}

/** Reads the figure that starts at `i` (an Arabic digit or a Chinese numeral), or null. */
function readFigure(s: string, i: number, mask: Uint8Array): NumberToken | null {
  if (mask[i]) return null;
  const prev = s[i - 1];
  if (prev === "第") return null;

  let j = i;
  let base: number;
  let cnRun = "";
  if (isDigit(s[i])) {
    if (isDigit(prev) || prev === "." || isAsciiLetter(prev) || (prev === "," && isDigit(s[i - 2]))) return null;
    while (isDigit(s[j])) j++;
    while (s[j] === "," && isDigit(s[j + 1]) && isDigit(s[j + 2]) && isDigit(s[j + 3]) && !isDigit(s[j + 4])) j += 4;
    if (s[j] === "." && isDigit(s[j + 1])) {
      j++;
      while (isDigit(s[j])) j++;
    }
    if (isAsciiLetter(s[j]) || s[j] === ".") return null;
    base = Number(s.slice(i, j).replace(/,/g, ""));
  } else {
    if (isCnNumeralChar(prev)) return null;
    while (j < s.length && isCnNumeralChar(s[j]) && j - i < 12) j++;
    cnRun = s.slice(i, j);
    // Most numerals in running text (一起, 进一步, 万达) have no unit after them: check that first, it is cheap.
    let u = j;
    if (s[u] === "余" || s[u] === "多") u++;
    if (matchUnit(s, u) === null) return null;
    const v = parseCnNumber(cnRun);
    if (v === null) return null;
    base = v;
  }
  if (!Number.isFinite(base)) return null;

  // Qualifier written before the figure.
  let qualifier: string | null = null;
  let qualifierStart = i;
  for (const [word, canonical] of QUALIFIERS_BEFORE) {
    if (s.startsWith(word, i - word.length)) {
      qualifier = canonical;
      qualifierStart = i - word.length;
      break;
    }
  }

  // Magnitude (Arabic only: 2151万, 1.5万亿), approximation (余/多) and the unit.
  let k = j;
  while (s[k] === " " && k - j < 2) k++;
  let magnitude = "";
  let unit: string | null = null;
  let suffix = "";
  let unitStart = -1;
  const maxMag = cnRun ? 0 : 3;
  let magLen = 0;
  while (magLen < maxMag && CN_MAGNITUDES.includes(s[k + magLen] ?? "")) magLen++;
  for (let m = magLen; m >= 0 && unit === null; m--) {
    let q = k + m;
    let sfx = "";
    if (s[q] === "余" || s[q] === "多") {
      sfx = s[q];
      q++;
    }
    const u = matchUnit(s, q);
    if (u) {
      unit = u;
      magnitude = s.slice(k, k + m);
      suffix = sfx;
      unitStart = q;
    }
  }
  if (unit === null) return null;

  if (cnRun) {
    const magnitudeOnly = isMagnitudeOnly(cnRun);
    if (magnitudeOnly && qualifier === null && suffix === "") return null; // 千家万户, 百姓
    if (cnRun.length === 1 && !magnitudeOnly) {
      // 两场 after 进行了 is a figure; 一张网, 两个社区 are wording.
      if (cnRun === "一" || cnRun === "〇" || cnRun === "零") return null;
      if (!SMALL_CN_ALLOWED_AFTER.test(s.slice(Math.max(0, i - 4), i))) return null;
    }
    // 两亿元 → 2 亿元: money keeps its magnitude in the unit, as with Arabic digits.
    if (MAGNITUDE_KEPT_UNITS.has(unit)) {
      const m = /[万亿]+$/.exec(cnRun);
      if (m && m.index > 0) {
        const head = parseCnNumber(cnRun.slice(0, m.index));
        if (head !== null) {
          base = head;
          magnitude = m[0];
        }
      }
    }
  }

  let value = base;
  let unitText = unit;
  if (magnitude) {
    if (MAGNITUDE_KEPT_UNITS.has(unit)) unitText = magnitude + unit;
    else {
      const mult = magnitudeMultiplier(magnitude);
      if (!Number.isFinite(mult)) return null;
      value = scale(base, mult);
    }
  } else if (cnRun && MAGNITUDE_KEPT_UNITS.has(unit)) {
    unitText = unit;
  }

  const unitEnd = unitStart + unit.length;
  let end = unitEnd;
  let post = "";
  for (const word of ["左右", "以上", "以内", "以下", "上下", "多"]) {
    if (s.startsWith(word, unitEnd)) {
      post = word;
      end = unitEnd + word.length;
      break;
    }
  }

  let finalQualifier = qualifier;
  if (suffix) finalQualifier = suffix;
  else if (post === "左右" || post === "上下") finalQualifier = "左右";
  else if (post === "以上") finalQualifier = finalQualifier ?? "以上";
  else if (post === "多") finalQualifier = "多";

  // A range "3-5人" reports its upper bound, approximately.
  const range = /[-~—至到]/.test(prev ?? "") && isDigit(s[i - 2]);

  return {
    start: i,
    end,
    unitEnd,
    value,
    unit: unitText,
    qualifier: finalQualifier,
    approximate: range || (finalQualifier !== null && APPROXIMATE.has(finalQualifier)),
    post,
    qualifierStart,
  };
}

function lastBoundary(s: string, before: number, boundaries: string, floor: number): number {
  for (let i = before - 1; i >= floor; i--) if (boundaries.includes(s[i])) return i + 1;
  return floor;
}

const CAP_WORDS = /控制在|控制|不超过|不高于|低于|压减|限制在/;
const FORECAST_WORDS = /预计|预测|预估/;
const OF_TARGET = /(目标|计划|任务)的$/;
const TARGET_WORDS =
  /力争|确保|预期|目标|拟|计划(完成|实现|新增|投资|建设|开展|举办|培训|发放|招聘|引进)|将(达到|实现|完成|新增|突破|超过|增长|提高|提升|控制|建成|新建|培育|打造|引进|开展|举办|累计)/;
const SENTENCE_TARGET = /预期目标|主要目标|目标是|目标为|目标任务|力争/;
const HOTLINE = /(热线|电话|号码|手机|传真|邮编|QQ)[：:]?$/;

interface SentenceContext {
  ref: string | null;
  planContext: boolean;
  sentence: string;
  sentenceSpan: Metric["sentenceSpan"];
}

function metricsInSentence(map: SourceMap, s: string, offset: number, ctx: (pos: number) => SentenceContext, out: Metric[]): void {
  const mask = quoteMask(s);
  const sentenceTargetAt = s.search(SENTENCE_TARGET);
  let prevEnd = 0;
  let prev: { name: string; kind: MetricKind } | null = null;

  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (!(code >= 0x30 && code <= 0x39) && !isCnNumeralCode(code)) continue;
    const token = readFigure(s, i, mask);
    if (!token) {
      // Skip the rest of this number so its digits are not read again as a new figure.
      while (i + 1 < s.length && (isDigit(s[i + 1]) || s[i + 1] === "." || isCnNumeralChar(s[i + 1]))) i++;
      continue;
    }
    if (HOTLINE.test(s.slice(Math.max(0, token.qualifierStart - 4), token.qualifierStart))) {
      i = token.end - 1;
      continue;
    }

    // "主要做了6个方面工作", "跨越3个千亿元台阶": the document's own parts, not a measure.
    if (isStructuralEnumeration(s.slice(token.unitEnd, token.unitEnd + 8), s.slice(Math.max(0, token.qualifierStart - 4), token.qualifierStart), token.unit)) {
      i = token.end - 1;
      continue;
    }
    const c = ctx(offset + i);
    const kindStart = Math.max(lastBoundary(s, token.qualifierStart, CLAUSE_BOUNDARY, 0), prevEnd);
    const kindWindow = s.slice(kindStart, token.qualifierStart);
    const nameStart = nameWindowStart(s, token.qualifierStart, prevEnd);
    const rawName = s
      .slice(nameStart, token.qualifierStart)
      .replace(/（[^（）]{0,30}）/g, "")
      .trim();

    // Kind.
    let kind: MetricKind;
    const adjacent = kindWindow.replace(/[、和及与 ]/g, "").length === 0 && prev !== null;
    if (CAP_WORDS.test(kindWindow) || (token.post === "以内" && kindWindow.length > 0)) kind = "cap";
    else if (FORECAST_WORDS.test(kindWindow)) kind = "forecast";
    else if (adjacent && prev && prev.kind !== "actual" && prev.kind !== "rate") kind = prev.kind;
    else if (OF_TARGET.test(kindWindow)) kind = "rate";
    else if (TARGET_WORDS.test(kindWindow) || (sentenceTargetAt >= 0 && sentenceTargetAt < token.start) || c.planContext) kind = "target";
    else if (RATE_UNITS.has(token.unit)) kind = "rate";
    else kind = "actual";

    // Name.
    let name = rawName ? cleanName(rawName) : labelBeforeColon(s, nameStart - 1);
    const leftIsOnlyVerb = FOLLOW_UP_VERBS.has(name);
    if (SPLIT_VERBS.includes(name)) name = "";
    if (name) name = afterLastVerb(name);
    const noun = CLASSIFIER_UNITS.has(token.unit) ? rightNoun(s, token.end) : "";
    if (noun.length >= 2 && !/[率]$/.test(name)) name = noun;
    else if (leftIsOnlyVerb && prev) name = prev.name + name;
    else if (!name && prev) name = prev.name;
    name = tidyName(undouble(name));
    if (kind === "actual" && /率$|比重$|占比$/.test(name)) kind = "rate";

    let qualifier = token.qualifier;
    if (qualifier === null && /累计/.test(s.slice(Math.max(nameStart, token.qualifierStart - 8), token.qualifierStart))) qualifier = "累计";

    const absStart = offset + token.start;
    const absEnd = offset + token.unitEnd;
    out.push({
      name,
      value: token.value,
      unit: token.unit,
      kind,
      approximate: token.approximate,
      qualifier,
      ref: c.ref,
      sentence: c.sentence,
      raw: map.originalText(absStart, absEnd),
      span: map.span(absStart, absEnd),
      sentenceSpan: c.sentenceSpan,
      period: "全年",
      estimated: false,
    });
    prev = { name, kind };
    prevEnd = token.end;
    i = token.end - 1;
  }
}

export function extractMetrics(map: SourceMap, structure: Structure, planRegions: TextRegion[]): Metric[] {
  const out: Metric[] = [];
  const text = map.text;
  // Index plan regions by the lines they cover, so each figure looks at a handful at most.
  const regionsByLine = new Map<number, TextRegion[]>();
  for (const r of planRegions) {
    for (let index = map.lineIndexAt(r.start); index <= map.lineIndexAt(Math.max(r.start, r.end - 1)); index++) {
      regionsByLine.set(index, [...(regionsByLine.get(index) ?? []), r]);
    }
  }

  for (const line of map.lines) {
    if (line.kind !== "content") continue;
    const owner = structure.lineOwner[line.index];
    const regions = regionsByLine.get(line.index) ?? [];
    let sentenceStart = line.start;
    for (let i = line.start; i <= line.end; i++) {
      if (i < line.end) {
        const ch = text[i];
        const long = i - sentenceStart;
        // A run-on "sentence" is cut at a clause end once long, and at any non-figure character when huge,
        // so each figure's sentence stays readable and scanning stays linear.
        const ends =
          ch === "。" || ch === "！" || ch === "？" ||
          (long >= 300 && (ch === "；" || ch === "，")) ||
          (long >= 1000 && !/[0-9.一二两三四五六七八九十百千万亿]/.test(ch));
        if (!ends) continue;
      }
      const sentenceEnd = i < line.end ? i + 1 : line.end;
      if (sentenceEnd > sentenceStart) {
        const s = text.slice(sentenceStart, sentenceEnd);
        if (/[0-9一二两三四五六七八九十百千万亿]/.test(s)) {
          const sentence = map.originalText(sentenceStart, sentenceEnd);
          const sentenceSpan = map.span(sentenceStart, sentenceEnd);
          const ctx = (pos: number): SentenceContext => {
            const item: Item | null = itemAt(owner, pos);
            const inPlanRegion = regions.some((r) => pos >= r.start && pos < r.end);
            return { ref: item ? item.ref : null, planContext: inPlanRegion || item?.kind === "plan", sentence, sentenceSpan };
          };
          metricsInSentence(map, s, sentenceStart, ctx, out);
        }
      }
      sentenceStart = sentenceEnd;
      while (sentenceStart < line.end && text.charCodeAt(sentenceStart) === 0x20) sentenceStart++;
    }
  }
  return out;
}
