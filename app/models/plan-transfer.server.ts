// A whole plan as one versioned JSON document (admin download, `npm run plan:export`) and back
// (admin upload, `npm run plan:import`): the plan, its tasks, metrics, 填报, metric values,
// comments, 佐证材料 metadata, summaries, 延期申请, 督办通报 and the tasks' history, plus the units and users they
// name — never password hashes or sessions. Rows keep their column names; ids in the document
// are the exporting instance's and are only references, remapped on import.
import { randomBytes } from "node:crypto";
import type { InsertObject, Transaction } from "kysely";
import type { AppDatabase } from "../../db/index";
import type { Database } from "../../db/schema";
import { hashPassword } from "~/utils/password.server";
import { recordAudit } from "~/models/audit.server";
import { badRequest, conflict, notFound } from "~/lib/refusal";
import { PLAN_DOCUMENT_FORMAT, PLAN_DOCUMENT_VERSION, type PlanDocument } from "~/models/plan-document.server";

// ---------------------------------------------------------------- export

export async function exportPlan(db: AppDatabase, year: number, now: Date = new Date()): Promise<PlanDocument> {
  const plan = await db.selectFrom("plans").selectAll().where("year", "=", year).executeTakeFirst();
  if (!plan) notFound(`没有找到${year}年度计划。`);
  const planId = plan.id;
  const taskIds = db.selectFrom("tasks").select("id").where("plan_id", "=", planId);
  const [tasks, taskUnits, metrics, updates, metricValues, comments, mentions, attachments, summaries, sources, extensions, briefings] =
    await Promise.all([
      db.selectFrom("tasks").selectAll().where("plan_id", "=", planId).orderBy("id").execute(),
      db.selectFrom("task_units").selectAll().where("task_id", "in", taskIds).orderBy("task_id").orderBy("unit_id").execute(),
      db.selectFrom("metrics").selectAll().where("plan_id", "=", planId).orderBy("id").execute(),
      db.selectFrom("updates").selectAll().where("task_id", "in", taskIds).orderBy("id").execute(),
      db
        .selectFrom("metric_values")
        .selectAll()
        .where("metric_id", "in", db.selectFrom("metrics").select("id").where("plan_id", "=", planId))
        .orderBy("id")
        .execute(),
      db.selectFrom("comments").selectAll().where("task_id", "in", taskIds).orderBy("id").execute(),
      db
        .selectFrom("comment_mentions")
        .selectAll()
        .where("comment_id", "in", db.selectFrom("comments").select("id").where("task_id", "in", taskIds))
        .orderBy("comment_id")
        .orderBy("unit_id")
        .execute(),
      db.selectFrom("attachments").selectAll().where("task_id", "in", taskIds).orderBy("id").execute(),
      db.selectFrom("summaries").selectAll().where("plan_id", "=", planId).orderBy("version").execute(),
      db.selectFrom("source_documents").selectAll().where("plan_id", "=", planId).orderBy("id").execute(),
      db.selectFrom("task_extensions").selectAll().where("task_id", "in", taskIds).orderBy("id").execute(),
      db.selectFrom("briefings").selectAll().where("plan_id", "=", planId).orderBy("number").execute(),
    ]);
  const history = await db
    .selectFrom("audit_log")
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb("entity", "=", "plan"), eb("entity_id", "=", String(planId))]),
        eb.and([eb("entity", "=", "task"), eb("entity_id", "in", tasks.map((t) => String(t.id)).concat(["-"]))]),
      ]),
    )
    .orderBy("id")
    .execute();

  // Tasks may point at a source document of another plan (the import of last year's summary).
  const sourceIds = new Set(sources.map((s) => s.id));
  const extraSourceIds = [
    ...new Set(tasks.map((t) => t.source_document_id).filter((id): id is number => id !== null && !sourceIds.has(id))),
  ];
  if (extraSourceIds.length)
    sources.push(...(await db.selectFrom("source_documents").selectAll().where("id", "in", extraSourceIds).execute()));

  const userIds = new Set<number>();
  const addUser = (id: number | null) => id !== null && userIds.add(id);
  sources.forEach((s) => addUser(s.imported_by));
  tasks.forEach((t) => (addUser(t.lead_user_id), addUser(t.created_by)));
  updates.forEach((u) => addUser(u.author_id));
  metricValues.forEach((v) => addUser(v.reported_by));
  comments.forEach((c) => addUser(c.author_id));
  attachments.forEach((a) => addUser(a.uploaded_by));
  summaries.forEach((s) => addUser(s.author_id));
  extensions.forEach((e) => (addUser(e.requested_by), addUser(e.decided_by)));
  briefings.forEach((b) => addUser(b.issued_by));
  history.forEach((h) => addUser(h.actor_id));
  const users = userIds.size
    ? await db
        .selectFrom("users")
        .select(["id", "username", "display_name", "role", "unit_id", "disabled"])
        .where("id", "in", [...userIds])
        .orderBy("id")
        .execute()
    : [];

  const unitIds = new Set<number>();
  const addUnit = (id: number | null) => id !== null && unitIds.add(id);
  users.forEach((u) => addUnit(u.unit_id));
  taskUnits.forEach((tu) => addUnit(tu.unit_id));
  updates.forEach((u) => addUnit(u.unit_id));
  metricValues.forEach((v) => addUnit(v.unit_id));
  comments.forEach((c) => addUnit(c.target_unit_id));
  mentions.forEach((m) => addUnit(m.unit_id));
  extensions.forEach((e) => addUnit(e.unit_id));
  const units = unitIds.size
    ? await db
        .selectFrom("units")
        .select(["id", "name", "kind", "sort_order", "active"])
        .where("id", "in", [...unitIds])
        .orderBy("id")
        .execute()
    : [];

  const unitsByTask = new Map<number, { unit_id: number; role: "lead" | "support" }[]>();
  for (const tu of taskUnits) unitsByTask.set(tu.task_id, [...(unitsByTask.get(tu.task_id) ?? []), { unit_id: tu.unit_id, role: tu.role }]);
  const mentionsByComment = new Map<number, number[]>();
  for (const m of mentions) mentionsByComment.set(m.comment_id, [...(mentionsByComment.get(m.comment_id) ?? []), m.unit_id]);

  return {
    format: PLAN_DOCUMENT_FORMAT,
    version: PLAN_DOCUMENT_VERSION,
    exported_at: now.toISOString(),
    plan: {
      year: plan.year,
      title: plan.title,
      organization: plan.organization,
      status: plan.status,
      light_thresholds: plan.light_thresholds,
      created_at: plan.created_at,
      updated_at: plan.updated_at,
    },
    units: units.map((u) => ({ ...u, active: u.active ? 1 : 0 })),
    users: users.map((u) => ({ ...u, disabled: u.disabled ? 1 : 0 })),
    source_documents: sources.map(({ plan_id: _planId, ...s }) => s),
    // Links to another year's tasks (结转 both ways) do not travel with one plan.
    tasks: tasks.map(({ plan_id: _planId, carried_from_task_id: _carried, carried_to_task_id: _carriedTo, ...t }) => ({
      ...t,
      units: unitsByTask.get(t.id) ?? [],
    })),
    metrics: metrics.map(({ plan_id: _planId, ...m }) => m),
    updates: updates.map((u) => ({ ...u, needs_coordination: u.needs_coordination ? 1 : 0, is_demo: u.is_demo ? 1 : 0 })),
    metric_values: metricValues.map(({ id: _id, ...v }) => v),
    comments: comments.map((c) => ({ ...c, mention_unit_ids: mentionsByComment.get(c.id) ?? [] })),
    attachments: attachments.map(({ id: _id, ...a }) => a),
    summaries: summaries.map(({ id: _id, plan_id: _planId, ...s }) => s),
    extensions: extensions.map(({ id: _id, ...e }) => e),
    briefings: briefings.map(({ id: _id, plan_id: _planId, ...b }) => b),
    history: history.map((h) => ({
      actor_id: h.actor_id,
      action: h.action,
      entity: h.entity as "plan" | "task",
      entity_id: Number(h.entity_id),
      before_json: h.before_json,
      after_json: h.after_json,
      created_at: h.created_at,
    })),
  } satisfies PlanDocument;
}

// ---------------------------------------------------------------- import

export interface PlanImportResult {
  planId: number;
  year: number;
  tasks: number;
  metrics: number;
  updates: number;
  createdUnits: string[];
  /** Accounts that did not exist here: created 停用 (disabled) and must change password. */
  createdUsers: string[];
}

/**
 * Imports a checked document in ONE transaction: a plan year that already exists is a 409;
 * units and users are matched by name / username, missing ones are created — users 停用
 * (disabled) with a random password they must change, until an admin resets and enables them.
 */
export async function importPlan(
  db: AppDatabase,
  actorId: number | null,
  doc: PlanDocument,
  now: Date = new Date(),
): Promise<PlanImportResult> {
  // Imported accounts arrive 停用 with a password nobody knows, until an admin resets it; the
  // hash of one random secret serves them all, computed outside the transaction (argon2 is slow).
  const unknownPasswordHash = await hashPassword(randomBytes(24).toString("base64url"));
  const stamp = now.toISOString();
  try {
    return await db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom("plans").select("id").where("year", "=", doc.plan.year).executeTakeFirst();
      if (existing) conflict(`${doc.plan.year}年度计划已经存在，不能重复导入。请先确认是否导错了文件。`);

      const unitMap = new Map<number, number>();
      const createdUnits: string[] = [];
      for (const { id, ...unit } of doc.units) {
        const found = await trx.selectFrom("units").select("id").where("name", "=", unit.name).executeTakeFirst();
        if (found) {
          unitMap.set(id, found.id);
          continue;
        }
        const row = await trx
          .insertInto("units")
          .values({ ...unit, created_at: stamp, updated_at: stamp })
          .returning("id")
          .executeTakeFirstOrThrow();
        unitMap.set(id, row.id);
        createdUnits.push(unit.name);
      }
      const userMap = new Map<number, number>();
      const createdUsers: string[] = [];
      for (const user of doc.users) {
        const found = await trx.selectFrom("users").select("id").where("username", "=", user.username).executeTakeFirst();
        if (found) {
          userMap.set(user.id, found.id);
          continue;
        }
        const row = await trx
          .insertInto("users")
          .values({
            username: user.username,
            display_name: user.display_name,
            password_hash: unknownPasswordHash,
            role: user.role,
            unit_id: user.unit_id === null ? null : unitMap.get(user.unit_id)!,
            disabled: 1,
            must_change_password: 1,
            created_at: stamp,
            updated_at: stamp,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        userMap.set(user.id, row.id);
        createdUsers.push(user.username);
      }
      const unitOf = (id: number) => unitMap.get(id)!;
      const userOf = (id: number | null) => (id === null ? null : userMap.get(id)!);

      const plan = await trx
        .insertInto("plans")
        .values({ ...doc.plan })
        .returning("id")
        .executeTakeFirstOrThrow();

      const sourceMap = new Map<number, number>();
      for (const { id, ...source } of doc.source_documents) {
        // The same summary text may already be here (its sha256 is unique): reuse that row.
        const found = await trx.selectFrom("source_documents").select("id").where("sha256", "=", source.sha256).executeTakeFirst();
        const row =
          found ??
          (await trx
            .insertInto("source_documents")
            .values({ ...source, plan_id: plan.id, imported_by: userOf(source.imported_by) })
            .returning("id")
            .executeTakeFirstOrThrow());
        sourceMap.set(id, row.id);
      }

      const taskMap = new Map<number, number>();
      for (const { id, units, ...task } of doc.tasks) {
        const row = await trx
          .insertInto("tasks")
          .values({
            ...task,
            plan_id: plan.id,
            source_document_id: task.source_document_id === null ? null : sourceMap.get(task.source_document_id)!,
            carried_from_task_id: null,
            lead_user_id: userOf(task.lead_user_id),
            created_by: userOf(task.created_by),
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        taskMap.set(id, row.id);
        if (units.length) {
          await trx
            .insertInto("task_units")
            .values(units.map((u) => ({ task_id: row.id, unit_id: unitOf(u.unit_id), role: u.role })))
            .execute();
        }
      }
      const taskOf = (id: number) => taskMap.get(id)!;

      const metricMap = new Map<number, number>();
      for (const { id, ...metric } of doc.metrics) {
        const row = await trx
          .insertInto("metrics")
          .values({ ...metric, plan_id: plan.id, task_id: metric.task_id === null ? null : taskOf(metric.task_id) })
          .returning("id")
          .executeTakeFirstOrThrow();
        metricMap.set(id, row.id);
      }

      const updateMap = new Map<number, number>();
      for (const { id, ...update } of doc.updates) {
        const row = await trx
          .insertInto("updates")
          .values({
            ...update,
            task_id: taskOf(update.task_id),
            unit_id: unitOf(update.unit_id),
            author_id: userMap.get(update.author_id)!,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        updateMap.set(id, row.id);
      }

      await insertRows(trx, "metric_values", doc.metric_values, (v) => ({
        ...v,
        metric_id: metricMap.get(v.metric_id)!,
        unit_id: unitOf(v.unit_id),
        update_id: v.update_id === null ? null : updateMap.get(v.update_id)!,
        reported_by: userMap.get(v.reported_by)!,
      }));

      for (const { id: _id, mention_unit_ids, ...comment } of doc.comments) {
        const row = await trx
          .insertInto("comments")
          .values({
            ...comment,
            task_id: taskOf(comment.task_id),
            author_id: userMap.get(comment.author_id)!,
            target_unit_id: comment.target_unit_id === null ? null : unitOf(comment.target_unit_id),
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        if (mention_unit_ids.length) {
          await trx
            .insertInto("comment_mentions")
            .values(mention_unit_ids.map((unitId) => ({ comment_id: row.id, unit_id: unitOf(unitId) })))
            .execute();
        }
      }

      for (const attachment of doc.attachments) {
        // Files are not in the document; the key stays so copying the attachments folder along
        // makes them downloadable. A key already used here gets a fresh one (file not present).
        const taken = await trx.selectFrom("attachments").select("id").where("storage_key", "=", attachment.storage_key).executeTakeFirst();
        await trx
          .insertInto("attachments")
          .values({
            ...attachment,
            storage_key: taken ? randomBytes(18).toString("base64url") : attachment.storage_key,
            update_id: updateMap.get(attachment.update_id)!,
            task_id: taskOf(attachment.task_id),
            uploaded_by: userMap.get(attachment.uploaded_by)!,
          })
          .execute();
      }

      await insertRows(trx, "summaries", doc.summaries, (s) => ({ ...s, plan_id: plan.id, author_id: userOf(s.author_id) }));
      await insertRows(trx, "task_extensions", doc.extensions, (e) => ({
        ...e,
        task_id: taskOf(e.task_id),
        requested_by: userOf(e.requested_by),
        unit_id: e.unit_id === null ? null : unitOf(e.unit_id),
        decided_by: userOf(e.decided_by),
      }));
      await insertRows(trx, "briefings", doc.briefings, (b) => ({ ...b, plan_id: plan.id, issued_by: userOf(b.issued_by) }));
      await insertRows(trx, "audit_log", doc.history, (h) => ({
        ...h,
        actor_id: userOf(h.actor_id),
        entity_id: String(h.entity === "plan" ? plan.id : taskOf(h.entity_id)),
      }));

      const result: PlanImportResult = {
        planId: plan.id,
        year: doc.plan.year,
        tasks: doc.tasks.length,
        metrics: doc.metrics.length,
        updates: doc.updates.length,
        createdUnits,
        createdUsers,
      };
      await recordAudit(
        trx,
        { actorId, action: "plan.import", entity: "plan", entityId: plan.id, after: { ...result, exportedAt: doc.exported_at } },
        now,
      );
      return result;
    });
  } catch (error) {
    // A constraint the checks above did not foresee: refuse the document, nothing was written.
    if (error instanceof Error && /SQLITE_CONSTRAINT/.test(`${(error as { code?: string }).code ?? ""} ${error.message}`)) {
      badRequest(`导出文件中的数据与本系统的数据冲突，未导入任何数据（${error.message.replace(/^SQLITE_CONSTRAINT:\s*/, "")}）。`);
    }
    throw error;
  }
}

/** The document's rows of one table as `toRow` maps them, 500 a statement (well within SQLite's and PostgreSQL's bound-value limits). */
async function insertRows<T extends keyof Database & string, R>(
  trx: Transaction<Database>,
  table: T,
  rows: R[],
  toRow: (row: R) => InsertObject<Database, T>,
) {
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + 500).map(toRow))
      .execute();
  }
}

/** A download of one plan as JSON (admin page; the CLI writes the same document). */
export async function planDocumentResponse(db: AppDatabase, year: number): Promise<Response> {
  const doc = await exportPlan(db, year);
  const fileName = `${doc.plan.organization}${year}年重点工作.json`;
  return new Response(JSON.stringify(doc, null, 1), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="plan-${year}.json"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      "Cache-Control": "no-store",
    },
  });
}
