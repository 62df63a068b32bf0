import { Document, Packer, Paragraph } from "docx";
import { describe, expect, it } from "vitest";
import { ImportError, MAX_IMPORT_BYTES, readSummaryFile } from "~/lib/importer";
import { prng, utf8 } from "./helpers";

async function importErrorOf(fileName: string, bytes: Uint8Array): Promise<ImportError> {
  try {
    await readSummaryFile(fileName, bytes);
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error("expected an ImportError");
}

function withMagic(magic: number[], size = 512): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(magic);
  return bytes;
}

const CHINESE = /[\u4e00-\u9fff]/;

describe("files the importer refuses, with a Chinese message saying what to do", () => {
  it.each([
    ["旧版.doc", withMagic([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), "unsupported_doc", /另存为 \.docx/],
    ["总结.pdf", utf8("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"), "unsupported_pdf", /PDF/],
    ["截图.png", withMagic([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "unsupported_image", /图片/],
    ["照片.jpg", withMagic([0xff, 0xd8, 0xff, 0xe0]), "unsupported_image", /图片/],
    ["动图.gif", utf8("GIF89a......"), "unsupported_image", /图片/],
    ["空.txt", new Uint8Array(0), "empty", /空/],
    ["空白.txt", utf8("\ufeff  \n\n \u3000\n"), "empty", /空/],
    ["总结.rtf", utf8("{\\rtf1\\ansi 工作总结}"), "unsupported_rtf", /docx/],
  ] as const)("%s is refused", async (name, bytes, code, message) => {
    const error = await importErrorOf(name, bytes);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(CHINESE);
  });

  it("refuses a .doc renamed to .txt: content decides, not the name", async () => {
    const error = await importErrorOf("总结.txt", withMagic([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    expect(error.code).toBe("unsupported_doc");
    expect(error.message).toBe("暂不支持 .doc 格式，请在 Word 中另存为 .docx 后重新上传。");
  });

  it("refuses binary files", async () => {
    const random = prng(7);
    const bytes = new Uint8Array(4096).map(() => Math.floor(random() * 256));
    const error = await importErrorOf("data.txt", bytes);
    expect(error.code).toBe("binary");
    expect(error.message).toMatch(CHINESE);
    expect((await importErrorOf("a.txt", utf8("正常文字\u0000\u0001\u0002后面是二进制"))).code).toBe("binary");
  });

  it("refuses files over 5 MB before reading them", async () => {
    const error = await importErrorOf("大文件.txt", new Uint8Array(MAX_IMPORT_BYTES + 1).fill(0x41));
    expect(error.code).toBe("too_large");
    expect(error.message).toMatch(/5 MB/);
  });

  it("refuses a zip that is not a Word document, and a broken .docx", async () => {
    const zip = utf8("PK\u0003\u0004 this is a zip of spreadsheets xl/workbook.xml");
    expect((await importErrorOf("表格.xlsx", zip)).code).toBe("unsupported_archive");
    const broken = utf8("PK\u0003\u0004 word/document.xml but not really a zip");
    expect((await importErrorOf("坏的.docx", broken)).code).toBe("docx_unreadable");
  });

  it("refuses text in an encoding it cannot recognise", async () => {
    // Latin-1 accented text: not UTF-8, and as GB18030 it is not Chinese text either.
    const latin1 = new Uint8Array(Buffer.from("Résumé des activités: élève, été, année, ÿ ü ö ä ß ø å æ".repeat(4), "latin1"));
    expect((await importErrorOf("summary.txt", latin1)).code).toBe("unknown_encoding");
  });

  it("reads an empty .docx as empty", async () => {
    const doc = new Document({ sections: [{ children: [new Paragraph({ text: "" })] }] });
    const error = await importErrorOf("空.docx", new Uint8Array(await Packer.toBuffer(doc)));
    expect(error.code).toBe("empty");
  });

  it("is an Error with a stable code", () => {
    const error = new ImportError("empty", "文件是空的");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ImportError");
  });
});
