import { extractDocxText } from "~/lib/importer/docx-limits";
import { importError, MAX_IMPORT_BYTES, MAX_IMPORT_TEXT_CHARS } from "~/lib/importer/errors";

/**
 * Turns an uploaded file into text. The file type is decided by its content (magic bytes),
 * the name only breaks ties, because offices rename files freely ("总结.txt" that is a .doc).
 * The returned text is the document as written (only a BOM is dropped); normalisation happens
 * later on a copy, so the original can be stored unchanged. `fileName` is accepted for callers'
 * convenience and future use; detection never trusts it.
 */
export async function readSummaryFile(fileName: string, bytes: Uint8Array): Promise<string> {
  if (bytes.length > MAX_IMPORT_BYTES) throw importError("too_large");
  if (bytes.length === 0) throw importError("empty");

  rejectKnownBinaryFormats(bytes);

  let text: string;
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    text = await readDocx(bytes);
  } else {
    text = decodeText(bytes);
  }
  if (text.trim().length === 0) throw importError("empty");
  if (text.length > MAX_IMPORT_TEXT_CHARS) throw importError("text_too_long");
  return text;
}

function startsWith(bytes: Uint8Array, magic: number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

function rejectKnownBinaryFormats(bytes: Uint8Array): void {
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) throw importError("unsupported_doc");
  // The PDF spec allows junk before the header, within the first 1024 bytes.
  if (findAscii(bytes, "%PDF-", 1024) >= 0) throw importError("unsupported_pdf");
  if (
    startsWith(bytes, [0x89, 0x50, 0x4e, 0x47]) || // PNG
    startsWith(bytes, [0xff, 0xd8, 0xff]) || // JPEG
    startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) || // GIF8
    (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) || // WEBP
    startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || // TIFF LE
    startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]) // TIFF BE
  ) {
    throw importError("unsupported_image");
  }
  if (findAscii(bytes, "{\\rtf", 8) === 0) throw importError("unsupported_rtf");
  if (
    startsWith(bytes, [0x1f, 0x8b]) || // gzip
    startsWith(bytes, [0x52, 0x61, 0x72, 0x21]) || // rar
    startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf]) // 7z
  ) {
    throw importError("unsupported_archive");
  }
}

function findAscii(bytes: Uint8Array, needle: string, limit: number): number {
  const end = Math.min(bytes.length - needle.length, limit);
  outer: for (let i = 0; i <= end; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}

async function readDocx(bytes: Uint8Array): Promise<string> {
  // A zip that is not a Word document (xlsx, pptx, plain zip) has no word/document.xml.
  if (findAscii(bytes, "word/", bytes.length) < 0) throw importError("unsupported_archive");
  // mammoth runs in a worker, with the zip's sizes bounded (docx-limits.ts).
  const raw = await extractDocxText(bytes);
  // mammoth ends every paragraph with a blank line; one paragraph per line is what the parser reads.
  return raw.replace(/\r\n?/g, "\n").replace(/\n\n/g, "\n").replace(/\n+$/, "\n");
}

function decodeText(bytes: Uint8Array): string {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return decodeStrict("utf-8", bytes.subarray(3)) ?? failEncoding();
  if (startsWith(bytes, [0xff, 0xfe])) return decodeLoose("utf-16le", bytes.subarray(2));
  if (startsWith(bytes, [0xfe, 0xff])) return decodeLoose("utf-16be", bytes.subarray(2));

  const utf16 = guessBomlessUtf16(bytes);
  if (utf16) return decodeLoose(utf16, bytes);

  if (looksBinary(bytes)) throw importError("binary");

  const utf8 = decodeStrict("utf-8", bytes);
  if (utf8 !== null) return utf8;

  const gb = decodeStrict("gb18030", bytes);
  if (gb !== null && looksLikeChineseText(gb)) return gb;

  return failEncoding();
}

function failEncoding(): never {
  throw importError("unknown_encoding");
}

function decodeStrict(encoding: string, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function decodeLoose(encoding: string, bytes: Uint8Array): string {
  const text = new TextDecoder(encoding).decode(bytes);
  if (!looksLikeChineseText(text)) throw importError("binary");
  return text;
}

/** ASCII-heavy UTF-16 without a BOM shows up as a NUL in every other byte. */
function guessBomlessUtf16(bytes: Uint8Array): "utf-16le" | "utf-16be" | null {
  const sample = Math.min(bytes.length, 4096) & ~1;
  if (sample < 16) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = sample / 2;
  if (oddNul > pairs * 0.3 && evenNul < pairs * 0.02) return "utf-16le";
  if (evenNul > pairs * 0.3 && oddNul < pairs * 0.02) return "utf-16be";
  return null;
}

/** Text files have (almost) no C0 control bytes apart from tab, newlines, form feed and escape. */
function looksBinary(bytes: Uint8Array): boolean {
  const sample = Math.min(bytes.length, 65536);
  let control = 0;
  for (let i = 0; i < sample; i++) {
    const b = bytes[i];
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  return control > Math.max(2, sample * 0.005);
}

/**
 * A wrong guess of encoding still "decodes", into rare symbols. A real summary is mostly
 * CJK ideographs, ASCII and CJK/full-width punctuation.
 */
export function looksLikeChineseText(text: string): boolean {
  let good = 0;
  let total = 0;
  const limit = Math.min(text.length, 65536);
  for (let i = 0; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x3000) continue;
    total++;
    if (
      (c >= 0x21 && c <= 0x7e) ||
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0x3000 && c <= 0x303f) ||
      (c >= 0xff00 && c <= 0xffef) ||
      (c >= 0x2010 && c <= 0x206f) ||
      c === 0xa0 ||
      c === 0xb7 ||
      (c >= 0x2460 && c <= 0x24ff) // circled numbers
    ) {
      good++;
    }
  }
  return total === 0 || good / total >= 0.95;
}
