// The 计划台账 as an .xlsx (exceljs) and back. The sheet has the page's columns plus two hidden
// ones (任务ID, 版本) that tie a row to its task and to the version it was exported at. A file
// taken back is bounded before it is opened (bytes, declared unzipped sizes) and read on a
// worker thread under a time and memory limit, so a large or hostile file never holds up the
// server's other requests.
import { createRequire } from "node:module";
import type ExcelJS from "exceljs";
import { excelDate } from "~/lib/kpi-ledger";
import { LEDGER_COLUMNS, fieldText, type LedgerRefs, type LedgerRow } from "~/lib/ledger";
import { ID_HEADER, LEDGER_XLSX_MAX_BYTES, SHEET_NAME, VERSION_HEADER, type SheetValue } from "~/lib/ledger-import";
import { badRequest, payloadTooLarge } from "~/lib/refusal";
import { oneAtATime, runWorker } from "~/lib/worker-job";

const loadPackage = createRequire(import.meta.url);

/** All parts of the zip together, opened. */
export const LEDGER_XLSX_UNZIPPED_MAX_BYTES = 30 * 1024 * 1024;
export const LEDGER_XLSX_MAX_ROWS = 2000;
const READ_TIME_LIMIT_MS = 15_000;

const DATE_FORMAT = 'yyyy"年"m"月"d"日"';

export async function buildLedgerXlsx(title: string, rows: readonly LedgerRow[], refs: LedgerRefs): Promise<Buffer> {
  const Excel = loadPackage("exceljs") as typeof ExcelJS;
  const book = new Excel.Workbook();
  book.title = title;
  addLedgerSheet(book, rows, refs);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * A list sheet: the header row (and the first `frozenColumns` columns) stay in view, printed
 * landscape on A4 as wide as one page with the header on every page.
 */
export function addListSheet(book: ExcelJS.Workbook, name: string, frozenColumns: number): ExcelJS.Worksheet {
  return book.addWorksheet(name, {
    views: [{ state: "frozen", ySplit: 1, xSplit: frozenColumns }],
    pageSetup: { paperSize: 9, orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: "1:1" },
  });
}

/** The look of a list sheet's header row: bold, centred, wrapped, on light blue. */
export function styleHeaderRow(header: ExcelJS.Row): void {
  header.font = { bold: true };
  header.alignment = { vertical: "middle", horizontal: "center", wrapText: true };
  header.height = 24;
  header.eachCell((cell) => {
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8EEFC" } };
  });
}

/** The 计划台账 sheet (also added to the KPI page's 工作台账, so that file can be taken back too). */
export function addLedgerSheet(book: ExcelJS.Workbook, rows: readonly LedgerRow[], refs: LedgerRefs): void {
  const sheet = addListSheet(book, SHEET_NAME, 2);
  sheet.columns = [
    ...LEDGER_COLUMNS.map((c) => ({ header: c.header, width: c.width })),
    { header: ID_HEADER, width: 10, hidden: true },
    { header: VERSION_HEADER, width: 8, hidden: true },
  ];
  styleHeaderRow(sheet.getRow(1));
  for (const row of rows) {
    const values = LEDGER_COLUMNS.map((c) => {
      if (c.key === "code") return row.code;
      if (c.key === "status") return row.status;
      if (c.key === "dueDate") return row.dueDate ? excelDate(row.dueDate) : null;
      if (c.key === "metricTarget") return row.metricTarget;
      return fieldText(row, c.key, refs);
    });
    const added = sheet.addRow([...values, row.id, row.version]);
    added.alignment = { vertical: "top", wrapText: true };
    added.getCell(LEDGER_COLUMNS.findIndex((c) => c.key === "dueDate") + 1).numFmt = DATE_FORMAT;
  }
}

/** The declared unzipped sizes (nothing is inflated): a zip bomb is refused before it is opened. */
function assertUnzippedSizeFits(bytes: Uint8Array): void {
  const { unzipSync } = loadPackage("fflate") as typeof import("fflate");
  let total = 0;
  try {
    unzipSync(bytes, {
      filter(file) {
        total += file.originalSize;
        return false;
      },
    });
  } catch {
    badRequest("无法读取该文件：请上传 Excel 或 WPS 保存的 .xlsx 表格。");
  }
  if (total > LEDGER_XLSX_UNZIPPED_MAX_BYTES) payloadTooLarge("表格解压后过大，已拒绝。请只保留计划台账一张工作表后重新上传。");
}

// Runs in the worker: opens the workbook with exceljs and sends back the 台账 sheet as plain
// values (dates as {date: ISO}), at most maxRows rows.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ExcelJS = require(workerData.exceljs);
function plain(value) {
  if (value == null) return null;
  if (value instanceof Date) return { date: value.toISOString() };
  if (typeof value === "object") {
    if (Array.isArray(value.richText)) return value.richText.map((r) => r.text).join("");
    if ("result" in value) return plain(value.result);
    if ("text" in value) return plain(value.text);
    if ("error" in value) return null;
    return null;
  }
  return value;
}
(async () => {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(workerData.bytes));
  const sheet = book.getWorksheet(workerData.sheetName) || book.worksheets[0];
  if (!sheet) return parentPort.postMessage({ error: "empty" });
  if (sheet.rowCount > workerData.maxRows + 5) return parentPort.postMessage({ error: "rows" });
  const table = [];
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const values = [];
    for (let c = 1; c <= Math.min(sheet.columnCount, 40); c++) values.push(plain(row.getCell(c).value));
    table.push(values);
  }
  parentPort.postMessage({ table });
})().catch(() => parentPort.postMessage({ error: "unreadable" }));
`;

const enqueueRead = oneAtATime(4, () => new Error("busy"));

type WorkerValue = string | number | boolean | { date: string } | null;

/** The 台账 sheet of an uploaded .xlsx as a table of plain values, or a Chinese refusal. */
export async function readLedgerXlsx(bytes: Uint8Array): Promise<SheetValue[][]> {
  if (bytes.byteLength === 0) badRequest("请选择要导入的 .xlsx 文件。");
  if (bytes.byteLength > LEDGER_XLSX_MAX_BYTES) payloadTooLarge("文件超过 2 MB 的上限，已拒绝。");
  assertUnzippedSizeFits(bytes);
  let result: { table?: WorkerValue[][]; error?: string };
  try {
    result = await enqueueRead(() =>
      runWorker({
        script: WORKER_SOURCE,
        options: {
          eval: true,
          workerData: { bytes, exceljs: loadPackage.resolve("exceljs"), sheetName: SHEET_NAME, maxRows: LEDGER_XLSX_MAX_ROWS },
          resourceLimits: { maxOldGenerationSizeMb: 384, maxYoungGenerationSizeMb: 64 },
        },
        timeLimitMs: READ_TIME_LIMIT_MS,
        onMessage: (message: { table?: WorkerValue[][]; error?: string }) => message,
        onTimeout: () => new Error("timeout"),
        onError: () => new Error("unreadable"),
        onExit: () => new Error("unreadable"),
      }),
    );
  } catch (error) {
    if ((error as Error).message === "busy") badRequest("正在处理其他导入，请稍后再试。");
    return badRequest("无法读取该文件：请上传 Excel 或 WPS 保存的 .xlsx 表格。");
  }
  if (result.error === "rows") payloadTooLarge(`表格超过${LEDGER_XLSX_MAX_ROWS}行，已拒绝。`);
  if (!result.table) badRequest("无法读取该文件：请上传 Excel 或 WPS 保存的 .xlsx 表格。");
  return result.table.map((row) =>
    row.map((value) => (value && typeof value === "object" ? new Date((value as { date: string }).date) : (value as SheetValue))),
  );
}
