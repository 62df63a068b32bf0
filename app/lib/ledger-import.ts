// The 计划台账's imports: a block pasted from Excel/WPS mapped onto the grid, each row's cells
// read against the task as it is (changes, refusals with their reason, new rows), and the
// .xlsx sheet the page exports and takes back. Pure: the route and the models do the I/O.
import { mergeFields } from "~/lib/task-merge";
import {
  rawText,
  LEDGER_COLUMNS,
  LEDGER_FIELDS,
  type LedgerField,
  type LedgerRefs,
  type LedgerValues,
  comparableValue,
  fieldText,
  normalizeText,
  parseAnyCell,
} from "~/lib/ledger";

// ---------------------------------------------------------------- paste

/**
 * A block copied from Excel or WPS: rows by newline, cells by tab; a cell holding a tab, a
 * newline or a quote comes quoted ("a""b"). A trailing newline (Excel always adds one) is no row.
 */
export function parseTsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let i = 0;
  const input = text.replace(/\r\n?/g, "\n");
  let atCellStart = true;
  while (i < input.length) {
    const c = input[i];
    if (atCellStart && c === '"') {
      // A quoted cell: up to the closing quote not followed by another quote.
      let j = i + 1;
      let value = "";
      let closed = false;
      while (j < input.length) {
        if (input[j] === '"') {
          if (input[j + 1] === '"') {
            value += '"';
            j += 2;
            continue;
          }
          closed = true;
          break;
        }
        value += input[j++];
      }
      const next = input[j + 1];
      if (closed && (next === undefined || next === "\t" || next === "\n")) {
        cell = value;
        i = j + 1;
        atCellStart = false;
        continue;
      }
    }
    atCellStart = false;
    if (c === "\t") {
      row.push(cell);
      cell = "";
      atCellStart = true;
    } else if (c === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      atCellStart = true;
    } else cell += c;
    i++;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export interface PastedCell {
  rowId: number;
  field: LedgerField;
  raw: string;
}

export interface PasteMapping {
  cells: PastedCell[];
  /** Why some of the block was left out (more rows or columns than the grid has from there). */
  notes: string[];
}

/**
 * Lays a pasted block onto the grid from the focused cell: row by row over `rowIds` (the rows
 * as shown), column by column over LEDGER_COLUMNS; the read-only columns (编号, 状态) are skipped
 * over, as are cells beyond the grid (with a note).
 */
export function mapPasteBlock(block: string[][], rowIds: readonly number[], startRow: number, startColumn: number): PasteMapping {
  const cells: PastedCell[] = [];
  const notes: string[] = [];
  let extraRows = 0;
  let extraColumns = 0;
  block.forEach((values, r) => {
    const rowId = rowIds[startRow + r];
    if (rowId === undefined) {
      extraRows++;
      return;
    }
    values.forEach((raw, c) => {
      const column = LEDGER_COLUMNS[startColumn + c];
      if (!column) {
        extraColumns = Math.max(extraColumns, c - (LEDGER_COLUMNS.length - startColumn) + 1);
        return;
      }
      if (!column.editable) return;
      cells.push({ rowId, field: column.key as LedgerField, raw });
    });
  });
  if (extraRows > 0) notes.push(`粘贴内容比表格多出${extraRows}行，多出的行未使用。`);
  if (extraColumns > 0) notes.push(`粘贴内容比表格多出${extraColumns}列，多出的列未使用。`);
  return { cells, notes };
}

// ---------------------------------------------------------------- previews

export interface CellChange {
  field: LedgerField;
  before: string;
  after: string;
  /** What is sent to apply it: the cell's text, parsed again when it is applied. */
  raw: string;
}

export interface CellRefusal {
  field: LedgerField;
  raw: string;
  message: string;
}

export interface RowPlan {
  taskId: number;
  version: number;
  code: string;
  title: string;
  changes: CellChange[];
  refused: CellRefusal[];
}

export interface RowInput {
  /** The version the cells were edited from (an exported file's); null: the current one. */
  version: number | null;
  cells: { field: LedgerField; raw: unknown }[];
}

export interface RowState {
  current: LedgerValues & { id: number; version: number; code: string };
  /** The row at the version the cells were edited from, when older than the current one (null: unknown). */
  base: LedgerValues | null;
}

/**
 * What applying one row's cells would change. Each cell is parsed (errors refused with their
 * reason) and merged three-way with mergeFields, the board's rule: a cell equal to the version
 * it was edited from keeps what others saved since; a cell others also changed differently is
 * refused as a conflict; a cell equal to the current value is no change.
 */
export function planRow(state: RowState, input: RowInput, refs: LedgerRefs): RowPlan {
  const { current } = state;
  const stale = input.version != null && input.version < current.version;
  const base = stale ? state.base : current;
  const refused: CellRefusal[] = [];
  const mine: LedgerValues = { ...current, supportUnitIds: [...current.supportUnitIds] };
  const fields: LedgerField[] = [];
  const rawOf = new Map<LedgerField, string>();
  for (const cell of input.cells) {
    const parsed = parseAnyCell(cell.field, cell.raw, refs);
    const raw = rawText(cell.raw);
    if (!parsed.ok) {
      refused.push({ field: cell.field, raw, message: parsed.error });
      continue;
    }
    (mine as unknown as Record<LedgerField, unknown>)[cell.field] = parsed.value;
    fields.push(cell.field);
    rawOf.set(cell.field, raw);
  }
  if (mine.leadUnitId != null && fields.includes("supportUnitIds")) {
    mine.supportUnitIds = mine.supportUnitIds.filter((id) => id !== mine.leadUnitId);
  }
  const keyed = (values: LedgerValues) =>
    Object.fromEntries(fields.map((f) => [f, comparableValue(values, f)])) as Record<LedgerField, string>;
  const merge = mergeFields(fields, base ? keyed(base) : null, keyed(current), keyed(mine));
  for (const field of merge.conflicts) {
    refused.push({
      field,
      raw: rawOf.get(field) ?? "",
      message: `已被他人修改：现为「${fieldText(current, field, refs) || "（空）"}」，请核对后重新填写。`,
    });
  }
  const changes: CellChange[] = merge.mine.map((field) => ({
    field,
    before: fieldText(current, field, refs),
    after: fieldText(mine, field, refs),
    raw: rawOf.get(field) ?? "",
  }));
  const order = (f: LedgerField) => LEDGER_FIELDS.indexOf(f);
  changes.sort((a, b) => order(a.field) - order(b.field));
  refused.sort((a, b) => order(a.field) - order(b.field));
  return { taskId: current.id, version: current.version, code: current.code, title: current.title, changes, refused };
}

export interface NewRowPlan {
  /** The row's number in the sheet (for messages). */
  line: number;
  values: Partial<LedgerValues> & { title: string };
  cells: CellChange[];
  refused: CellRefusal[];
}

/** A sheet row without a task id: a new task, unless a task of that title already exists. */
export function planNewRow(
  line: number,
  cells: { field: LedgerField; raw: unknown }[],
  refs: LedgerRefs,
  existingTitles: ReadonlySet<string>,
): NewRowPlan | null {
  const values: Partial<LedgerValues> = {};
  const shown: CellChange[] = [];
  const refused: CellRefusal[] = [];
  for (const cell of cells) {
    if (rawText(cell.raw).trim() === "") continue;
    const parsed = parseAnyCell(cell.field, cell.raw, refs);
    if (!parsed.ok) {
      refused.push({ field: cell.field, raw: rawText(cell.raw), message: parsed.error });
      continue;
    }
    (values as Record<LedgerField, unknown>)[cell.field] = parsed.value;
  }
  const title = typeof values.title === "string" ? values.title : "";
  if (title === "" || existingTitles.has(title)) return null;
  const full: LedgerValues = {
    title,
    category: "",
    leaderId: null,
    leadUnitId: null,
    supportUnitIds: [],
    dueDate: null,
    metricName: "",
    metricTarget: null,
    metricUnit: "",
    ...values,
  };
  for (const cell of cells) {
    if (!(cell.field in values)) continue;
    shown.push({ field: cell.field, before: "", after: fieldText(full, cell.field, refs), raw: rawText(cell.raw) });
  }
  return { line, values: { ...values, title }, cells: shown, refused };
}

// ---------------------------------------------------------------- the .xlsx sheet

export const SHEET_NAME = "计划台账";
/** A 台账 of a few hundred tasks is well under 200 KB; 2 MB is generous. */
export const LEDGER_XLSX_MAX_BYTES = 2 * 1024 * 1024;
/** Hidden columns after the visible ones: what ties a sheet row to its task. */
export const ID_HEADER = "任务ID（请勿修改）";
export const VERSION_HEADER = "版本（请勿修改）";

/** A cell as read from a sheet: text, a number, a date cell, or empty. */
export type SheetValue = string | number | boolean | Date | null;

export interface SheetRow {
  /** The row's number in the sheet, for messages ("第12行"). */
  line: number;
  taskId: number | null;
  version: number | null;
  cells: { field: LedgerField; raw: SheetValue }[];
}

/**
 * The 台账 rows of a sheet read as a table (first row: headers, as exported; a title row above
 * them is allowed). Columns are found by their header, so moved or deleted columns are fine;
 * a missing 工作任务 or 任务ID column makes the sheet unreadable.
 */
export function readLedgerTable(table: readonly (readonly SheetValue[])[]): { rows: SheetRow[] } | { error: string } {
  const headerIndex = table.slice(0, 5).findIndex((row) => row.some((v) => typeof v === "string" && normalizeText(v) === "工作任务"));
  if (headerIndex < 0) return { error: "表格中找不到「工作任务」列：请上传从计划台账导出的表格。" };
  const headers = table[headerIndex].map((v) => (typeof v === "string" ? normalizeText(v) : ""));
  const columnOf = new Map<LedgerField, number>();
  for (const column of LEDGER_COLUMNS) {
    const index = headers.indexOf(column.header);
    if (column.editable && index >= 0) columnOf.set(column.key as LedgerField, index);
  }
  const idColumn = headers.indexOf(normalizeText(ID_HEADER));
  const versionColumn = headers.indexOf(normalizeText(VERSION_HEADER));
  // Without the hidden ids every row would look new: another sheet (the 工作台账 of the KPI
  // page, a hand-made table) is refused rather than offered as a second copy of the plan.
  if (idColumn < 0) return { error: "表格中没有「任务ID」列：请先在本页点“导出台账”，在导出的表格上修改后再导入。" };
  const rows: SheetRow[] = [];
  table.slice(headerIndex + 1).forEach((row, offset) => {
    if (row.every((v) => v == null || (typeof v === "string" && v.trim() === ""))) return;
    const idValue = idColumn >= 0 ? row[idColumn] : null;
    const versionValue = versionColumn >= 0 ? row[versionColumn] : null;
    const asId = (v: SheetValue) => {
      const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
      return Number.isInteger(n) && n > 0 ? n : null;
    };
    rows.push({
      line: headerIndex + offset + 2,
      taskId: asId(idValue ?? null),
      version: asId(versionValue ?? null),
      cells: [...columnOf].map(([field, index]) => ({ field, raw: row[index] ?? null })),
    });
  });
  return { rows };
}
