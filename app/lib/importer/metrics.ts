import type { TextRegion } from "~/lib/importer/items";
import { isStructuralEnumeration } from "~/lib/importer/reading";
import {
  CN_MAGNITUDES,
  isCnNumeralChar,
  isCnNumeralCode,
  isMagnitudeOnly,
  magnitudeMultiplier,
  parseCnNumber,
  scale,
} from "~/lib/importer/numerals";
import type { SourceMap } from "~/lib/importer/source";
import { itemAt, type Item, type Structure } from "~/lib/importer/structure";
import type { Metric, MetricKind } from "~/lib/importer/types";
import { CLASSIFIER_UNITS, MAGNITUDE_KEPT_UNITS, matchUnit, RATE_UNITS } from "~/lib/importer/units";
import {
  QUALIFIERS_BEFORE,
  APPROXIMATE,
  SMALL_CN_ALLOWED_AFTER,
  CLAUSE_BOUNDARY,
  SPLIT_VERBS,
  FOLLOW_UP_VERBS,
  cleanName,
  afterLastVerb,
  undouble,
  labelBeforeColon,
  rightNoun,
  tidyName,
  nameWindowStart,
  lastBoundary,
} from "~/lib/importer/metric-names";

/**
 * Figures with units ("1226件", "2151 万元", "四万份", "千余个", "4.5%"), each with the name of
 * the thing counted, its kind and where it came from. A figure is only taken when a known unit
 * follows it, and never from a year, a date, an ordinal (第五次), a quoted or bracketed name
 * (“七融一圈”, 《…》) or a hotline number.
 */

const isDigit = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "9";
const isAsciiLetter = (ch: string | undefined) => ch !== undefined && /[A-Za-z]/.test(ch);

const OPEN_TO_CLOSE = new Map<number, string>(
  [
    ["“", "”"],
    ["‘", "’"],
    ["《", "》"],
    ["【", "】"],
    ["「", "」"],
    ["『", "』"],
    ["〔", "〕"],
    ["[", "]"],
    ["〈", "〉"],
  ].map(([open, close]) => [open.charCodeAt(0), close]),
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
    if (
      isStructuralEnumeration(
        s.slice(token.unitEnd, token.unitEnd + 8),
        s.slice(Math.max(0, token.qualifierStart - 4), token.qualifierStart),
        token.unit,
      )
    ) {
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
          ch === "。" ||
          ch === "！" ||
          ch === "？" ||
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
