// The floor the product is measured against: the same work with no framework. A plain
// node:http server over the same sqlite3 file runs the same board queries and renders the
// same cards as template strings; a move is the same UPDATE in a transaction; the KPI page
// is the same SQL aggregate. The pure rules (lights, KPI arithmetic) are shared, so only
// the framework's cost is measured.
import { createServer } from "node:http";
import sqlite3 from "sqlite3";
import { computeLight, DEFAULT_LIGHT_THRESHOLDS } from "../../app/lib/lights";
import { percentOfTarget } from "../../app/lib/kpi";
import { actualFromTotals } from "../../app/lib/kpi-report";
import { classifyMove } from "../../app/lib/board";
import { positionBetween } from "../../app/lib/positions";
import type { TaskStatus } from "../../db/schema";
import { weekTotalsQuery } from "../../app/models/metric-totals.server";
import { cardMetricsQuery, latestUpdatesQuery, pickLatestUpdates } from "../../app/routes/board/cards.server";
import { openDatabase } from "../../db/index";

// The app's own aggregate statements (KPI figures, card actuals, latest 填报), compiled to plain SQL text.
const compiler = openDatabase(":memory:");

const path = process.env.DATABASE_PATH!;
const port = Number(process.env.PORT);
const db = new sqlite3.Database(path);
db.configure("busyTimeout", 5000);

const all = <T>(query: string, params: unknown[] = []) =>
  new Promise<T[]>((resolve, reject) => db.all(query, params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
const run = (query: string, params: unknown[] = []) =>
  new Promise<void>((resolve, reject) => db.run(query, params, (err) => (err ? reject(err) : resolve())));

const escape = (s: unknown) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

interface TaskRow {
  id: number;
  code: string;
  title: string;
  status: "not_started" | "in_progress" | "pending_review" | "done";
  position: string;
  start_date: string | null;
  due_date: string | null;
  progress: number;
  created_at: string;
  origin_ref: string | null;
  lead_user_name: string | null;
}

async function boardHtml(year: number, today: string): Promise<string> {
  const [plan] = await all<{ id: number }>("select id from plans where year = ?", [year]);
  if (!plan) return "<p>no plan</p>";
  const tasks = await all<TaskRow>(
    `select t.id, t.code, t.title, t.status, t.position, t.start_date, t.due_date, t.progress, t.created_at, t.origin_ref,
            u.display_name as lead_user_name
       from tasks t left join users u on u.id = t.lead_user_id where t.plan_id = ? order by t.position`,
    [plan.id],
  );
  const units = await all<{ task_id: number; role: string; name: string }>(
    `select tu.task_id, tu.role, un.name from task_units tu join units un on un.id = tu.unit_id
       join tasks t on t.id = tu.task_id where t.plan_id = ? order by un.sort_order, un.id`,
    [plan.id],
  );
  // The app's own statements for the latest 填报 and the metrics with their totals, compiled to plain SQL.
  const latestSql = latestUpdatesQuery(compiler, plan.id).compile();
  const latestRows = await all<{ task_id: number; week: string; progress: number; updated_at: string }>(latestSql.sql, [
    ...latestSql.parameters,
  ]);
  const metricsSql = cardMetricsQuery(compiler, plan.id).compile();
  const metrics = await all<{
    id: number;
    task_id: number;
    name: string;
    unit: string;
    baseline: number | null;
    target: number | null;
    direction: "up";
    aggregation: "sum" | "latest";
    amount: number | null;
    latest_sum: number | null;
    unit_count: number | null;
  }>(metricsSql.sql, [...metricsSql.parameters]);
  const group = <T extends { task_id: number }>(rows: T[]) => {
    const map = new Map<number, T[]>();
    for (const row of rows) map.set(row.task_id, [...(map.get(row.task_id) ?? []), row]);
    return map;
  };
  const unitsBy = group(units);
  const latestBy = pickLatestUpdates(latestRows);
  const metricsBy = group(metrics);
  const columns = ["not_started", "in_progress", "pending_review", "done"] as const;
  const cards = (status: string) =>
    tasks
      .filter((t) => t.status === status)
      .map((t) => {
        const last = latestBy.get(t.id);
        const light = computeLight(
          {
            status: t.status,
            startDate: t.start_date,
            dueDate: t.due_date,
            progress: last?.progress ?? t.progress,
            lastUpdateWeek: last?.week ?? null,
            createdAt: t.created_at,
          },
          { today, planStart: `${year}-01-01`, thresholds: DEFAULT_LIGHT_THRESHOLDS },
        );
        const bars = (metricsBy.get(t.id) ?? [])
          .map((m) => {
            const actual = actualFromTotals(
              m,
              m.unit_count != null ? { amount: m.amount!, latestSum: m.latest_sum!, unitCount: m.unit_count } : null,
            );
            return `<li>${escape(m.name)} ${actual ?? "—"}/${m.target ?? "—"}${escape(m.unit)} ${percentOfTarget(m, actual) ?? ""}%</li>`;
          })
          .join("");
        const taskUnits = unitsBy.get(t.id) ?? [];
        return `<li class="card"><span>${escape(t.code)}</span><h3>${escape(t.title)}</h3><p>${escape(t.origin_ref)}</p>
<p>${taskUnits.map((u) => escape(u.name)).join("、")}</p><p>${escape(t.lead_user_name)} ${escape(t.due_date)} ${last?.progress ?? t.progress}%</p>
<p>${light.light} ${escape(light.reasons.join("；"))}</p><ul>${bars}</ul></li>`;
      })
      .join("");
  return `<!DOCTYPE html><html lang="zh-CN"><body>${columns.map((c) => `<section><h2>${c}</h2><ol>${cards(c)}</ol></section>`).join("")}</body></html>`;
}

/**
 * A move as the product must do it: in one transaction, the version check, the new key after
 * the column's last card, the UPDATE, the plan's change counter (the board's poll) and the
 * audit row of the transition; then the moved card's row read back for the answer.
 */
async function move(taskId: number, toStatus: string, version: number, reason: string): Promise<{ status: number; body: string }> {
  await run("begin immediate");
  let task: { plan_id: number; status: string; position: string; version: number } | undefined;
  let position: string;
  try {
    [task] = await all<{ plan_id: number; status: string; position: string; version: number }>(
      "select plan_id, status, position, version from tasks where id = ?",
      [taskId],
    );
    if (!task || task.version !== version) {
      await run("rollback");
      return { status: 409, body: "{}" };
    }
    const [last] = await all<{ position: string }>(
      "select position from tasks where plan_id = ? and status = ? and id != ? order by position desc limit 1",
      [task.plan_id, toStatus, taskId],
    );
    position = positionBetween(last?.position ?? null, null);
    const now = new Date().toISOString();
    await run("update tasks set status = ?, position = ?, version = version + 1, updated_at = ? where id = ?", [
      toStatus,
      position,
      now,
      taskId,
    ]);
    const kind = classifyMove(task.status as TaskStatus, toStatus as TaskStatus);
    if (kind === "reject" || kind === "verify") {
      await run("insert into comments (task_id, author_id, kind, body, created_at) values (?, 2, ?, ?, ?)", [
        taskId,
        kind,
        reason || "验收通过，已销号。",
        now,
      ]);
    }
    await run("update plans set change_seq = change_seq + 1 where id = ?", [task.plan_id]);
    await run(
      "insert into audit_log (actor_id, action, entity, entity_id, before_json, after_json, created_at) values (?, ?, 'task', ?, ?, ?, ?)",
      [
        2,
        kind === "advance" ? "task.move" : `task.${kind}`,
        String(taskId),
        JSON.stringify({ status: task.status, position: task.position, version: task.version }),
        JSON.stringify({ from: task.status, to: toStatus, position, version: version + 1, ...(reason ? { reason } : {}) }),
        now,
      ],
    );
    await run("commit");
  } catch (error) {
    await run("rollback");
    throw error;
  }
  const [card] = await all(
    `select t.id, t.code, t.title, t.status, t.position, t.version, t.start_date, t.due_date, t.progress, u.display_name as lead_user_name
       from tasks t left join users u on u.id = t.lead_user_id where t.id = ?`,
    [taskId],
  );
  return { status: 200, body: JSON.stringify({ ok: true, card }) };
}

/**
 * A weekly 填报 as raw INSERTs in one transaction: the update, its metric values, an audit row
 * for each, the task's progress and the plan's change counter (the rows the product writes).
 */
async function postUpdate(
  taskId: number,
  unitId: number,
  userId: number,
  week: string,
  progress: number,
  values: [number, number][],
): Promise<number> {
  const now = new Date().toISOString();
  await run("begin immediate");
  try {
    const [task] = await all<{ plan_id: number }>("select plan_id from tasks where id = ?", [taskId]);
    if (!task) {
      await run("rollback");
      return 404;
    }
    const body = "本周按计划推进，完成走访和台账整理。";
    const [update] = await all<{ id: number }>(
      "insert into updates (task_id, unit_id, author_id, week, body, progress, next_steps, blockers, needs_coordination, created_at, updated_at) values (?, ?, ?, ?, ?, ?, '继续推进', '', 0, ?, ?) returning id",
      [taskId, unitId, userId, week, body, progress, now, now],
    );
    const audit =
      "insert into audit_log (actor_id, action, entity, entity_id, before_json, after_json, created_at) values (?, ?, ?, ?, null, ?, ?)";
    await run(audit, [
      userId,
      "update.create",
      "update",
      String(update.id),
      JSON.stringify({ taskId, unitId, week, body, progress, version: 1 }),
      now,
    ]);
    if (values.length > 0) {
      // The values in one INSERT and their audit rows in another, as the app writes them.
      await run(
        `insert into metric_values (metric_id, unit_id, week, value, update_id, reported_by, reported_at) values ${values.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
        values.flatMap(([metricId, value]) => [metricId, unitId, week, value, update.id, userId, now]),
      );
      await run(
        `insert into audit_log (actor_id, action, entity, entity_id, before_json, after_json, created_at) values ${values.map(() => "(?, ?, ?, ?, null, ?, ?)").join(", ")}`,
        values.flatMap(([metricId, value]) => [
          userId,
          "metric_value.set",
          "metric_value",
          `${metricId}:${unitId}:${week}`,
          JSON.stringify({ metricId, unitId, week, value, updateId: update.id }),
          now,
        ]),
      );
    }
    await run("update tasks set progress = ? where id = ? and progress != ?", [progress, taskId, progress]);
    await run("update plans set change_seq = change_seq + 1 where id = ?", [task.plan_id]);
    await run("commit");
    return 200;
  } catch (error) {
    await run("rollback");
    throw error;
  }
}

async function kpiJson(year: number): Promise<string> {
  const [plan] = await all<{ id: number }>("select id from plans where year = ?", [year]);
  if (!plan) return "[]";
  const metrics = await all(
    "select id, name, unit, baseline, target, direction, aggregation, category from metrics where plan_id = ? order by category, sort_order, id",
    [plan.id],
  );
  const { sql, parameters } = weekTotalsQuery(plan.id).compile(compiler);
  const totals = await all(sql, [...parameters]);
  return JSON.stringify({ metrics, totals });
}

// Serialise like the app's single connection does, so both hold one writer at a time.
let chain: Promise<unknown> = Promise.resolve();
const serial = <T>(work: () => Promise<T>) => {
  const next = chain.then(work, work);
  chain = next.catch(() => undefined);
  return next;
};

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const year = Number(url.searchParams.get("year"));
  const today = url.searchParams.get("today") ?? new Date().toISOString().slice(0, 10);
  const reply = (status: number, body: string, type = "text/html; charset=utf-8") => {
    res.writeHead(status, { "Content-Type": type });
    res.end(body);
  };
  if (url.pathname === "/board") {
    serial(() => boardHtml(year, today)).then(
      (html) => reply(200, html),
      (e) => reply(500, String(e)),
    );
  } else if (url.pathname === "/move" && req.method === "POST") {
    const taskId = Number(url.searchParams.get("taskId"));
    const reason = url.searchParams.get("reason") ?? "";
    serial(() => move(taskId, String(url.searchParams.get("to")), Number(url.searchParams.get("version")), reason)).then(
      ({ status, body }) => reply(status, body, "application/json"),
      (e) => reply(500, String(e)),
    );
  } else if (url.pathname === "/update" && req.method === "POST") {
    const n = (name: string) => Number(url.searchParams.get(name));
    const values = url.searchParams.getAll("value").map((v) => v.split(":").map(Number) as [number, number]);
    serial(() => postUpdate(n("taskId"), n("unitId"), n("userId"), String(url.searchParams.get("week")), n("progress"), values)).then(
      (status) => reply(status, "{}", "application/json"),
      (e) => reply(500, String(e)),
    );
  } else if (url.pathname === "/kpi") {
    serial(() => kpiJson(year)).then(
      (json) => reply(200, json, "application/json"),
      (e) => reply(500, String(e)),
    );
  } else {
    reply(404, "not found");
  }
});
server.listen(port, "127.0.0.1", () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => server.close(() => db.close(() => process.exit(0))));
