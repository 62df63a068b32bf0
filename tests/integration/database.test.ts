import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { migrateToLatest, openDatabase } from "../../db/index";
import { openPostgres } from "../../db/postgres";
import { bootstrapIfEmpty, demoYears, UNIT_SECRETARIES } from "../../app/models/bootstrap.server";
import { toDateKey } from "../../app/lib/weeks";
import { verifyPassword } from "../../app/utils/password.server";
import { createDatabase, dropDatabase, testDatabaseUrl, uniqueDatabaseName } from "./pg";

// On PostgreSQL (TEST_DATABASE_URL) every fresh database is a new, empty PostgreSQL database.
const pgUrl = testDatabaseUrl();
const onPostgres = Boolean(process.env.DATABASE_URL);
const created: string[] = [];
afterAll(async () => {
  for (const name of created) await dropDatabase(pgUrl!, name);
});

async function freshDb() {
  if (onPostgres && pgUrl) {
    const name = uniqueDatabaseName("kanban_fresh");
    created.push(name);
    return openPostgres(await createDatabase(pgUrl, name));
  }
  return openDatabase(join(mkdtempSync(join(tmpdir(), "kanban-db-")), "test.sqlite"));
}

describe(onPostgres ? "the PostgreSQL dialect" : "the sqlite3 dialect", () => {
  it.skipIf(onPostgres)("runs with WAL and foreign keys on", async () => {
    const db = await freshDb();
    await migrateToLatest(db);
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    expect(journal.rows[0].journal_mode).toBe("wal");
    expect(fk.rows[0].foreign_keys).toBe(1);
    await db.destroy();
  });

  it("enforces foreign keys", async () => {
    const db = await freshDb();
    await migrateToLatest(db);
    await expect(db.insertInto("task_units").values({ task_id: 999, unit_id: 999, role: "lead" }).execute()).rejects.toThrow(
      /FOREIGN KEY/i,
    );
    await db.destroy();
  });

  it.runIf(onPostgres)("returns counts as numbers, keeps figures as double precision and orders positions byte by byte", async () => {
    const db = await freshDb();
    await migrateToLatest(db);
    const now = new Date().toISOString();
    const unit = await db
      .insertInto("units")
      .values({ name: "甲", kind: "office", created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    const count = await db
      .selectFrom("units")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
    const sum = await db
      .selectFrom("units")
      .select((eb) => eb.fn.sum<number>("sort_order").as("s"))
      .executeTakeFirstOrThrow();
    expect(sum.s).toBe(0);
    const columns = await sql<{ table_name: string; column_name: string; data_type: string; collation_name: string | null }>`
      select table_name, column_name, data_type, collation_name from information_schema.columns
      where table_name in ('metrics', 'metric_values', 'tasks') and column_name in ('baseline', 'target', 'value', 'position')`.execute(db);
    const byName = new Map(columns.rows.map((c) => [`${c.table_name}.${c.column_name}`, c]));
    expect([...byName.keys()].sort()).toEqual(["metric_values.value", "metrics.baseline", "metrics.target", "tasks.position"]);
    for (const name of ["metric_values.value", "metrics.baseline", "metrics.target"])
      expect(byName.get(name)?.data_type, name).toBe("double precision");
    expect(byName.get("tasks.position")?.collation_name).toBe("C");
    // The app's own column orders card keys byte by byte, with no collation named in the query.
    expect(unit.id).toBeGreaterThan(0);
    const plan = await db
      .insertInto("plans")
      .values({ year: 2025, title: "计划", organization: "街道", status: "active", created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const [index, position] of ["a0", "Zz", "a0V", "B"].entries()) {
      await db
        .insertInto("tasks")
        .values({
          plan_id: plan.id,
          code: `2025-0${index}`,
          title: position,
          origin: "manual",
          status: "not_started",
          position,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    const ordered = await db.selectFrom("tasks").select("position").where("plan_id", "=", plan.id).orderBy("position").execute();
    expect(ordered.map((r) => r.position)).toEqual(["B", "Zz", "a0", "a0V"]);
    await db.destroy();
  });

  it("never interleaves concurrent read-modify-write transactions", async () => {
    const db = await freshDb();
    await migrateToLatest(db);
    const now = new Date().toISOString();
    await db.insertInto("units").values({ name: "计数", kind: "office", sort_order: 0, created_at: now, updated_at: now }).execute();
    await Promise.all(
      Array.from({ length: 50 }, () =>
        db.transaction().execute(async (trx) => {
          const row = await trx.selectFrom("units").select("sort_order").where("name", "=", "计数").executeTakeFirstOrThrow();
          await new Promise((resolve) => setTimeout(resolve, 1));
          await trx
            .updateTable("units")
            .set({ sort_order: row.sort_order + 1 })
            .where("name", "=", "计数")
            .execute();
        }),
      ),
    );
    const final = await db.selectFrom("units").select("sort_order").where("name", "=", "计数").executeTakeFirstOrThrow();
    expect(final.sort_order).toBe(50);
    await db.destroy();
  });

  it("rolls a failed transaction back completely", async () => {
    const db = await freshDb();
    await migrateToLatest(db);
    const now = new Date().toISOString();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("units").values({ name: "半截", kind: "office", created_at: now, updated_at: now }).execute();
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await db.selectFrom("units").selectAll().execute()).toHaveLength(0);
    await db.destroy();
  });

  it("returns inserted ids and affected row counts", async () => {
    const db = await freshDb();
    await migrateToLatest(db);
    const now = new Date().toISOString();
    const result = await db
      .insertInto("units")
      .values({ name: "甲", kind: "office", created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(result.id).toBe(1);
    const update = await db.updateTable("units").set({ sort_order: 3 }).executeTakeFirst();
    expect(Number(update.numUpdatedRows)).toBe(1);
    await db.destroy();
  });

  it("migrates an empty database once and is idempotent", async () => {
    const db = await freshDb();
    expect(await migrateToLatest(db)).toContain("0001_initial");
    expect(await migrateToLatest(db)).toEqual([]);
    const tables = await db.introspection.getTables();
    expect(tables.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        "units",
        "users",
        "sessions",
        "plans",
        "source_documents",
        "tasks",
        "task_units",
        "metrics",
        "metric_values",
        "updates",
        "comments",
        "audit_log",
        "summaries",
      ]),
    );
    await db.destroy();
  });
});

describe("first start", () => {
  it("creates the seed's units, the 2025 plan and one account per role with DEMO_PASSWORD", async () => {
    const db = await freshDb();
    await migrateToLatest(db);
    const result = await bootstrapIfEmpty(db, { production: false, demoPassword: "seed-pass-123" });
    expect(result.created).toBe(true);
    expect(result.accounts.map((a) => a.username)).toEqual([
      "admin",
      "leader",
      "secretary",
      "viewer",
      ...UNIT_SECRETARIES.map((s) => s.username),
    ]);
    const units = await db.selectFrom("units").select("name").execute();
    expect(units.map((u) => u.name)).toEqual(expect.arrayContaining(["东晟社区", "龙腾社区", "丰翼社区", "城东社区", "辉煌社区"]));
    // Last year's plan lived through, and this year's started from its summary (demo-story.server.ts).
    const { last, current } = demoYears(toDateKey(new Date()));
    expect(await db.selectFrom("plans").select("year").orderBy("year").execute()).toEqual([{ year: last }, { year: current }]);
    const secretary = await db
      .selectFrom("users")
      .innerJoin("units", "units.id", "users.unit_id")
      .select(["units.name", "users.password_hash"])
      .where("username", "=", "secretary")
      .executeTakeFirstOrThrow();
    expect(secretary.name).toBe("东晟社区");
    expect(secretary.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(secretary.password_hash, "seed-pass-123")).toBe(true);
    expect((await bootstrapIfEmpty(db, { production: false })).created).toBe(false);
    await db.destroy();
  });

  it("uses random passwords without DEMO_PASSWORD", async () => {
    const db = await freshDb();
    await migrateToLatest(db);
    const result = await bootstrapIfEmpty(db, { production: false });
    const passwords = new Set(result.accounts.map((a) => a.password));
    expect(passwords.size).toBe(4);
    await db.destroy();
  });

  it("in production creates only an admin who must change the one-time password", async () => {
    const db = await freshDb();
    await migrateToLatest(db);
    const result = await bootstrapIfEmpty(db, { production: true, demoPassword: "ignored-in-prod" });
    expect(result.accounts.map((a) => a.username)).toEqual(["admin"]);
    expect(result.accounts[0].password).not.toBe("ignored-in-prod");
    const users = await db.selectFrom("users").select(["username", "must_change_password"]).execute();
    expect(users).toEqual([{ username: "admin", must_change_password: 1 }]);
    expect(await db.selectFrom("plans").selectAll().execute()).toHaveLength(0);
    await db.destroy();
  });
});
