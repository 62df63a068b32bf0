// A large plan for the benchmarks, in its own database: 1,000 tasks over 12 units and 20
// leaders, 500 metrics, 52 weeks of updates and values, comments and history. Seeded, so
// every run measures the same data.
import { sql } from "kysely";
import { migrateToLatest, openDatabase, type AppDatabase } from "../../db/index";
import { bootstrapIfEmpty } from "../../app/models/bootstrap.server";
import { hashPassword } from "../../app/utils/password.server";
import { initialPositions } from "../../app/lib/positions";
import { weeksBetween } from "../../app/lib/weeks";
import { seededRandom } from "../seeded-random";

export const LARGE_PLAN_YEAR = 2024;
export const BENCH_PASSWORD = "bench-pass-2024";

export interface LargePlanSize {
  tasks: number;
  leaders: number;
  metrics: number;
  weeks: number;
}

/** Secretaries beyond one per unit (units 1…8 get a second): 12 + 8 = 20 for `update-post`. */
export const EXTRA_SECRETARIES = 8;

export const FULL_SIZE: LargePlanSize = { tasks: 1000, leaders: 20, metrics: 500, weeks: 52 };
/** A 40-card plan (a district's usual year) beside the large one, for `board-page-40`. */
export const MEDIUM_PLAN_YEAR = 2023;
export const MEDIUM_SIZE: LargePlanSize = { tasks: 40, leaders: 20, metrics: 20, weeks: 52 };

const STATUSES = ["not_started", "in_progress", "in_progress", "in_progress", "pending_review", "done"] as const;
const CATEGORIES = ["党建", "经济", "政务服务", "城市管理", "安全生产", "民生保障", "宣传"];
const VERBS = ["推进", "落实", "加强", "完善", "开展", "提升", "深化", "优化"];
const TOPICS = [
  "基层党组织建设",
  "安全隐患排查",
  "物业小区治理",
  "政务服务事项办理",
  "招商引资",
  "低保动态管理",
  "防汛抗旱",
  "就业帮扶",
  "矛盾纠纷调处",
  "老旧小区改造",
];
const METRIC_NAMES: Array<[string, string, "sum" | "latest"]> = [
  ["排查商户", "次", "sum"],
  ["整改隐患", "处", "sum"],
  ["走访群众", "户", "sum"],
  ["招商额", "万元", "sum"],
  ["固定资产投资", "万元", "sum"],
  ["宣传活动", "场", "sum"],
  ["培训人次", "人次", "sum"],
  ["满意率", "%", "latest"],
];

async function insertInBatches(db: AppDatabase, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]).length;
  const batch = Math.max(1, Math.floor(30000 / columns));
  for (let i = 0; i < rows.length; i += batch) {
    await db
      .insertInto(table as never)
      .values(rows.slice(i, i + batch) as never)
      .execute();
  }
}

export async function generateLargePlan(path: string, size: LargePlanSize = FULL_SIZE, seed = 20240101): Promise<void> {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const db = openDatabase(path);
  await migrateToLatest(db);
  await bootstrapIfEmpty(db, { production: false, demoPassword: BENCH_PASSWORD, now: new Date("2025-03-03T02:00:00Z"), seedOnly: true });
  const now = "2024-12-31T08:00:00.000Z";
  const passwordHash = await hashPassword(BENCH_PASSWORD);

  const units = await db.selectFrom("units").select(["id", "name"]).orderBy("id").execute();
  const leaderRows = Array.from({ length: size.leaders - 1 }, (_, i) => ({
    username: `leader${i + 2}`,
    display_name: `领导${i + 2}`,
    password_hash: passwordHash,
    role: "leader",
    unit_id: null,
    created_at: now,
    updated_at: now,
  }));
  const secretaryRows = units.map((unit, i) => ({
    username: `sec${i + 1}`,
    display_name: `${unit.name}书记`,
    password_hash: passwordHash,
    role: "secretary",
    unit_id: unit.id,
    created_at: now,
    updated_at: now,
  }));
  // A second secretary in the first units, so that `update-post` has 20 secretaries posting at once.
  const extraSecretaryRows = units.slice(0, Math.max(0, EXTRA_SECRETARIES)).map((unit, i) => ({
    username: `sec${i + 1}b`,
    display_name: `${unit.name}副书记`,
    password_hash: passwordHash,
    role: "secretary",
    unit_id: unit.id,
    created_at: now,
    updated_at: now,
  }));
  await insertInBatches(db, "users", [...leaderRows, ...secretaryRows, ...extraSecretaryRows]);
  const leaders = await db.selectFrom("users").select("id").where("role", "=", "leader").orderBy("id").execute();
  const secretaries = await db
    .selectFrom("users")
    .select(["id", "unit_id"])
    .where("role", "=", "secretary")
    .where("username", "like", "sec%")
    .execute();
  const secretaryOf = new Map(secretaries.map((s) => [s.unit_id!, s.id]));

  /** One plan of `planSize` in the shared units and users. */
  async function addPlan(year: number, planSize: LargePlanSize): Promise<void> {
    const plan = await db
      .insertInto("plans")
      .values({
        year: year,
        title: `压力测试${year}年重点工作`,
        organization: "压力测试街道",
        status: "active",
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();

    const statuses = Array.from({ length: planSize.tasks }, () => pick(STATUSES));
    const positions = new Map<string, string[]>();
    for (const status of new Set(statuses)) positions.set(status, initialPositions(statuses.filter((s) => s === status).length));
    const taskRows = statuses.map((status, i) => {
      const due = `${year}-${String(3 + Math.floor(random() * 10)).padStart(2, "0")}-28`;
      return {
        plan_id: plan.id,
        code: `${year}-${String(i + 1).padStart(4, "0")}`,
        title: `${pick(VERBS)}${pick(TOPICS)}（第${i + 1}项）`,
        description: `${pick(VERBS)}${pick(TOPICS)}，确保按期完成。`,
        category: pick(CATEGORIES),
        origin: i % 10 === 0 ? "problem" : "key_work",
        origin_ref: i % 10 === 0 ? `三.${(i % 3) + 1}` : `四.${(i % 7) + 1}`,
        lead_user_id: pick(leaders).id,
        status,
        position: positions.get(status)!.shift()!,
        start_date: `${year}-01-01`,
        due_date: due,
        progress: status === "done" ? 100 : Math.floor(random() * 90),
        done_at: status === "done" ? `${due}T08:00:00.000Z` : null,
        created_at: now,
        updated_at: now,
      };
    });
    await insertInBatches(db, "tasks", taskRows);
    const tasks = await db.selectFrom("tasks").select(["id", "status"]).where("plan_id", "=", plan.id).orderBy("id").execute();

    const taskUnits: Record<string, unknown>[] = [];
    const leadUnitOf = new Map<number, number>();
    for (const task of tasks) {
      const lead = pick(units).id;
      leadUnitOf.set(task.id, lead);
      taskUnits.push({ task_id: task.id, unit_id: lead, role: "lead" });
      const support = pick(units).id;
      if (support !== lead) taskUnits.push({ task_id: task.id, unit_id: support, role: "support" });
    }
    await insertInBatches(db, "task_units", taskUnits);

    const metricRows = Array.from({ length: planSize.metrics }, (_, i) => {
      const [name, unit, aggregation] = METRIC_NAMES[i % METRIC_NAMES.length];
      const baseline = unit === "%" ? 90 : 100 + Math.floor(random() * 2000);
      return {
        // Three metrics per task on every other pair of tasks (a weekly update fills three values).
        plan_id: plan.id,
        task_id: tasks[(Math.floor(i / 3) * 2) % tasks.length].id,
        name,
        unit,
        baseline,
        target: unit === "%" ? 95 : Math.round(baseline * 1.1),
        direction: "up",
        aggregation,
        category: pick(CATEGORIES),
        sort_order: 0,
        created_at: now,
        updated_at: now,
      };
    });
    await insertInBatches(db, "metrics", metricRows);
    const metrics = await db.selectFrom("metrics").select(["id", "unit"]).where("plan_id", "=", plan.id).orderBy("id").execute();

    const weeks = weeksBetween(`${year}-W01`, `${year}-W${String(planSize.weeks).padStart(2, "0")}`);
    const updates: Record<string, unknown>[] = [];
    for (const task of tasks) {
      if (task.status === "not_started") continue;
      const unitId = leadUnitOf.get(task.id)!;
      weeks.forEach((week, w) => {
        updates.push({
          task_id: task.id,
          unit_id: unitId,
          author_id: secretaryOf.get(unitId)!,
          week,
          body: `第${w + 1}周按计划推进，完成阶段性工作。`,
          progress: Math.min(100, Math.round(((w + 1) / weeks.length) * 100)),
          next_steps: "继续推进",
          blockers: w % 13 === 0 ? "需协调相关部门" : "",
          needs_coordination: w % 13 === 0 ? 1 : 0,
          created_at: now,
          updated_at: now,
        });
      });
    }
    await insertInBatches(db, "updates", updates);

    const values: Record<string, unknown>[] = [];
    for (const metric of metrics) {
      for (const unit of units) {
        for (const week of weeks) {
          values.push({
            metric_id: metric.id,
            unit_id: unit.id,
            week,
            value: metric.unit === "%" ? 85 + Math.floor(random() * 15) : Math.floor(random() * 10),
            reported_by: secretaryOf.get(unit.id)!,
            reported_at: now,
          });
        }
      }
    }
    await insertInBatches(db, "metric_values", values);

    const comments: Record<string, unknown>[] = [];
    const audit: Record<string, unknown>[] = [];
    for (const task of tasks) {
      comments.push({
        task_id: task.id,
        author_id: pick(leaders).id,
        kind: "comment",
        body: "请加快进度，按时报送佐证材料。",
        created_at: now,
      });
      if (task.status === "done")
        comments.push({ task_id: task.id, author_id: pick(leaders).id, kind: "verify", body: "验收通过", created_at: now });
      audit.push({
        actor_id: pick(leaders).id,
        action: "task.create",
        entity: "task",
        entity_id: String(task.id),
        before_json: null,
        after_json: "{}",
        created_at: now,
      });
      audit.push({
        actor_id: pick(leaders).id,
        action: "task.move",
        entity: "task",
        entity_id: String(task.id),
        before_json: '{"status":"not_started"}',
        after_json: `{"status":"${task.status}"}`,
        created_at: now,
      });
    }
    await insertInBatches(db, "comments", comments);
    await insertInBatches(db, "audit_log", audit);
  }

  await addPlan(LARGE_PLAN_YEAR, size);
  // Past years accumulate: the 40-card board is measured in the database that holds the large plan.
  await addPlan(MEDIUM_PLAN_YEAR, MEDIUM_SIZE);
  await sql`analyze`.execute(db);
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  await db.destroy();
}
