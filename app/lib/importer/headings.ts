import { headingNumberValue } from "~/lib/importer/numerals";

/**
 * Heading levels of a 工作总结: 一、 → （一） → 1. / 1、 → （1） → ①.
 * A number is a heading only at the start of a (trimmed, normalised) line.
 */
export interface HeadingMatch {
  level: 1 | 2 | 3 | 4 | 5;
  /** Canonical number: "一", "（一）", "1", "（1）", "①". */
  number: string;
  value: number;
  /** Characters of the line taken by the marker and the spaces after it. */
  markerLength: number;
}

const CN = "[一二三四五六七八九十]{1,3}";
const LEVEL1 = new RegExp(`^(${CN})[ ]*[、.][ ]*`);
const LEVEL2 = new RegExp(`^（[ ]*(${CN})[ ]*）[ ]*`);
const LEVEL3 = /^(\d{1,2})[ ]*(?:、|\.(?!\d))[ ]*/;
const LEVEL4 = /^(?:（[ ]*(\d{1,2})[ ]*）|(\d{1,2})）)[ ]*/;
const LEVEL5 = /^([\u2460-\u2473])[ ]*/;

/** "一、二类" and "5、6月份" are enumerations of numbers, not headings. */
const ENUMERATION_AFTER_CN = /^[一二三四五六七八九十]+[、类级等季]/;
const DIGIT_START = /^\d/;

export function matchHeading(line: string): HeadingMatch | null {
  const first = line.charCodeAt(0);
  if (first === 0xff08) {
    let m = LEVEL2.exec(line);
    if (m) return make(2, `（${m[1]}）`, m[1], m[0].length);
    m = LEVEL4.exec(line);
    if (m) return make(4, `（${m[1]}）`, m[1], m[0].length);
    return null;
  }
  if (first >= 0x30 && first <= 0x39) {
    let m = LEVEL4.exec(line);
    if (m && m[2] !== undefined) return make(4, `（${m[2]}）`, m[2], m[0].length);
    m = LEVEL3.exec(line);
    if (m && !DIGIT_START.test(line.slice(m[0].length))) return make(3, m[1], m[1], m[0].length);
    return null;
  }
  if (first >= 0x2460 && first <= 0x2473) {
    const m = LEVEL5.exec(line);
    return m ? { level: 5, number: m[1], value: first - 0x2460 + 1, markerLength: m[0].length } : null;
  }
  const m = LEVEL1.exec(line);
  if (m && !ENUMERATION_AFTER_CN.test(line.slice(m[0].length))) return make(1, m[1], m[1], m[0].length);
  return null;
}

function make(level: 1 | 2 | 3 | 4, number: string, digits: string, markerLength: number): HeadingMatch | null {
  const value = headingNumberValue(digits);
  if (value === null || value < 1 || value > 99) return null;
  return { level, number, value, markerLength };
}
