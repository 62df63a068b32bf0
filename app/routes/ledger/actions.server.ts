// The 计划台账's actions, one per intent: a cell, a whole row (the no-JS form), a bulk change,
// a pasted block and an .xlsx file (each previewed, then applied). Every write goes through
// applyLedgerChanges: one transaction, the board's merge and one audit row per task.
import { data } from "@remix-run/node";
import {
  FIELD_LABELS,
  LEDGER_FIELDS,
  isLedgerField,
  parseCell,
  type BulkChange,
  type LedgerField,
  type LedgerRefs,
  type LedgerValues,
  bulkValues,
} from "~/lib/ledger";
import {
  mapPasteBlock,
  parseTsv,
  planNewRow,
  planRow,
  readLedgerTable,
  type CellRefusal,
  type NewRowPlan,
  type RowPlan,
} from "~/lib/ledger-import";
import { badRequest, isRefusal } from "~/lib/refusal";
import { parseRowId } from "~/lib/row-id";
import type { PlanInfo } from "~/models/plans.server";
import type { Actor } from "~/utils/permissions";
import { getDb } from "~/utils/db.server";
import {
  applyLedgerChanges,
  loadLedgerRows,
  loadRowStates,
  type LedgerConflictDetail,
  type LedgerEdit,
} from "~/routes/ledger/queries.server";
import { readLedgerXlsx } from "~/routes/ledger/xlsx.server";

/** The largest block a paste may hold (a plan has a few hundred tasks, 11 columns). */
const MAX_PASTE_CHARS = 200_000;

export interface LedgerPreview {
  source: "paste" | "import";
  rows: RowPlan[];
  newRows: NewRowPlan[];
  /** Rows of the file that name no task of this plan, and other notes. */
  notes: string[];
  /** What the confirm form sends back (the accepted cells, as text). */
  payload: string;
}

export type LedgerActionData =
  | { intent: "cell"; ok: true; taskId: number; field: LedgerField }
  | { intent: "cell"; ok: false; taskId: number; field: LedgerField; error: string }
  | { intent: "row"; ok: true; taskId: number }
  | { intent: "row"; ok: false; taskId: number; errors: Partial<Record<LedgerField, string>>; message: string }
  | { intent: "bulk" | "apply"; ok: true; message: string }
  | { intent: "bulk" | "apply" | "preview"; ok: false; message: string }
  | { intent: "preview"; ok: true; preview: LedgerPreview };

interface Payload {
  edits: { taskId: number; version: number; cells: { field: LedgerField; raw: string }[] }[];
  creates: { line: number; cells: { field: LedgerField; raw: string }[] }[];
}

function textOf(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

/** A refusal as the message shown at the form: a conflict lists the tasks others changed. */
function refusalMessage(thrown: unknown): { status: number; message: string } {
  if (!isRefusal(thrown)) throw thrown;
  return { status: thrown.status, message: thrown.message };
}

function parseValues(cells: { field: LedgerField; raw: unknown }[], refs: LedgerRefs) {
  const values: Partial<LedgerValues> = {};
  const errors: Partial<Record<LedgerField, string>> = {};
  for (const cell of cells) {
    const parsed = parseCell(cell.field, cell.raw, refs);
    if (parsed.ok) (values as Record<LedgerField, unknown>)[cell.field] = parsed.value;
    else errors[cell.field] = parsed.error;
  }
  return { values, errors };
}

export async function saveCell(actor: Actor, plan: PlanInfo, refs: LedgerRefs, formData: FormData) {
  const taskId = parseRowId(formData.get("taskId"));
  const version = parseRowId(formData.get("version"));
  const field = formData.get("field");
  if (taskId == null || version == null || !isLedgerField(field)) badRequest("请求内容有误，请刷新页面后重试。");
  const parsed = parseCell(field, textOf(formData, "value"), refs);
  if (!parsed.ok) return data<LedgerActionData>({ intent: "cell", ok: false, taskId, field, error: parsed.error }, { status: 400 });
  try {
    await applyLedgerChanges(getDb(), actor, plan.id, [{ taskId, version, values: { [field]: parsed.value } }]);
  } catch (thrown) {
    const { status, message } = refusalMessage(thrown);
    return data<LedgerActionData>({ intent: "cell", ok: false, taskId, field, error: message }, { status });
  }
  return data<LedgerActionData>({ intent: "cell", ok: true, taskId, field });
}

/** The no-JS form of a row: every field of the row at once, merged as the task's own edit form is. */
export async function saveRow(actor: Actor, plan: PlanInfo, refs: LedgerRefs, formData: FormData) {
  const taskId = parseRowId(formData.get("taskId"));
  const version = parseRowId(formData.get("version"));
  if (taskId == null || version == null) badRequest("请求内容有误，请刷新页面后重试。");
  const cells = LEDGER_FIELDS.filter((f) => formData.has(f)).map((field) => ({
    field,
    raw: field === "supportUnitIds" ? formData.getAll(field).map(String).join("、") : textOf(formData, field),
  }));
  const { values, errors } = parseValues(cells, refs);
  const problems = Object.keys(errors) as LedgerField[];
  if (problems.length > 0) {
    const message = `有${problems.length}处需要修改：${problems.map((f) => `${FIELD_LABELS[f]}：${errors[f]}`).join("；")}`;
    return data<LedgerActionData>({ intent: "row", ok: false, taskId, errors, message }, { status: 400 });
  }
  try {
    await applyLedgerChanges(getDb(), actor, plan.id, [{ taskId, version, values }]);
  } catch (thrown) {
    const { status, message } = refusalMessage(thrown);
    return data<LedgerActionData>({ intent: "row", ok: false, taskId, errors: {}, message }, { status });
  }
  return data<LedgerActionData>({ intent: "row", ok: true, taskId });
}

/** "12:3,15:1": the selected rows and the versions the page showed. */
function selectedRows(formData: FormData): { taskId: number; version: number }[] {
  // The page sends "rows"; without JavaScript each ticked checkbox posts itself as "row".
  const text = [textOf(formData, "rows"), ...formData.getAll("row").map(String)].join(",");
  const rows = text
    .split(",")
    .filter(Boolean)
    .map((pair) => {
      const [id, version] = pair.split(":");
      return { taskId: parseRowId(id), version: parseRowId(version) };
    });
  if (rows.some((r) => r.taskId == null || r.version == null)) badRequest("所选行无效，请刷新页面后重试。");
  return rows as { taskId: number; version: number }[];
}

export async function saveBulk(actor: Actor, plan: PlanInfo, refs: LedgerRefs, formData: FormData) {
  const rows = selectedRows(formData);
  if (rows.length === 0) return data<LedgerActionData>({ intent: "bulk", ok: false, message: "请先勾选要修改的行。" }, { status: 400 });
  const bulk: BulkChange = {};
  const problems: string[] = [];
  const take = <F extends LedgerField>(name: string, field: F, set: (value: LedgerValues[F]) => void) => {
    const raw = textOf(formData, name).trim();
    if (raw === "") return;
    // "（清空）" clears a field for all selected rows.
    if (raw === "-") return set((field === "supportUnitIds" ? [] : field === "category" ? "" : null) as LedgerValues[F]);
    const parsed = parseCell(field, raw, refs);
    if (parsed.ok) set(parsed.value);
    else problems.push(`${FIELD_LABELS[field]}：${parsed.error}`);
  };
  take("leaderId", "leaderId", (v) => (bulk.leaderId = v));
  take("leadUnitId", "leadUnitId", (v) => (bulk.leadUnitId = v));
  take("addSupport", "supportUnitIds", (v) => (bulk.addSupportUnitIds = v));
  take("removeSupport", "supportUnitIds", (v) => (bulk.removeSupportUnitIds = v));
  take("dueDate", "dueDate", (v) => (bulk.dueDate = v));
  take("category", "category", (v) => (bulk.category = v));
  if (problems.length > 0) return data<LedgerActionData>({ intent: "bulk", ok: false, message: problems.join("；") }, { status: 400 });
  if (Object.keys(bulk).length === 0) {
    return data<LedgerActionData>({ intent: "bulk", ok: false, message: "请至少选择一项要统一设置的内容。" }, { status: 400 });
  }
  try {
    const { changed } = await applyLedgerChanges(
      getDb(),
      actor,
      plan.id,
      rows.map((r) => ({ ...r, values: (row: LedgerValues) => bulkValues(row, bulk) })),
    );
    return data<LedgerActionData>({ intent: "bulk", ok: true, message: `已修改${changed}项重点工作。` });
  } catch (thrown) {
    const { status, message } = refusalMessage(thrown);
    return data<LedgerActionData>({ intent: "bulk", ok: false, message }, { status });
  }
}

async function previewOf(
  source: LedgerPreview["source"],
  plan: PlanInfo,
  refs: LedgerRefs,
  inputs: { taskId: number; version: number | null; cells: { field: LedgerField; raw: unknown }[] }[],
  newRows: { line: number; cells: { field: LedgerField; raw: unknown }[] }[],
  notes: string[],
): Promise<LedgerPreview> {
  const states = await loadRowStates(getDb(), plan.id, new Map(inputs.map((i) => [i.taskId, i.version])));
  const rows: RowPlan[] = [];
  for (const input of inputs) {
    const state = states.get(input.taskId);
    if (!state) {
      notes.push(`有一行的任务ID（${input.taskId}）不属于${plan.year}年度计划，已跳过。`);
      continue;
    }
    const planned = planRow(state, input, refs);
    if (planned.changes.length > 0 || planned.refused.length > 0) rows.push(planned);
  }
  const existingTitles = new Set((await loadLedgerRows(getDb(), plan.id)).map((r) => r.title));
  const created: NewRowPlan[] = [];
  for (const row of newRows) {
    const planned = planNewRow(row.line, row.cells, refs, existingTitles);
    if (planned) {
      created.push(planned);
      existingTitles.add(planned.values.title);
    }
  }
  const payload: Payload = {
    edits: rows
      .filter((r) => r.changes.length > 0)
      .map((r) => ({ taskId: r.taskId, version: r.version, cells: r.changes.map((c) => ({ field: c.field, raw: c.raw })) })),
    creates: created.map((r) => ({ line: r.line, cells: r.cells.map((c) => ({ field: c.field, raw: c.raw })) })),
  };
  return { source, rows, newRows: created, notes, payload: JSON.stringify(payload) };
}

export async function previewPaste(plan: PlanInfo, refs: LedgerRefs, formData: FormData) {
  const text = textOf(formData, "block");
  if (text.trim() === "") return data<LedgerActionData>({ intent: "preview", ok: false, message: "粘贴的内容是空的。" }, { status: 400 });
  if (text.length > MAX_PASTE_CHARS) badRequest("粘贴的内容过长，请分几次粘贴。");
  const rowIds = textOf(formData, "rowIds")
    .split(",")
    .map((id) => parseRowId(id))
    .filter((id): id is number => id != null);
  const startRow = Math.max(0, Number(textOf(formData, "startRow")) || 0);
  const startColumn = Math.max(0, Number(textOf(formData, "startColumn")) || 0);
  const ids = rowIds.length > 0 ? rowIds : (await loadLedgerRows(getDb(), plan.id)).map((r) => r.id);
  const mapping = mapPasteBlock(parseTsv(text), ids, startRow, startColumn);
  const byRow = new Map<number, { field: LedgerField; raw: unknown }[]>();
  for (const cell of mapping.cells) byRow.set(cell.rowId, [...(byRow.get(cell.rowId) ?? []), { field: cell.field, raw: cell.raw }]);
  const inputs = [...byRow].map(([taskId, cells]) => ({ taskId, version: null, cells }));
  const preview = await previewOf("paste", plan, refs, inputs, [], mapping.notes);
  return data<LedgerActionData>({ intent: "preview", ok: true, preview });
}

export async function previewImport(plan: PlanInfo, refs: LedgerRefs, formData: FormData) {
  const file = formData.get("file");
  if (!(file instanceof File) || file.size === 0) {
    return data<LedgerActionData>({ intent: "preview", ok: false, message: "请选择要导入的 .xlsx 文件。" }, { status: 400 });
  }
  let table;
  try {
    table = await readLedgerXlsx(new Uint8Array(await file.arrayBuffer()));
  } catch (thrown) {
    const { status, message } = refusalMessage(thrown);
    return data<LedgerActionData>({ intent: "preview", ok: false, message }, { status });
  }
  const read = readLedgerTable(table);
  if ("error" in read) return data<LedgerActionData>({ intent: "preview", ok: false, message: read.error }, { status: 400 });
  const inputs = read.rows.filter((r) => r.taskId != null).map((r) => ({ taskId: r.taskId!, version: r.version, cells: r.cells }));
  const newRows = read.rows.filter((r) => r.taskId == null).map((r) => ({ line: r.line, cells: r.cells }));
  const preview = await previewOf("import", plan, refs, inputs, newRows, []);
  return data<LedgerActionData>({ intent: "preview", ok: true, preview });
}

function readPayload(formData: FormData): Payload {
  try {
    const payload = JSON.parse(textOf(formData, "payload")) as Payload;
    if (!Array.isArray(payload.edits) || !Array.isArray(payload.creates)) throw new Error("shape");
    for (const edit of payload.edits) {
      if (parseRowId(edit.taskId) == null || parseRowId(edit.version) == null || !Array.isArray(edit.cells)) throw new Error("shape");
      if (edit.cells.some((c) => !isLedgerField(c.field) || typeof c.raw !== "string")) throw new Error("shape");
    }
    for (const create of payload.creates) {
      if (!Array.isArray(create.cells) || create.cells.some((c) => !isLedgerField(c.field) || typeof c.raw !== "string")) {
        throw new Error("shape");
      }
    }
    return payload;
  } catch {
    return badRequest("确认的内容无法识别，请重新粘贴或导入。");
  }
}

/** A confirmed preview: its cells parsed again (nothing is trusted from the browser) and applied in one transaction. */
export async function applyPreview(actor: Actor, plan: PlanInfo, refs: LedgerRefs, formData: FormData) {
  const payload = readPayload(formData);
  const edits: LedgerEdit[] = [];
  const refused: string[] = [];
  for (const edit of payload.edits) {
    const { values, errors } = parseValues(edit.cells, refs);
    for (const [field, message] of Object.entries(errors)) refused.push(`${FIELD_LABELS[field as LedgerField]}：${message}`);
    edits.push({ taskId: edit.taskId, version: edit.version, values });
  }
  const existingTitles = new Set((await loadLedgerRows(getDb(), plan.id)).map((r) => r.title));
  const creates = payload.creates
    .map((c) => planNewRow(c.line, c.cells, refs, existingTitles))
    .filter((c): c is NewRowPlan => c != null && c.refused.length === 0)
    .map((c) => ({ values: c.values }));
  if (refused.length > 0) return data<LedgerActionData>({ intent: "apply", ok: false, message: refused.join("；") }, { status: 400 });
  try {
    const { changed, created } = await applyLedgerChanges(getDb(), actor, plan.id, edits, creates);
    const parts = [`已修改${changed}项重点工作`, ...(created > 0 ? [`新增${created}项`] : [])];
    return data<LedgerActionData>({ intent: "apply", ok: true, message: `${parts.join("，")}。` });
  } catch (thrown) {
    const { status, message } = refusalMessage(thrown);
    return data<LedgerActionData>({ intent: "apply", ok: false, message }, { status });
  }
}

export type { CellRefusal, LedgerConflictDetail };
