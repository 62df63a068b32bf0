// `npm run db:copy`: the first start's demo plan, moved from SQLite to PostgreSQL, has the same
// rows and gives the same board and KPI pages. Needs TEST_DATABASE_URL (runs in the PostgreSQL run).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copySqliteToPostgres, tablesInForeignKeyOrder } from "../../db/copy";
import { migrateToLatest, openDatabase } from "../../db/index";
import { openPostgres } from "../../db/postgres";
import { bootstrapIfEmpty } from "../../app/models/bootstrap.server";
import { createSession, generateSessionToken, SESSION_COOKIE_NAME } from "../../app/utils/session.server";
import * as board from "../../app/routes/board/route";
import * as kpi from "../../app/routes/kpi/route";
import * as metric from "../../app/routes/kpi_.$metricId";
import { closeDb, getDb } from "../../app/utils/db.server";
import { callLoader, makeRequest, TEST_PASSWORD } from "./helpers";
import { createDatabase, dropDatabase, testDatabaseUrl, uniqueDatabaseName } from "./pg";

const pgUrl = testDatabaseUrl();
const created: string[] = [];
const saved = { url: process.env.DATABASE_URL, path: process.env.DATABASE_PATH };

afterAll(async () => {
  await closeDb();
  process.env.DATABASE_URL = saved.url;
  process.env.DATABASE_PATH = saved.path;
  for (const name of created) await dropDatabase(pgUrl!, name);
});

async function emptyPostgres(): Promise<string> {
  const name = uniqueDatabaseName("kanban_copy");
  created.push(name);
  return createDatabase(pgUrl!, name);
}

/** Runs `fn` with the app's database handle on the given installation. */
async function onInstallation<T>(where: { url?: string; path: string }, fn: () => Promise<T>): Promise<T> {
  await closeDb();
  if (where.url) process.env.DATABASE_URL = where.url;
  else delete process.env.DATABASE_URL;
  process.env.DATABASE_PATH = where.path;
  try {
    return await fn();
  } finally {
    await closeDb();
  }
}

describe.runIf(pgUrl)("db:copy from SQLite to PostgreSQL", () => {
  it("copies the demo plan in foreign-key order with equal counts, and both give the same board and KPI pages", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kanban-copy-"));
    const path = join(dir, "app.sqlite");
    const source = openDatabase(path);
    await migrateToLatest(source);
    await bootstrapIfEmpty(source, { production: false, demoPassword: TEST_PASSWORD });
    // A signed-in leader: the session row travels too, so the same cookie works on both.
    const leader = await source.selectFrom("users").select("id").where("username", "=", "leader").executeTakeFirstOrThrow();
    const token = generateSessionToken();
    await createSession(source, token, leader.id);
    const cookie = `${SESSION_COOKIE_NAME}=${token}`;
    const order = await tablesInForeignKeyOrder(source);
    expect(order.indexOf("units")).toBeLessThan(order.indexOf("users"));
    expect(order.indexOf("tasks")).toBeLessThan(order.indexOf("task_units"));
    expect(order.indexOf("updates")).toBeLessThan(order.indexOf("metric_values"));
    const sourceCounts: Record<string, number> = {};
    for (const table of order) {
      sourceCounts[table] = Number(
        (
          await source
            .selectFrom(table as "units")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    }
    await source.destroy();
    expect(sourceCounts.tasks).toBe(20); // the demo story: last year's 10 tasks and this year's 10
    expect(sourceCounts.metrics).toBeGreaterThan(50);
    expect(sourceCounts.metric_values).toBeGreaterThan(0);

    const url = await emptyPostgres();
    const lines: string[] = [];
    const result = await copySqliteToPostgres(path, url, { log: (line) => lines.push(line) });
    expect(Object.fromEntries(result.tables.map((t) => [t.table, t.rows]))).toEqual(sourceCounts);
    expect(lines).toHaveLength(order.length);

    const target = openPostgres(url);
    for (const table of order) {
      const n = (
        await target
          .selectFrom(table as "units")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n;
      expect([table, n]).toEqual([table, sourceCounts[table]]);
    }
    // Sequences continue after the copied ids.
    const now = new Date().toISOString();
    const maxUnit = (
      await target
        .selectFrom("units")
        .select((eb) => eb.fn.max("id").as("id"))
        .executeTakeFirstOrThrow()
    ).id;
    const added = await target
      .insertInto("units")
      .values({ name: "复制后新增", kind: "office", created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(added.id).toBe(Number(maxUnit) + 1);
    await target.deleteFrom("units").where("id", "=", added.id).execute();
    await target.destroy();

    const pages = async () => {
      const boardPage = await callLoader(board.loader, makeRequest("/board?year=2025", { cookie }));
      const kpiPage = await callLoader(kpi.loader, makeRequest("/kpi?year=2025&scope=all", { cookie }));
      const firstMetric = await getDb()
        .selectFrom("metric_values")
        .select("metric_id")
        .orderBy("metric_id")
        .limit(1)
        .executeTakeFirstOrThrow();
      const metricPage = await callLoader(metric.loader, makeRequest(`/kpi/${firstMetric.metric_id}`, { cookie }), {
        params: { metricId: String(firstMetric.metric_id) },
      });
      return { boardPage, kpiPage, metricPage };
    };
    const onSqlite = await onInstallation({ path }, pages);
    const onPg = await onInstallation({ url, path: join(dir, "pg", "app.sqlite") }, pages);
    expect(onSqlite.boardPage.status).toBe(200);
    expect(onSqlite.boardPage.data.board).not.toBeNull();
    expect(onSqlite.kpiPage.status).toBe(200);
    expect(onSqlite.metricPage.status).toBe(200);
    expect(onPg.boardPage.data).toEqual(onSqlite.boardPage.data);
    expect(onPg.kpiPage.data).toEqual(onSqlite.kpiPage.data);
    expect(onPg.metricPage.data).toEqual(onSqlite.metricPage.data);
  });

  it("refuses a target that already holds data and leaves it as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kanban-copy-"));
    const path = join(dir, "app.sqlite");
    const source = openDatabase(path);
    await migrateToLatest(source);
    await bootstrapIfEmpty(source, { production: false, demoPassword: TEST_PASSWORD });
    await source.destroy();
    const url = await emptyPostgres();
    await copySqliteToPostgres(path, url);
    const target = openPostgres(url);
    const before = await target.selectFrom("tasks").select(["id", "title", "version"]).orderBy("id").execute();
    await target.destroy();
    await expect(copySqliteToPostgres(path, url)).rejects.toThrow(/不是空的/);
    const again = openPostgres(url);
    expect(await again.selectFrom("tasks").select(["id", "title", "version"]).orderBy("id").execute()).toEqual(before);
    await again.destroy();
  });

  it("refuses a source that is not migrated to the current version", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kanban-copy-"));
    const path = join(dir, "old.sqlite");
    const old = openDatabase(path);
    await old.schema
      .createTable("units")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .execute();
    await old.destroy();
    await expect(copySqliteToPostgres(path, await emptyPostgres())).rejects.toThrow(/npm run migrate/);
  });
});
