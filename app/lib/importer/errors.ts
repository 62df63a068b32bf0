/**
 * The one error type the importer throws on purpose. `code` is stable for programs,
 * `message` is Chinese and tells the user what went wrong and what to do about it.
 */
export type ImportErrorCode =
  | "empty"
  | "too_large"
  | "binary"
  | "unsupported_doc"
  | "unsupported_pdf"
  | "unsupported_image"
  | "unsupported_rtf"
  | "unsupported_archive"
  | "docx_unreadable"
  | "docx_too_large"
  | "docx_busy"
  | "text_too_long"
  | "analysis_busy"
  | "analysis_too_slow"
  | "analysis_too_large"
  | "unknown_encoding";

export class ImportError extends Error {
  readonly code: ImportErrorCode;

  constructor(code: ImportErrorCode, message: string) {
    super(message);
    this.name = "ImportError";
    this.code = code;
  }
}

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/** The most text one import takes, from a file or the paste box alike. */
// A long 政府工作报告 is about 30,000 characters; 500,000 leaves room for appendices while
// keeping the preview of any accepted text a page a browser can draw.
export const MAX_IMPORT_TEXT_CHARS = 500_000;

/** Chinese messages kept together so the wording stays consistent. */
export const importErrorMessages: Record<ImportErrorCode, string> = {
  empty: "文件是空的，没有可导入的文字。请检查是否选错了文件。",
  too_large: "文件超过 5 MB，无法导入。工作总结一般只有几十 KB，请确认选择的是总结正文（.txt 或 .docx）。",
  binary: "文件内容不是文字（看起来是程序或其他二进制文件），无法导入。请上传 .txt 或 .docx 格式的工作总结。",
  unsupported_doc: "暂不支持 .doc 格式，请在 Word 中另存为 .docx 后重新上传。",
  unsupported_pdf: "暂不支持 PDF 文件。请在 Word 或 WPS 中打开原稿并另存为 .docx，或复制全文保存为 .txt 后重新上传。",
  unsupported_image: "这是一张图片，无法从中读取文字。请上传工作总结的 .docx 或 .txt 文件。",
  unsupported_rtf: "暂不支持 RTF 格式，请在 Word 中另存为 .docx 后重新上传。",
  unsupported_archive: "这是一个压缩包或其他 Office 文件，不是 Word 文档。请上传工作总结的 .docx 或 .txt 文件。",
  docx_unreadable: "无法读取这个 .docx 文件，文件可能已损坏。请在 Word 中打开并重新保存为 .docx 后再上传。",
  docx_too_large:
    "这个 .docx 文件打开后的内容超过 20 MB，无法导入（工作总结打开后一般不到 1 MB）。文件可能已损坏或含有异常内容，请在 Word 中打开并另存为 .docx，或复制正文粘贴导入。",
  docx_busy: "正在处理其他人上传的 .docx 文件，请稍等半分钟后重新上传。",
  analysis_busy: "正在识别其他人提交的总结，请稍等半分钟后重新提交。",
  analysis_too_slow: "这份文字太长或结构太复杂，未能在规定时间内识别完成。请只上传工作总结正文，或把它分成几部分分别导入。",
  analysis_too_large: "识别出的章节、条目或数字太多，不像一份工作总结，无法预览。请只上传工作总结正文，或把它分成几部分分别导入。",
  text_too_long: "文件中的文字超过50万字，无法导入。请只保留工作总结正文后重新上传。",
  unknown_encoding: "无法识别文件的文字编码。请用记事本或 WPS 打开后另存为 UTF-8 编码的 .txt 文件，再重新上传。",
};

export function importError(code: ImportErrorCode): ImportError {
  return new ImportError(code, importErrorMessages[code]);
}
