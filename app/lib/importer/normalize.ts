/**
 * The parser reads a normalised copy of the text, so that "(一)" and "（一）", "," and "，",
 * "1．" and "1." look alike. The copy keeps a map back to the original, so everything the
 * parser finds can point into the text exactly as the user uploaded it.
 */
export interface NormalizedText {
  /** The normalised copy: LF line ends, plain spaces, canonical punctuation. */
  text: string;
  /** origin[i] is the offset in the original of normalised char i; origin[text.length] = original.length. */
  origin: Int32Array;
}

const LF = 0x0a;
/** Decodes the code-unit buffer in one go; lone surrogates survive since they came from a JS string. */
const UTF16 = new TextDecoder("utf-16le");
const SPACE = 0x20;

const isAsciiDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAsciiAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isFullWidthDigit = (c: number) => c >= 0xff10 && c <= 0xff19;
const isChineseNumeral = (c: number) => "一二三四五六七八九十".includes(String.fromCharCode(c));

function isDigitLike(c: number): boolean {
  return isAsciiDigit(c) || isFullWidthDigit(c);
}

function isLineBreak(c: number): boolean {
  return c === 0x0a || c === 0x0b || c === 0x0c || c === 0x85 || c === 0x2028 || c === 0x2029;
}

function isOddSpace(c: number): boolean {
  return c === 0x09 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000;
}

function isZeroWidth(c: number): boolean {
  return (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff || c === 0xad;
}

/** Full-width forms we fold to ASCII; the Chinese sentence punctuation stays full-width. */
const KEEP_FULL_WIDTH = new Set([0xff08, 0xff09, 0xff0c, 0xff1a, 0xff1b, 0xff1f, 0xff01]);

const ASCII_TO_CHINESE: Record<number, number> = {
  0x28: 0xff08, // ( → （
  0x29: 0xff09, // ) → ）
  0x3b: 0xff1b, // ; → ；
  0x3f: 0xff1f, // ? → ？
  0x21: 0xff01, // ! → ！
};

export function normalizeText(original: string): NormalizedText {
  const n = original.length;
  const out = new Uint16Array(n);
  const origin = new Int32Array(n + 1);
  let len = 0;
  let lineStart = 0;
  let quoteOpen = false;

  const emit = (code: number, from: number) => {
    out[len] = code;
    origin[len] = from;
    len++;
  };

  for (let i = 0; i < n; i++) {
    let c = original.charCodeAt(i);

    // Fast path: CJK ideographs and plain letters/digits are copied as they are.
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
      out[len] = c;
      origin[len] = i;
      len++;
      continue;
    }
    if (c === 0x0d) {
      if (i + 1 < n && original.charCodeAt(i + 1) === LF) continue; // CRLF: the LF is emitted next
      c = LF;
    }
    if (isLineBreak(c)) {
      emit(LF, i);
      lineStart = len;
      quoteOpen = false;
      continue;
    }
    if (isZeroWidth(c)) continue;
    if (isOddSpace(c) || c < 0x20 || c === 0x7f) {
      emit(SPACE, i);
      continue;
    }

    // Full-width ASCII variants → ASCII (digits, letters, %, ．, －, ＞ …).
    if (c >= 0xff01 && c <= 0xff5e && !KEEP_FULL_WIDTH.has(c)) c -= 0xfee0;
    else if (c === 0xfe6a)
      c = 0x25; // ﹪
    else if (c === 0xfe50)
      c = 0xff0c; // ﹐
    else if (c === 0x2236)
      c = 0xff1a; // ∶
    else if (c >= 0x2010 && c <= 0x2013) c = 0x2d; // hyphen and en-dash variants

    if (ASCII_TO_CHINESE[c] !== undefined) {
      emit(ASCII_TO_CHINESE[c], i);
      continue;
    }

    const prev = len > lineStart ? out[len - 1] : LF;
    const nextRaw = i + 1 < n ? original.charCodeAt(i + 1) : LF;
    const next = isFullWidthDigit(nextRaw) ? nextRaw - 0xfee0 : nextRaw;

    if (c === 0x2c) {
      // "1,226" keeps its thousands separator; any other comma is the Chinese one.
      emit(isAsciiDigit(prev) && isAsciiDigit(next) ? c : 0xff0c, i);
      continue;
    }
    if (c === 0x3a) {
      // "10:30" is a time; any other colon is the Chinese one.
      emit(isAsciiDigit(prev) && isAsciiDigit(next) ? c : 0xff1a, i);
      continue;
    }
    if (c === 0x22) {
      emit(quoteOpen ? 0x201d : 0x201c, i);
      quoteOpen = !quoteOpen;
      continue;
    }
    if (c === 0x2e) {
      emit(periodKind(out, lineStart, len, prev, next), i);
      continue;
    }
    emit(c, i);
  }
  origin[len] = n;

  const text = UTF16.decode(out.subarray(0, len));
  return { text, origin: origin.subarray(0, len + 1) };
}

/**
 * A "." is kept as "." when it is a decimal point (2.5), part of an ASCII word or URL, an
 * ellipsis, or the marker of a numbered heading at the start of a line ("1." / "一.").
 * Otherwise it ends a sentence written with half-width punctuation and becomes "。".
 */
function periodKind(out: Uint16Array, lineStart: number, len: number, prev: number, next: number): number {
  const PERIOD = 0x2e;
  if (isAsciiDigit(prev) && isDigitLike(next)) return PERIOD;
  if ((isAsciiDigit(prev) || isAsciiAlpha(prev)) && isAsciiAlpha(next)) return PERIOD;
  if (prev === PERIOD || next === PERIOD) return PERIOD;
  if (len - lineStart <= 6) {
    let k = lineStart;
    while (k < len && out[k] === SPACE) k++;
    let digits = 0;
    let numerals = 0;
    for (; k < len; k++) {
      if (isAsciiDigit(out[k])) digits++;
      else if (isChineseNumeral(out[k])) numerals++;
      else break;
    }
    if (k === len && ((digits > 0 && digits <= 2 && numerals === 0) || (numerals > 0 && numerals <= 3 && digits === 0))) {
      return PERIOD;
    }
  }
  return 0x3002;
}
