/**
 * The 计划台账 (planning grid): its columns, and everything that turns what a person typed,
 * pasted or kept in Excel into typed changes of a task — dates as offices write them, unit and
 * leader names matched exactly or by a unique prefix (never guessed), numbers, tab-separated
 * blocks mapped onto the grid, and the diff against the current rows. Pure: the route, the
 * .xlsx reader and the tests share it.
 */
import type { NamedRef } from "~/lib/board";
import type { EditableTask } from "~/lib/task-merge";

/** The editable values of one 台账 row; the first metric of a task is its row's 指标. */
export interface LedgerValues {
  title: string;
  category: string;
  leaderId: number | null;
  leadUnitId: number | null;
  supportUnitIds: number[];
  dueDate: string | null;
  metricName: string;
  metricTarget: number | null;
  metricUnit: string;
}

export type LedgerField = keyof LedgerValues;

export interface LedgerColumn {
  key: LedgerField | "code" | "status";
  header: string;
  editable: boolean;
  /** Width in characters for the .xlsx (a CJK character counts about two). */
  width: number;
}

/** The grid's and the .xlsx's columns, left to right. */
export const LEDGER_COLUMNS: readonly LedgerColumn[] = [
  { key: "code", header: "编号", editable: false, width: 10 },
  { key: "title", header: "工作任务", editable: true, width: 40 },
  { key: "category", header: "类别", editable: true, width: 12 },
  { key: "leaderId", header: "责任领导", editable: true, width: 10 },
  { key: "leadUnitId", header: "牵头单位", editable: true, width: 16 },
  { key: "supportUnitIds", header: "配合单位", editable: true, width: 24 },
  { key: "dueDate", header: "完成时限", editable: true, width: 16 },
  { key: "metricName", header: "指标名称", editable: true, width: 20 },
  { key: "metricTarget", header: "目标值", editable: true, width: 10 },
  { key: "metricUnit", header: "计量单位", editable: true, width: 9 },
  { key: "status", header: "状态", editable: false, width: 9 },
];

export const LEDGER_FIELDS = LEDGER_COLUMNS.filter((c) => c.editable).map((c) => c.key as LedgerField);

export const FIELD_LABELS: Record<LedgerField, string> = Object.fromEntries(
  LEDGER_COLUMNS.filter((c) => c.editable).map((c) => [c.key, c.header]),
) as Record<LedgerField, string>;

export function isLedgerField(value: unknown): value is LedgerField {
  return typeof value === "string" && (LEDGER_FIELDS as readonly string[]).includes(value);
}

/** The names a 台账 cell may refer to. */
export interface LedgerRefs {
  year: number;
  leaders: NamedRef[];
  units: NamedRef[];
}

/** One 台账 row as the page shows it. */
export interface LedgerRow extends LedgerValues {
  id: number;
  version: number;
  code: string;
  status: string;
  /** Metrics beyond the first (edited on the task's own page). */
  extraMetrics: number;
}

export type CellResult<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): CellResult<T> => ({ ok: true, value });
const error = (message: string): CellResult<never> => ({ ok: false, error: message });

/**
 * Full-width digits, letters, signs and spaces as ASCII; trimmed. WPS and IMEs often leave them
 * in names, dates and numbers (never applied to free text: "，" in a title stays).
 */
export function normalizeText(raw: string): string {
  return raw
    .replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0b\uff0d\uff0e\uff0f\uff05]/g, (c) =>
      String.fromCharCode(c.charCodeAt(0) - 0xfee0),
    )
    .replace(/[\u3000\u00a0]/g, " ")
    .trim();
}

// ---------------------------------------------------------------- dates

const pad = (n: number) => String(n).padStart(2, "0");

function dateKeyOf(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1) return null;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > last) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Excel's day 0 is 1899-12-30 (its 1900 leap-year bug folded in). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * A 完成时限 as Excel and WPS hand it over: a date cell (a Date at UTC midnight, or its serial
 * number), "2025-06-30", "2025/6/30", "2025.6.30", "2025年6月30日", "6月30日" and "6.30" (the plan's year),
 * "6月底" / "2025年6月底" (the month's last day), "年底". Anything vaguer ("6月", "上半年",
 * "6月中旬") is an error: a deadline is never guessed.
 */
export function parseLedgerDate(raw: unknown, planYear: number): CellResult<string | null> {
  if (raw == null) return ok(null);
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return error("日期无效。");
    return ok(`${raw.getUTCFullYear()}-${pad(raw.getUTCMonth() + 1)}-${pad(raw.getUTCDate())}`);
  }
  if (typeof raw === "number") {
    if (!Number.isInteger(raw) || raw < 1 || raw > 2958465) return error(`「${raw}」不是日期。`);
    const date = new Date(EXCEL_EPOCH_MS + raw * 86_400_000);
    return ok(date.toISOString().slice(0, 10));
  }
  const text = normalizeText(String(raw)).replace(/\s+/g, "");
  if (text === "") return ok(null);
  const bad = error(`无法识别的日期「${text}」，请写成 2025年6月30日、2025-06-30 或 6月底。`);
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text);
  if (m) return asDate(dateKeyOf(+m[1], +m[2], +m[3]), text);
  // "6.30", "6/30", "6-30": month and day of the plan's year, as offices shorten a deadline.
  m = /^(\d{1,2})[-/.](\d{1,2})$/.exec(text);
  if (m) return asDate(dateKeyOf(planYear, +m[1], +m[2]), text);
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (m) return asDate(dateKeyOf(+m[1], +m[2], +m[3]), text);
  m = /^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?(?:前|之前)?$/.exec(text);
  if (m) return asDate(dateKeyOf(m[1] ? +m[1] : planYear, +m[2], +m[3]), text);
  m = /^(?:(\d{4})年)?(\d{1,2})月(?:底|末|份底)(?:前|之前)?$/.exec(text);
  if (m) {
    const year = m[1] ? +m[1] : planYear;
    const month = +m[2];
    if (month < 1 || month > 12) return bad;
    return ok(dateKeyOf(year, month, lastDayOf(year, month)));
  }
  m = /^(?:(\d{4})年)?(?:年底|年末|底)(?:前|之前)?$/.exec(text);
  if (m && (m[1] || text.startsWith("年"))) return ok(`${m[1] ? +m[1] : planYear}-12-31`);
  if (/^(?:(\d{4})年)?\d{1,2}月$/.test(text)) return error(`「${text}」只写到月份：请写明哪一天，或写「${text}底」。`);
  return bad;
}

function asDate(key: string | null, text: string): CellResult<string | null> {
  return key ? ok(key) : error(`「${text}」不是有效日期。`);
}

/** "2025年6月30日" for a date key; what the grid and the preview show. */
export function dateText(key: string | null): string {
  if (!key) return "";
  const [y, m, d] = key.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

// ---------------------------------------------------------------- names

/**
 * A unit or leader by name: the exact name, else the one name that starts with what was
 * written ("东晟" → 东晟社区). Nothing or several matches is an error naming the candidates.
 */
export function matchName(raw: string, options: readonly NamedRef[], what: string): CellResult<NamedRef> {
  const text = normalizeText(raw);
  const exact = options.filter((o) => o.name === text);
  if (exact.length === 1) return ok(exact[0]);
  if (exact.length > 1) return error(`有${exact.length}个${what}都叫「${text}」，请到任务页面中选择。`);
  const prefixed = text === "" ? [] : options.filter((o) => o.name.startsWith(text));
  if (prefixed.length === 1) return ok(prefixed[0]);
  if (prefixed.length > 1) {
    return error(`「${text}」可指${prefixed.map((o) => o.name).join("、")}，请写全称。`);
  }
  return error(`没有名为「${text}」的${what}。`);
}

const LIST_SEPARATORS = /[、，,；;\n/]+/;

// ---------------------------------------------------------------- cells

const MAX_LENGTHS: Partial<Record<LedgerField, number>> = { title: 120, category: 30, metricName: 40, metricUnit: 10 };

/** A number as offices type it: "1,200", "１２０", "4.5%" (the % is the unit's business). */
export function parseTarget(raw: unknown): CellResult<number | null> {
  if (raw == null) return ok(null);
  if (typeof raw === "number") return Number.isFinite(raw) ? ok(raw) : error("目标值须为数字。");
  const text = normalizeText(String(raw))
    .replace(/[,，\s]/g, "")
    .replace(/%$/, "");
  if (text === "") return ok(null);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(text)) return error(`目标值「${normalizeText(String(raw))}」不是数字。`);
  return ok(Number(text));
}

/** Whatever a cell held (text, number, date) as the value of one field, or why not. */
export function parseCell<F extends LedgerField>(field: F, raw: unknown, refs: LedgerRefs): CellResult<LedgerValues[F]> {
  return parseAnyCell(field, raw, refs) as CellResult<LedgerValues[F]>;
}

export function parseAnyCell(field: LedgerField, raw: unknown, refs: LedgerRefs): CellResult<LedgerValues[LedgerField]> {
  if (field === "dueDate") return parseLedgerDate(raw, refs.year);
  if (field === "metricTarget") return parseTarget(raw);
  const text = raw instanceof Date ? dateText(rawText(raw) || null) : rawText(raw).trim();
  switch (field) {
    case "leaderId": {
      if (text === "") return ok(null);
      const found = matchName(text, refs.leaders, "责任领导");
      return found.ok ? ok(found.value.id) : found;
    }
    case "leadUnitId": {
      if (text === "") return ok(null);
      const found = matchName(text, refs.units, "单位");
      return found.ok ? ok(found.value.id) : found;
    }
    case "supportUnitIds": {
      const ids: number[] = [];
      for (const part of text
        .split(LIST_SEPARATORS)
        .map((p) => p.trim())
        .filter(Boolean)) {
        const found = matchName(part, refs.units, "单位");
        if (!found.ok) return found;
        if (!ids.includes(found.value.id)) ids.push(found.value.id);
      }
      return ok(ids);
    }
    default: {
      const max = MAX_LENGTHS[field] ?? 200;
      if (field === "title" && text === "") return error("工作任务不能为空。");
      if (text.length > max) return error(`${FIELD_LABELS[field]}不能超过${max}个字。`);
      return ok(text);
    }
  }
}

/** A field's value as the grid shows it and as it is written back into a cell. */
export function fieldText(values: LedgerValues, field: LedgerField, refs: Pick<LedgerRefs, "leaders" | "units">): string {
  const nameOf = (list: readonly NamedRef[], id: number | null) => (id == null ? "" : (list.find((o) => o.id === id)?.name ?? `#${id}`));
  switch (field) {
    case "leaderId":
      return nameOf(refs.leaders, values.leaderId);
    case "leadUnitId":
      return nameOf(refs.units, values.leadUnitId);
    case "supportUnitIds":
      return values.supportUnitIds.map((id) => nameOf(refs.units, id)).join("、");
    case "dueDate":
      return dateText(values.dueDate);
    case "metricTarget":
      return values.metricTarget == null ? "" : String(values.metricTarget);
    default:
      return values[field] as string;
  }
}

/** One field in a comparable form: unit order does not matter. */
export function comparableValue(values: LedgerValues, field: LedgerField): string {
  const value = values[field];
  if (field === "supportUnitIds") return JSON.stringify([...(value as number[])].sort((a, b) => a - b));
  return JSON.stringify(value ?? "");
}

// ---------------------------------------------------------------- between a task and its row

/** The row values of a task being edited (its first metric is the row's 指标). */
export function ledgerValuesOf(task: EditableTask): LedgerValues {
  const metric = task.metrics[0];
  return {
    title: task.title,
    category: task.category,
    leaderId: task.leadUserId,
    leadUnitId: task.leadUnitId,
    supportUnitIds: task.supportUnitIds,
    dueDate: task.dueDate,
    metricName: metric?.name ?? "",
    metricTarget: metric?.target ?? null,
    metricUnit: metric?.unit ?? "",
  };
}

/** The name given to a row's metric created by typing only its target. */
export const DEFAULT_METRIC_NAME = "年度目标";

/**
 * `task` with the row's changes laid over it: the edit the task's own page would have sent.
 * A lead unit also listed as 配合单位 is dropped from those. A metric is created when the row
 * had none and a metric value was given; a first metric whose name is cleared is deleted.
 */
export function applyLedgerValues(task: EditableTask, changes: Partial<LedgerValues>): EditableTask {
  const next: EditableTask = { ...task, metrics: [...task.metrics] };
  if (changes.title !== undefined) next.title = changes.title;
  if (changes.category !== undefined) next.category = changes.category;
  if (changes.leaderId !== undefined) next.leadUserId = changes.leaderId;
  if (changes.leadUnitId !== undefined) next.leadUnitId = changes.leadUnitId;
  if (changes.supportUnitIds !== undefined) next.supportUnitIds = changes.supportUnitIds;
  if (changes.dueDate !== undefined) next.dueDate = changes.dueDate;
  if (next.leadUnitId != null) next.supportUnitIds = next.supportUnitIds.filter((id) => id !== next.leadUnitId);
  const touchesMetric = changes.metricName !== undefined || changes.metricTarget !== undefined || changes.metricUnit !== undefined;
  if (touchesMetric) {
    const first = next.metrics[0];
    if (first) {
      const name = changes.metricName ?? first.name;
      if (name === "") next.metrics = next.metrics.slice(1);
      else
        next.metrics[0] = {
          ...first,
          name,
          target: changes.metricTarget !== undefined ? changes.metricTarget : first.target,
          unit: changes.metricUnit ?? first.unit,
        };
    } else if ((changes.metricName ?? "") !== "" || changes.metricTarget != null || (changes.metricUnit ?? "") !== "") {
      next.metrics = [
        {
          id: null,
          name: changes.metricName || DEFAULT_METRIC_NAME,
          unit: changes.metricUnit ?? "",
          baseline: null,
          target: changes.metricTarget ?? null,
          direction: "up",
          aggregation: "sum",
        },
      ];
    }
  }
  return next;
}

// ---------------------------------------------------------------- bulk changes

export interface BulkChange {
  leaderId?: number | null;
  leadUnitId?: number | null;
  addSupportUnitIds?: number[];
  removeSupportUnitIds?: number[];
  dueDate?: string | null;
  category?: string;
}

/** A bulk change as one row's changes (配合单位 added to / removed from what the row has). */
export function bulkValues(row: LedgerValues, bulk: BulkChange): Partial<LedgerValues> {
  const changes: Partial<LedgerValues> = {};
  if (bulk.leaderId !== undefined) changes.leaderId = bulk.leaderId;
  if (bulk.leadUnitId !== undefined) changes.leadUnitId = bulk.leadUnitId;
  if (bulk.dueDate !== undefined) changes.dueDate = bulk.dueDate;
  if (bulk.category !== undefined) changes.category = bulk.category;
  if (bulk.addSupportUnitIds?.length || bulk.removeSupportUnitIds?.length) {
    const removed = new Set(bulk.removeSupportUnitIds ?? []);
    const next = row.supportUnitIds.filter((id) => !removed.has(id));
    for (const id of bulk.addSupportUnitIds ?? []) if (!next.includes(id) && !removed.has(id)) next.push(id);
    changes.supportUnitIds = next;
  }
  return changes;
}

/** A cell's content as text, for the preview and to send back when applying. */
export function rawText(raw: unknown): string {
  if (raw == null) return "";
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? "" : raw.toISOString().slice(0, 10);
  return String(raw);
}
