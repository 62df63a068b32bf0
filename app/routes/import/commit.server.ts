// Committing an imported 工作总结: the source document, its tasks and metrics, in one
// transaction — nothing half-written, and the same document never imported twice.
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import type { Transaction } from "kysely";
import type { AppDatabase } from "../../../db/index";
import type { Database, TaskStatus } from "../../../db/schema";
import { metricDefinitionOf, type MetricDefinition } from "~/lib/domain";
import { initialPositions } from "~/lib/positions";
import { formatDate } from "~/lib/weeks";
import { recordAudit } from "~/models/audit.server";
import { bumpChangeSeq } from "~/models/plans.server";
import { conflict, notFound } from "~/lib/refusal";

export interface MetricInput extends MetricDefinition {
  category: string;
  sourceRef: string | null;
  sourceSentence: string | null;
  /** Period of `baseline` ("全年", "1-10月"); absent or null: unknown (the summary then states no 同比). */
  baselinePeriod?: string | null;
  /** The verb phrase the summary tells the figure with ("排查商户"). */
  phrase?: string | null;
}

export interface TaskInput {
  origin: "key_work" | "problem" | "carried_over";
  originRef: string | null;
  /** For origin carried_over: last year's unfinished task this one continues. */
  carriedFromTaskId?: number | null;
  title: string;
  description: string;
  category: string;
  sourceExcerpt: string;
  leadUnitId: number | null;
  supportUnitIds: number[];
  leadUserId: number | null;
  startDate: string | null;
  dueDate: string | null;
  status: TaskStatus;
  progress: number;
  doneAt: string | null;
  metrics: Omit<MetricInput, "category">[];
}

export interface ImportInput {
  planId: number;
  fileName: string;
  originalText: string;
  parsedJson: string;
  tasks: TaskInput[];
  /** Plan-level figures (last year's values as baselines). */
  metrics: MetricInput[];
}

export interface ImportResult {
  sourceDocumentId: number;
  taskIds: number[];
  metricCount: number;
}

export function documentSha256(text: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(text)));
}

export async function findImportedDocument(db: AppDatabase, text: string) {
  return db
    .selectFrom("source_documents")
    .leftJoin("plans", "plans.id", "source_documents.plan_id")
    .select(["source_documents.id", "source_documents.imported_at", "source_documents.file_name", "plans.year"])
    .where("sha256", "=", documentSha256(text))
    .executeTakeFirst();
}

export function alreadyImportedMessage(doc: { imported_at: string; file_name: string; year: number | null }): string {
  const where = doc.year ? `，已生成${doc.year}年度计划的任务` : "";
  return `这份文件已于${formatDate(doc.imported_at)}导入过（${doc.file_name}${where}），不会重复导入。`;
}

/** Next free task codes of a plan: "2025-08", "2025-09", … */
async function nextTaskCodes(trx: Transaction<Database>, planId: number, year: number, count: number): Promise<string[]> {
  const rows = await trx.selectFrom("tasks").select("code").where("plan_id", "=", planId).execute();
  const prefix = `${year}-`;
  const used = rows.map((row) => (row.code.startsWith(prefix) ? Number(row.code.slice(prefix.length)) : 0)).filter(Number.isFinite);
  const start = used.length ? Math.max(...used) + 1 : 1;
  return Array.from({ length: count }, (_, i) => `${prefix}${String(start + i).padStart(2, "0")}`);
}

async function insertMetric(
  trx: Transaction<Database>,
  planId: number,
  taskId: number | null,
  metric: MetricInput,
  sortOrder: number,
  now: string,
): Promise<void> {
  await trx
    .insertInto("metrics")
    .values({
      plan_id: planId,
      task_id: taskId,
      ...metricDefinitionOf(metric),
      category: metric.category,
      source_ref: metric.sourceRef,
      source_sentence: metric.sourceSentence,
      baseline_period: metric.baselinePeriod ?? null,
      phrase: metric.phrase ?? null,
      sort_order: sortOrder,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export function commitImport(db: AppDatabase, actorId: number | null, input: ImportInput): Promise<ImportResult> {
  return db.transaction().execute((trx) => commitImportIn(trx, actorId, input));
}

/** The import's writes inside a transaction the caller owns (the first-start bootstrap). */
export async function commitImportIn(trx: Transaction<Database>, actorId: number | null, input: ImportInput): Promise<ImportResult> {
  const now = new Date().toISOString();
  const hash = documentSha256(input.originalText);
  const plan = await trx.selectFrom("plans").selectAll().where("id", "=", input.planId).executeTakeFirst();
  if (!plan) notFound("没有找到所选的年度计划，请刷新后重新选择。");
  if (plan.status === "archived") conflict(`${plan.year}年度计划已归档，不能再导入任务。请先在“管理”中恢复它。`);
  const duplicate = await trx
    .selectFrom("source_documents")
    .leftJoin("plans", "plans.id", "source_documents.plan_id")
    .select(["source_documents.imported_at", "source_documents.file_name", "plans.year"])
    .where("sha256", "=", hash)
    .executeTakeFirst();
  if (duplicate) conflict(alreadyImportedMessage(duplicate));

  const document = await trx
    .insertInto("source_documents")
    .values({
      plan_id: input.planId,
      file_name: input.fileName,
      sha256: hash,
      original_text: input.originalText,
      parsed_json: input.parsedJson,
      imported_by: actorId,
      imported_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();

  const codes = await nextTaskCodes(trx, input.planId, plan.year, input.tasks.length);
  // New cards go below the cards already in their column.
  const lastPositions = new Map<TaskStatus, string | null>();
  for (const status of new Set(input.tasks.map((t) => t.status))) {
    const last = await trx
      .selectFrom("tasks")
      .select("position")
      .where("plan_id", "=", input.planId)
      .where("status", "=", status)
      .orderBy("position", "desc")
      .limit(1)
      .executeTakeFirst();
    lastPositions.set(status, last?.position ?? null);
  }
  const positionsByStatus = new Map<TaskStatus, string[]>();
  for (const [status, last] of lastPositions) {
    positionsByStatus.set(status, initialPositions(input.tasks.filter((t) => t.status === status).length, last));
  }

  const taskIds: number[] = [];
  let metricCount = 0;
  for (const [index, task] of input.tasks.entries()) {
    const position = positionsByStatus.get(task.status)!.shift()!;
    const row = await trx
      .insertInto("tasks")
      .values({
        plan_id: input.planId,
        code: codes[index],
        title: task.title,
        description: task.description,
        category: task.category,
        origin: task.origin,
        origin_ref: task.originRef,
        carried_from_task_id: task.carriedFromTaskId ?? null,
        source_excerpt: task.sourceExcerpt,
        source_document_id: document.id,
        lead_user_id: task.leadUserId,
        status: task.status,
        position,
        start_date: task.startDate,
        due_date: task.dueDate,
        progress: task.progress,
        done_at: task.doneAt,
        created_by: actorId,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    taskIds.push(row.id);
    const unitRows = [
      ...(task.leadUnitId != null ? [{ task_id: row.id, unit_id: task.leadUnitId, role: "lead" as const }] : []),
      ...task.supportUnitIds
        .filter((unitId) => unitId !== task.leadUnitId)
        .map((unitId) => ({ task_id: row.id, unit_id: unitId, role: "support" as const })),
    ];
    if (unitRows.length) await trx.insertInto("task_units").values(unitRows).execute();
    for (const [metricIndex, metric] of task.metrics.entries()) {
      await insertMetric(trx, input.planId, row.id, { ...metric, category: task.category }, metricIndex, now);
      metricCount++;
    }
    await recordAudit(trx, {
      actorId,
      action: "task.create",
      entity: "task",
      entityId: row.id,
      after: { code: codes[index], title: task.title, origin: task.origin, origin_ref: task.originRef, status: task.status },
    });
  }
  for (const [index, metric] of input.metrics.entries()) {
    await insertMetric(trx, input.planId, null, metric, index, now);
    metricCount++;
  }
  // Open boards of this plan see the new cards at their next cheap check.
  await bumpChangeSeq(trx, input.planId);
  await recordAudit(trx, {
    actorId,
    action: "import.commit",
    entity: "source_document",
    entityId: document.id,
    after: { file: input.fileName, plan: plan.year, tasks: taskIds.length, metrics: metricCount },
  });
  return { sourceDocumentId: document.id, taskIds, metricCount };
}

/**
 * Imports into the plan of `year`, creating that plan in the same transaction when it
 * does not exist yet; an archived plan is refused.
 */
export function commitImportToYear(
  db: AppDatabase,
  actorId: number | null,
  { year, organization, build }: { year: number; organization: string; build: (planId: number) => ImportInput },
): Promise<ImportResult & { planId: number }> {
  return db.transaction().execute(async (trx) => {
    let plan = await trx.selectFrom("plans").select(["id", "status"]).where("year", "=", year).executeTakeFirst();
    if (!plan) {
      const now = new Date().toISOString();
      plan = await trx
        .insertInto("plans")
        .values({ year, title: `${organization}${year}年重点工作`, organization, status: "active", created_at: now, updated_at: now })
        .returning(["id", "status"])
        .executeTakeFirstOrThrow();
      await recordAudit(trx, { actorId, action: "plan.create", entity: "plan", entityId: plan.id, after: { year, organization } });
    }
    const result = await commitImportIn(trx, actorId, build(plan.id));
    return { ...result, planId: plan.id };
  });
}
