import Nzh from "nzh";

/** Chinese numeral digits and magnitude characters as they occur in running text. */
export const CN_DIGITS = "零〇一二两三四五六七八九";
export const CN_MAGNITUDES = "十百千万亿";

const NUMERAL_CODES = new Set([...CN_DIGITS, ...CN_MAGNITUDES].map((c) => c.charCodeAt(0)));

export function isCnNumeralCode(code: number): boolean {
  // Every numeral character lies in 〇 (U+3007) or the CJK block; most text is rejected by the range test.
  return (code === 0x3007 || (code >= 0x4e00 && code <= 0x9fff)) && NUMERAL_CODES.has(code);
}

export function isCnNumeralChar(ch: string | undefined): boolean {
  return ch !== undefined && ch.length > 0 && isCnNumeralCode(ch.charCodeAt(0));
}

const SMALL_MAGNITUDE: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const BIG_MAGNITUDE: Record<string, number> = { 万: 1e4, 亿: 1e8 };

/**
 * Is this run of numeral characters a well-formed number (三十, 四万, 一千二百, 千) rather than
 * an idiom or a name that happens to use numerals (九九, 三三两两, 千千万万)? Digits may not
 * follow each other (except after 零), and small magnitudes must fall within each 万/亿 group.
 */
export function isWellFormedCnNumber(s: string): boolean {
  if (s.length === 0) return false;
  // "万一", "百二" are words, not numbers: a leading 百/千/万/亿 only stands alone or with magnitudes.
  if ("百千万亿".includes(s[0]) && !isMagnitudeOnly(s)) return false;
  let lastWasDigit = false;
  let lastSmall = Infinity; // the small magnitude last used within the current 万/亿 group
  let lastBig = Infinity;
  for (const ch of s) {
    if (ch === "零" || ch === "〇") {
      lastWasDigit = false;
      continue;
    }
    if (CN_DIGITS.includes(ch)) {
      if (lastWasDigit) return false;
      lastWasDigit = true;
      continue;
    }
    lastWasDigit = false;
    const small = SMALL_MAGNITUDE[ch];
    if (small !== undefined) {
      if (small >= lastSmall) return false;
      lastSmall = small;
      continue;
    }
    const big = BIG_MAGNITUDE[ch];
    if (big === undefined) return false;
    if (big > lastBig) return false; // 万亿 is fine, 亿万 after a 万 group is not
    lastBig = big === lastBig ? big / 10 : big;
    lastSmall = Infinity;
  }
  return true;
}

/** True when the run is only magnitude words (百, 千, 万, 千万) with no digit: "千家万户", "百姓". */
export function isMagnitudeOnly(s: string): boolean {
  for (const ch of s) if (!CN_MAGNITUDES.includes(ch)) return false;
  return s.length > 0;
}

/** Value of a well-formed Chinese numeral, using nzh; 两 and 〇 are spelled the way nzh reads. */
const parsedCache = new Map<string, number | null>();

export function parseCnNumber(s: string): number | null {
  const cached = parsedCache.get(s);
  if (cached !== undefined) return cached;
  let value: number | null = null;
  if (isWellFormedCnNumber(s)) {
    const decoded = Number(Nzh.cn.decodeS(s.replace(/两/g, "二").replace(/〇/g, "零")));
    value = Number.isFinite(decoded) && decoded >= 0 ? decoded : null;
  }
  // Numerals repeat a lot (一是, 二是 …); a small cache spares nzh the work.
  if (parsedCache.size < 4096) parsedCache.set(s, value);
  return value;
}

/** Multiplier of a magnitude suffix written after Arabic digits: 万 → 1e4, 万亿 → 1e12, 千万 → 1e7. */
export function magnitudeMultiplier(s: string): number {
  let m = 1;
  for (const ch of s) {
    const v = SMALL_MAGNITUDE[ch] ?? BIG_MAGNITUDE[ch];
    if (v === undefined) return NaN;
    m *= v;
  }
  return m;
}

/** Value of 1..99 written as Chinese numerals in a heading marker (一, 十二, 二十三). */
export function headingNumberValue(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  const v = parseCnNumber(s);
  return v === null || v === 0 ? null : v;
}

/** Exact-ish decimal product that avoids 26.5 * 10000 = 264999.99999999997. */
export function scale(value: number, multiplier: number): number {
  const product = value * multiplier;
  const rounded = Math.round(product * 1e6) / 1e6;
  return Math.abs(rounded - product) < 1e-6 * Math.max(1, Math.abs(product)) ? rounded : product;
}
