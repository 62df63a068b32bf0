// One task in full for its detail panel: the card, its fields, metrics, history and updates.
import type { AppDatabase } from "../../../db/index";
import type { TaskStatus } from "../../../db/schema";
import { type BoardCard } from "~/lib/board";
import { percentOfTarget } from "~/lib/kpi";
import { describeChanges, type FieldChange, type MetricSnapshot, type TaskSnapshot } from "~/lib/task-changes";
import { getPlan, type PlanInfo } from "~/models/plans.server";
import { getBoardCard } from "~/routes/board/cards.server";
import { parseJson, taskSnapshot } from "~/routes/board/tasks.server";
import { extensionHistoryText, type ExtensionAudit } from "~/models/extensions.server";
import { userName } from "~/models/names.server";

export interface HistoryEntry {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  /** For moves: from and to status, and the reason or note. */
  from?: TaskStatus;
  to?: TaskStatus;
  reason?: string;
  /** What the reason line is called ("驳回原因", "申请理由"); "说明" when absent. */
  reasonLabel?: string;
  /** The entry in words, when it is not a move or an edit (延期申请). */
  text?: string;
  changes?: FieldChange[];
}

export interface TaskDetail {
  plan: PlanInfo;
  card: BoardCard;
  snapshot: TaskSnapshot;
  sourceExcerpt: string | null;
  doneAt: string | null;
  createdAt: string;
  metrics: (MetricSnapshot & { actual: number | null; percent: number | null })[];
  history: HistoryEntry[];
  updates: {
    id: number;
    week: string;
    unit: string;
    author: string;
    body: string;
    progress: number;
    blockers: string;
    nextSteps: string;
  }[];
}

interface MoveAudit {
  from: TaskStatus;
  to: TaskStatus;
  reason?: string;
}

export async function getTaskDetail(db: AppDatabase, taskId: number, today: string): Promise<TaskDetail | null> {
  const row = await db
    .selectFrom("tasks")
    .select(["plan_id", "source_excerpt", "done_at", "created_at"])
    .where("id", "=", taskId)
    .executeTakeFirst();
  if (!row) return null;
  const plan = (await getPlan(db, row.plan_id))!;
  const card = await getBoardCard(db, plan, taskId, today);
  const snapshot = await taskSnapshot(db, taskId);
  if (!card || !snapshot) return null;

  const audit = await db
    .selectFrom("audit_log")
    .selectAll("audit_log")
    .select((eb) => userName(eb, "audit_log.actor_id").as("display_name"))
    .where("audit_log.entity", "=", "task")
    .where("audit_log.entity_id", "=", String(taskId))
    .orderBy("audit_log.created_at", "desc")
    .orderBy("audit_log.id", "desc")
    .limit(200)
    .execute();
  const history: HistoryEntry[] = audit.map((entry) => {
    const base = { id: entry.id, at: entry.created_at, actor: entry.display_name ?? null, action: entry.action };
    if (entry.action.startsWith("task.extension_") || entry.action === "task.extend") {
      // An approval records the task's snapshot with the request under `extension`; the others the request itself.
      const after = parseJson<Partial<ExtensionAudit> & { extension?: ExtensionAudit }>(entry.after_json);
      const { text, reason, reasonLabel } = extensionHistoryText(entry.action, after?.extension ?? after);
      return { ...base, text, reason: reason || undefined, reasonLabel };
    }
    if (entry.action === "task.update") {
      const before = parseJson<TaskSnapshot>(entry.before_json);
      const after = parseJson<TaskSnapshot>(entry.after_json);
      return { ...base, changes: before && after ? describeChanges(before, after) : [] };
    }
    const move = parseJson<MoveAudit>(entry.after_json);
    if (entry.action.startsWith("task.") && move?.from && move?.to) {
      return { ...base, from: move.from, to: move.to, reason: move.reason || undefined };
    }
    return base;
  });

  // The card's actuals (aggregated in SQL, like the board's bars).
  const actuals = new Map(card.metrics.map((m) => [m.id, m]));
  const metrics = snapshot.metrics.map((m) => {
    const actual = actuals.get(m.id)?.actual ?? null;
    return { ...m, actual, percent: percentOfTarget(m, actual) };
  });

  const updates = await db
    .selectFrom("updates")
    .innerJoin("units", "units.id", "updates.unit_id")
    .select((eb) => [
      "updates.id",
      "updates.week",
      "units.name as unit",
      userName(eb, "updates.author_id").$notNull().as("author"),
      "updates.body",
      "updates.progress",
      "updates.blockers",
      "updates.next_steps as nextSteps",
    ])
    .where("updates.task_id", "=", taskId)
    .orderBy("updates.week", "desc")
    .orderBy("units.sort_order")
    .limit(50)
    .execute();

  return {
    plan,
    card,
    snapshot,
    sourceExcerpt: row.source_excerpt,
    doneAt: row.done_at,
    createdAt: row.created_at,
    metrics,
    history,
    updates,
  };
}
