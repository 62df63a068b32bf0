// Test .docx files: a small real one, and decompression bombs whose word/document.xml opens to
// `inflatedBytes` (optionally with the zip declaring a small size, as a forged file would).
import JSZip from "jszip";

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';
const DOC_START =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
const DOC_END = "</w:body></w:document>";
const paragraph = (text: string) => `<w:p><w:r><w:t>${text}</w:t></w:r></w:p>`;

async function zipOf(documentXml: string): Promise<Uint8Array<ArrayBuffer>> {
  const zip = new JSZip();
  zip.file("[Content_Types].xml", CONTENT_TYPES);
  zip.file("_rels/.rels", RELS);
  zip.file("word/document.xml", documentXml);
  return (await zip.generateAsync({
    type: "uint8array",
    compression: "DEFLATE",
    compressionOptions: { level: 9 },
  })) as Uint8Array<ArrayBuffer>;
}

export function smallDocx(lines: string[]): Promise<Uint8Array<ArrayBuffer>> {
  return zipOf(DOC_START + lines.map(paragraph).join("") + DOC_END);
}

export async function docxBomb(inflatedBytes: number, options: { declareSmall?: boolean } = {}): Promise<Uint8Array<ArrayBuffer>> {
  const unit = paragraph("a".repeat(1000));
  const body = unit.repeat(Math.ceil(inflatedBytes / unit.length));
  const bytes = await zipOf(DOC_START + body + DOC_END);
  if (options.declareSmall) declareSize(bytes, "word/document.xml", 4096);
  return bytes;
}

/** Rewrites the uncompressed size the zip states for one entry (local and central headers). */
function declareSize(bytes: Uint8Array, name: string, size: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nameBytes = new TextEncoder().encode(name);
  const matchesAt = (at: number) => nameBytes.every((b, i) => bytes[at + i] === b);
  for (let at = 0; at + 46 < bytes.length; at++) {
    const signature = view.getUint32(at, true);
    if (signature === 0x04034b50 && view.getUint16(at + 26, true) === nameBytes.length && matchesAt(at + 30)) {
      view.setUint32(at + 22, size, true);
    } else if (signature === 0x02014b50 && view.getUint16(at + 28, true) === nameBytes.length && matchesAt(at + 46)) {
      view.setUint32(at + 24, size, true);
    }
  }
}
