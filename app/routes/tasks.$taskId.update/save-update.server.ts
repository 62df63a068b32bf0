// Saving a week's 填报: the update, its metric values and files, with version and week checks, in one transaction.
import type { ExpressionBuilder, Kysely, Transaction } from "kysely";
import { updateFieldLabel } from "~/routes/tasks.$taskId.update/field-labels";
import type { AppDatabase } from "../../../db/index";
import type { Database, NewMetricValue } from "../../../db/schema";
import { ATTACHMENT_MAX_FILES, mayEditUpdate, type UpdateFields } from "~/lib/updates";
import { isWeekKey, weekKeyOf } from "~/lib/weeks";
import { can, type Actor } from "~/utils/permissions";
import { removeStoredFiles, storeFiles, type CheckedFile } from "~/models/attachments.server";
import { recordAudit, recordAudits, type AuditEntry } from "~/models/audit.server";
import { deferChangeSeqBump } from "~/models/plans.server";
import { deferWrite } from "../../../db/deferred-write";
import { preparedQuery } from "../../../db/prepared-query";
import { badRequest, conflict, forbidden, isRefusal, notFound } from "~/lib/refusal";
import { mergeFields } from "~/lib/task-merge";
import { rememberSubmission, submittedBefore } from "~/routes/tasks.$taskId.update/submission-keys.server";
import type { FieldErrors } from "~/utils/forms.server";
import {
  type UnitWeekFacts,
  type UpdateTaskInfo,
  getUpdateTask,
  previousProgress,
  firstReportWeek,
  findUpdate,
  reportingUnitFor,
  closedReason,
  selectAttachmentsWithUpdate,
} from "~/routes/tasks.$taskId.update/updates.server";
import { unitName } from "~/models/names.server";

type Db = Kysely<Database> | Transaction<Database>;

export interface SaveUpdateInput extends UpdateFields {
  taskId: number;
  unitId: number | null;
  week: string;
  /** The version of the update the user was editing; null for a new one. */
  version: number | null;
  /** Values per metric id; null clears the unit's value for the week. */
  values: Map<number, number | null>;
  files: CheckedFile[];
  removeAttachmentIds: number[];
  /** One per submission (made by the form): a retry with the same key is answered without a second write. */
  idempotencyKey?: string | null;
}

/** A 填报 form read against its task: the input to save, or an error per field with the values to hand back. */
export type UpdateFormResult =
  { ok: true; input: Omit<SaveUpdateInput, "taskId" | "files"> } | { ok: false; errors: FieldErrors; values: Record<string, string> };

/**
 * A posted 填报 form, read against its task in the transaction that saves it: the task is read
 * once per post, and the form is judged by the task as it is when the save happens.
 */
export interface UpdateSubmission {
  taskId: number;
  /** As posted, not yet checked: they choose which unit's facts of which week come with the task. */
  unitId: number | null;
  week: string;
  files: CheckedFile[];
  idempotencyKey?: string | null;
  /** Reads the form's fields against the task and the unit's previous progress before the week. */
  readForm: (context: { task: UpdateTaskInfo; previousProgress: number | null }) => UpdateFormResult;
}

/** The form's fields did not pass: nothing was written; the errors are shown per field. */
export class UpdateFormRejected extends Error {
  constructor(
    readonly errors: FieldErrors,
    /** The form values to hand back, when the reading produced them. */
    readonly values: Record<string, string> | null = null,
  ) {
    super(Object.values(errors).join(" "));
  }
}

export interface SaveUpdateResult {
  updateId: number;
  version: number;
  created: boolean;
  planId: number;
  /** Labels of fields others changed meanwhile that this save kept ("已合并他人同时所做的修改：…"). */
  merged?: string[];
}

/** A 填报 as form values (the names the form uses), for the merge and for handing back to the form. */
function updateFormValues(fields: UpdateFields, values: ReadonlyMap<number, number | null>, metricIds: readonly number[]) {
  const record: Record<string, string> = {
    body: fields.body,
    progress: String(fields.progress),
    nextSteps: fields.nextSteps,
    blockers: fields.blockers,
    needsCoordination: fields.needsCoordination ? "yes" : "",
  };
  for (const id of metricIds) record[`metric_${id}`] = values.has(id) ? String(values.get(id) ?? "") : "";
  return record;
}

export interface UpdateConflictDetail {
  current: unknown;
  /** Labels of the fields both changed. */
  fields: string[];
  /** Form values to show: the user's input with others' non-overlapping changes merged in. */
  values: Record<string, string>;
}

/**
 * The 填报 as it was at `version` (from its audit trail): its fields, and the week's metric values
 * as they stood before the next save. Null when that version is not on record.
 */
async function updateAtVersion(
  trx: Db,
  updateId: number,
  version: number,
  valueEntityIds: readonly string[],
): Promise<{ fields: UpdateFields; values: Map<string, number | null> } | null> {
  const rows = await trx
    .selectFrom("audit_log")
    .select(["id", "after_json"])
    .where("entity", "=", "update")
    .where("entity_id", "=", String(updateId))
    .orderBy("id")
    .execute();
  let base: (UpdateFields & { version: number }) | null = null;
  /** The audit row of the first later version, if any: values recorded from it on are newer. */
  let before: number | null = null;
  for (const row of rows) {
    const after = row.after_json ? (JSON.parse(row.after_json) as UpdateFields & { version?: number }) : null;
    if (after?.version === version) base = after as UpdateFields & { version: number };
    else if (base && typeof after?.version === "number" && after.version > version) {
      before = row.id;
      break;
    }
  }
  if (!base) return null;
  const values = new Map<string, number | null>(valueEntityIds.map((id) => [id, null]));
  if (valueEntityIds.length > 0) {
    const valueRows = await trx
      .selectFrom("audit_log")
      .select(["entity_id", "after_json"])
      .where("entity", "=", "metric_value")
      .where("entity_id", "in", valueEntityIds)
      // No bound when no later version is recorded (a huge literal overflows PostgreSQL's integer id).
      .$if(before != null, (qb) => qb.where("id", "<", before!))
      .orderBy("id")
      .execute();
    for (const row of valueRows) {
      const after = row.after_json ? (JSON.parse(row.after_json) as { value?: number }) : null;
      values.set(row.entity_id!, typeof after?.value === "number" ? after.value : null);
    }
  }
  return { fields: base, values };
}

export interface UpdateSnapshot extends UpdateFields {
  taskId: number;
  unitId: number;
  week: string;
  version: number;
}

/**
 * Creates or changes the unit's update for the week. A stale or missing version when a record
 * exists is a 409 with nothing written; rights, week and task state are checked here, whatever
 * the form showed. A posted form (UpdateSubmission) is read here too, after those checks; its
 * field errors throw UpdateFormRejected.
 */
export async function saveUpdate(
  db: AppDatabase,
  actor: Actor,
  submission: SaveUpdateInput | UpdateSubmission,
  now: Date = new Date(),
): Promise<SaveUpdateResult> {
  const at = now.toISOString();
  const stored = await storeFiles(submission.files);
  const removedKeys: string[] = [];
  let result: SaveUpdateResult & { repeated: boolean };
  try {
    // The unit is known before the task is read when the form names it or the actor is a
    // secretary; then the unit's stored values of the week, and its previous progress, come
    // with the task's metrics.
    const expectedUnitId = submission.unitId ?? (actor.role === "secretary" ? actor.unitId : null);
    const key = submission.idempotencyKey ?? null;
    result = await db.transaction().execute(async (trx) => {
      if (key) {
        const done = await submittedBefore<SaveUpdateResult>(trx, actor, key, submission);
        if (done) return { ...done, repeated: true };
      }
      const task =
        expectedUnitId != null
          ? await getUpdateTask(trx, submission.taskId, { unitId: expectedUnitId, week: submission.week, inWriteTransaction: true })
          : await getUpdateTask(trx, submission.taskId);
      if (!task) notFound("没有找到这项重点工作，它可能已被删除。");
      const unitIds = task.units.map((u) => u.id);
      if (!can(actor, "updates.post", unitIds)) {
        forbidden("只有牵头单位、配合单位或街道领导可以填报这项重点工作的进展。");
      }
      const closed = closedReason(task);
      if (closed) badRequest(closed);
      if (unitIds.length === 0) badRequest("这项重点工作还没有指定牵头单位或配合单位，暂时无法填报。请联系街道领导。");
      const unitId = reportingUnitFor(actor, task, submission.unitId);
      if (unitId == null || (submission.unitId != null && submission.unitId !== unitId)) {
        badRequest("所选单位不是这项重点工作的牵头单位或配合单位，请刷新页面后重新选择。");
      }
      const week = submission.week;
      if (!isWeekKey(week)) badRequest("填报周次无效，请刷新页面后重新选择。");
      if (week > weekKeyOf(now)) badRequest("不能填报尚未开始的周次。");
      if (week < firstReportWeek(task)) badRequest("这项重点工作在所选周次还没有开始，请选择开始之后的周次。");

      // Read with the task: no 填报 of this unit and week yet means nothing to look up.
      const of = (task as { of?: UnitWeekFacts }).of;
      const known = of && of.unitId === unitId && of.week === week ? of : null;
      let input: SaveUpdateInput;
      if ("readForm" in submission) {
        const previous = known ? known.previousProgress : await previousProgress(trx, task.id, unitId, week);
        const form = submission.readForm({ task, previousProgress: previous });
        if (!form.ok) throw new UpdateFormRejected(form.errors, form.values);
        // The unit and week the checks above read the task for are the form's own (a unit the
        // route could not read as an id, e.g. out of range, is not one of them).
        if (form.input.unitId !== submission.unitId || form.input.week !== week) {
          badRequest("所选单位或周次有误，请刷新页面后重新选择。");
        }
        input = { ...form.input, taskId: task.id, files: submission.files, idempotencyKey: key };
      } else {
        input = submission;
      }
      const existing = known && known.updateId == null ? null : await findUpdate(trx, task.id, unitId, input.week);
      // Others' saves since the form was drawn merge field by field (see mergeFields): only fields
      // both changed are refused; a save that changes nothing writes nothing.
      let saveInput = input;
      let merged: string[] = [];
      if (existing && input.version !== existing.version) {
        const metricIds = task.metrics.map((m) => m.id);
        const entityIds = metricIds.map((id) => `${id}:${unitId}:${input.week}`);
        const base =
          input.version != null && input.version < existing.version
            ? await updateAtVersion(trx, existing.id, input.version, entityIds)
            : null;
        const currentRows = await trx
          .selectFrom("metric_values")
          .select(["metric_id", "value"])
          .where("unit_id", "=", unitId)
          .where("week", "=", input.week)
          .where("metric_id", "in", metricIds.length ? metricIds : [-1])
          .execute();
        const currentValues = new Map(currentRows.map((r) => [r.metric_id, r.value as number | null]));
        const currentForm = updateFormValues(existing, currentValues, metricIds);
        const mineValues = new Map(
          metricIds.map((id) => [id, input.values.has(id) ? input.values.get(id)! : (currentValues.get(id) ?? null)]),
        );
        const mineForm = updateFormValues(input, mineValues, metricIds);
        const baseForm = base
          ? updateFormValues(base.fields, new Map(metricIds.map((id, i) => [id, base.values.get(entityIds[i]) ?? null])), metricIds)
          : null;
        const keys = Object.keys(currentForm);
        const merge = mergeFields(keys, baseForm, currentForm, mineForm);
        const label = (key: string) => updateFieldLabel(key, task.metrics) ?? key;
        merged = merge.theirs.map(label);
        if (merge.conflicts.length > 0) {
          const values = { ...mineForm };
          for (const key of merge.theirs) values[key] = currentForm[key];
          const detail: UpdateConflictDetail = { current: existing, fields: merge.conflicts.map(label), values };
          conflict(
            `已被他人修改：在您填写期间，${existing.authorName}也改了本单位这一周的填报${detail.fields.map((f) => `「${f}」`).join("")}。` +
              "您填写的内容仍保留在下面，请对照最新内容改好这些项后重新保存。" +
              (merged.length ? `他人同时修改的${merged.join("、")}已合并到表单中。` : ""),
            detail,
          );
        }
        const noFiles = input.files.length === 0 && input.removeAttachmentIds.length === 0;
        if (merge.mine.length === 0 && noFiles) {
          const saved: SaveUpdateResult = { updateId: existing.id, version: existing.version, created: false, planId: task.planId, merged };
          return { ...saved, repeated: false };
        }
        const pick = <K extends keyof UpdateFields>(name: K): UpdateFields[K] =>
          merge.mine.includes(name) ? input[name] : (existing as unknown as UpdateFields)[name];
        const values = new Map<number, number | null>();
        for (const id of metricIds) if (merge.mine.includes(`metric_${id}`)) values.set(id, mineValues.get(id) ?? null);
        saveInput = {
          ...input,
          body: pick("body"),
          progress: pick("progress"),
          nextSteps: pick("nextSteps"),
          blockers: pick("blockers"),
          needsCoordination: pick("needsCoordination"),
          values,
        };
      }
      if (existing) {
        if (!mayEditUpdate(actor, existing, now)) forbidden("这一周已经结束，已提交的填报只能由街道领导修改。");
      } else if (input.version != null) {
        conflict("已被他人修改：您编辑的填报已被删除，请刷新页面后重新填写。");
      }

      const knownMetrics = new Map(task.metrics.map((m) => [m.id, m]));
      for (const metricId of input.values.keys()) {
        if (!knownMetrics.has(metricId)) badRequest("指标不属于这项重点工作，请刷新页面后重试。");
      }

      const fields = {
        body: saveInput.body,
        progress: saveInput.progress,
        next_steps: saveInput.nextSteps,
        blockers: saveInput.blockers,
        needs_coordination: saveInput.needsCoordination ? 1 : 0,
      };
      let updateId: number;
      let version: number;
      if (existing) {
        version = existing.version + 1;
        await deferWrite(
          trx,
          trx
            .updateTable("updates")
            .set({ ...fields, updated_at: at, version })
            .where("id", "=", existing.id)
            .where("version", "=", existing.version),
        );
        updateId = existing.id;
      } else {
        version = 1;
        const values = {
          ...fields,
          task_id: task.id,
          unit_id: unitId,
          author_id: actor.id,
          week: input.week,
          created_at: at,
          updated_at: at,
        };
        if (known?.nextUpdateId != null) {
          // Its id was read with the task, in this transaction: the row is sent with the next
          // statement (the COMMIT, when no file is added or removed), not in a trip of its own.
          updateId = known.nextUpdateId;
          await deferWrite(trx, trx.insertInto("updates").values({ ...values, id: updateId }));
        } else {
          updateId = (await trx.insertInto("updates").values(values).returning("id").executeTakeFirstOrThrow()).id;
        }
      }
      const snapshot = (u: UpdateFields & { version: number }): UpdateSnapshot => ({
        taskId: task.id,
        unitId: unitId,
        week: input.week,
        body: u.body,
        progress: u.progress,
        nextSteps: u.nextSteps,
        blockers: u.blockers,
        needsCoordination: u.needsCoordination,
        version: u.version,
      });
      // The update's audit row first, then one per metric value, written in one INSERT below.
      const audits: AuditEntry[] = [
        {
          actorId: actor.id,
          action: existing ? "update.edit" : "update.create",
          entity: "update",
          entityId: updateId,
          before: existing ? snapshot(existing) : undefined,
          after: snapshot({ ...saveInput, version }),
        },
      ];

      // Metric values of the week: write what changed, one audit row per value.
      const currentValues =
        unitId === expectedUnitId
          ? (task.metrics as { id: number; valueId?: number | null; value?: number | null }[])
              .filter((m) => m.valueId != null)
              .map((m) => ({ id: m.valueId!, metric_id: m.id, value: m.value! }))
          : await trx
              .selectFrom("metric_values")
              .select(["id", "metric_id", "value"])
              .where("unit_id", "=", unitId)
              .where("week", "=", input.week)
              .where("metric_id", "in", task.metrics.length ? task.metrics.map((m) => m.id) : [-1])
              .execute();
      const valueAudits = audits;
      const newValues: NewMetricValue[] = [];
      for (const [metricId, value] of saveInput.values) {
        const current = currentValues.find((v) => v.metric_id === metricId);
        if (current && value === current.value) {
          await deferWrite(trx, trx.updateTable("metric_values").set({ update_id: updateId }).where("id", "=", current.id));
          continue;
        }
        if (!current && value == null) continue;
        const entityId = `${metricId}:${unitId}:${input.week}`;
        if (value == null) {
          await deferWrite(trx, trx.deleteFrom("metric_values").where("id", "=", current!.id));
        } else if (current) {
          await deferWrite(
            trx,
            trx
              .updateTable("metric_values")
              .set({ value, update_id: updateId, reported_by: actor.id, reported_at: at })
              .where("id", "=", current.id),
          );
        } else {
          newValues.push({
            metric_id: metricId,
            unit_id: unitId,
            week: input.week,
            value,
            update_id: updateId,
            reported_by: actor.id,
            reported_at: at,
          });
        }
        valueAudits.push({
          actorId: actor.id,
          action: value == null ? "metric_value.clear" : "metric_value.set",
          entity: "metric_value",
          entityId,
          before: current ? { metricId, unitId, week: input.week, value: current.value } : undefined,
          after: value == null ? undefined : { metricId, unitId, week: input.week, value, updateId },
        });
      }
      // New values in one INSERT, and one audit row per value in another.
      if (newValues.length > 0) await deferWrite(trx, trx.insertInto("metric_values").values(newValues));
      await recordAudits(trx, valueAudits, now);

      // 佐证材料 removed and added.
      if (input.removeAttachmentIds.length) {
        const removed = await trx
          .selectFrom("attachments")
          .select(["id", "file_name", "storage_key", "size", "content_type"])
          .where("update_id", "=", updateId)
          .where("id", "in", input.removeAttachmentIds)
          .execute();
        if (removed.length !== new Set(input.removeAttachmentIds).size) badRequest("要删除的佐证材料不属于这条填报，请刷新页面后重试。");
        for (const file of removed) {
          await deferWrite(trx, trx.deleteFrom("attachments").where("id", "=", file.id));
          removedKeys.push(file.storage_key);
          await recordAudit(
            trx,
            {
              actorId: actor.id,
              action: "attachment.delete",
              entity: "attachment",
              entityId: file.id,
              before: { updateId, fileName: file.file_name, size: file.size, contentType: file.content_type },
            },
            now,
          );
        }
      }
      if (stored.length) {
        const count = await trx
          .selectFrom("attachments")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("update_id", "=", updateId)
          .executeTakeFirstOrThrow();
        const kept = Number(count.n);
        if (kept + stored.length > ATTACHMENT_MAX_FILES) {
          throw new UpdateFormRejected({
            attachments: `每条填报最多${ATTACHMENT_MAX_FILES}个佐证材料（已有${kept}个），请先删除不需要的文件再上传。`,
          });
        }
      }
      for (const file of stored) {
        const row = await trx
          .insertInto("attachments")
          .values({
            update_id: updateId,
            task_id: task.id,
            file_name: file.fileName,
            content_type: file.contentType,
            size: file.bytes.byteLength,
            sha256: file.sha256,
            storage_key: file.storageKey,
            uploaded_by: actor.id,
            created_at: at,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        await recordAudit(
          trx,
          {
            actorId: actor.id,
            action: "attachment.create",
            entity: "attachment",
            entityId: row.id,
            after: { updateId, fileName: file.fileName, size: file.bytes.byteLength, contentType: file.contentType, sha256: file.sha256 },
          },
          now,
        );
      }

      await syncTaskProgress(trx, task.id);
      await deferChangeSeqBump(trx, task.planId);
      const saved: SaveUpdateResult = { updateId, version, created: !existing, planId: task.planId, ...(merged.length ? { merged } : {}) };
      if (key) {
        await rememberSubmission(trx, actor, key, saved, now);
      }
      return { ...saved, repeated: false };
    });
  } catch (error) {
    await removeStoredFiles(stored.map((f) => f.storageKey));
    // Two copies of one submission at once: the second loses the race on the key; answer as the first.
    const key = submission.idempotencyKey ?? null;
    if (key && !isRefusal(error) && !(error instanceof UpdateFormRejected)) {
      const done = await submittedBefore<SaveUpdateResult>(db, actor, key, submission).catch(() => null);
      if (done) return done;
    }
    throw error;
  }
  // Committed: what is no longer needed on disk (a repeat's copies, the files removed from the
  // 填报) goes. A failure here leaves a stray file, never a 填报 pointing at a deleted one.
  await removeStoredFiles(result.repeated ? stored.map((f) => f.storageKey) : removedKeys).catch((error: unknown) =>
    console.error("填报已保存，但删除不再使用的佐证材料文件失败：", error),
  );
  const { repeated: _repeated, ...saved } = result;
  return saved;
}

/**
 * tasks.progress follows the newest 填报 (latest week, then latest save), the same rule the
 * board reads, so exports and other readers of the column agree with the card.
 */
export async function syncTaskProgress(trx: Db, taskId: number): Promise<void> {
  await deferWrite(trx, taskProgressFromLatestUpdate.with(trx, { taskId }));
}

// One statement, built once (three subqueries cost 0.4 ms of CPU to build per 填报): the newest
// 填报's progress, written only when there is one and it differs.
const taskProgressFromLatestUpdate = preparedQuery((db, { taskId }: { taskId: number }) => {
  const latest = (eb: ExpressionBuilder<Database, "tasks">) =>
    eb
      .selectFrom("updates")
      .select("updates.progress")
      .whereRef("updates.task_id", "=", "tasks.id")
      .orderBy("updates.week", "desc")
      .orderBy("updates.updated_at", "desc")
      .limit(1);
  return db
    .updateTable("tasks")
    .set((eb) => ({ progress: latest(eb) as never }))
    .where("id", "=", taskId)
    .where((eb) => eb(latest(eb), "is not", null).and(eb("tasks.progress", "!=", latest(eb))));
});

export interface TaskUpdateFile {
  id: number;
  updateId: number;
  fileName: string;
  size: number;
  contentType: string;
}

/** 佐证材料 of a task's updates, for the card detail. */
export async function listTaskAttachments(
  db: AppDatabase,
  taskId: number,
): Promise<(TaskUpdateFile & { week: string; unitName: string })[]> {
  return selectAttachmentsWithUpdate(db)
    .select((eb) => [
      "attachments.id",
      "attachments.update_id as updateId",
      "attachments.file_name as fileName",
      "attachments.size",
      "attachments.content_type as contentType",
      "updates.week",
      unitName(eb, "updates.unit_id").$notNull().as("unitName"),
    ])
    .where("attachments.task_id", "=", taskId)
    .orderBy("updates.week", "desc")
    .orderBy("attachments.id")
    .execute();
}
