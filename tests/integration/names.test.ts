// The shared name lookups (a user's display name, a unit's name, by the id a column holds) give
// what a join gave: the name when the column points at a row, null when the column is null, and
// they are not confused by a query that itself reads users or units.
import { beforeAll, describe, expect, it } from "vitest";
import { unitName, userName } from "../../app/models/names.server";
import { getDb } from "../../app/utils/db.server";
import { loadDemoSetting, type DemoSetting } from "./helpers";

let demo: DemoSetting;
beforeAll(async () => {
  demo = await loadDemoSetting();
});

describe("userName and unitName", () => {
  it("name the user and unit a column points at, and give null for a null column", async () => {
    const db = getDb();
    const rows = await db
      .selectFrom("users")
      .select((eb) => ["users.id", "users.display_name", userName(eb, "users.id").as("self"), unitName(eb, "users.unit_id").as("unit")])
      .orderBy("users.id")
      .execute();
    const unitNames = new Map(Object.entries(demo.units).map(([name, id]) => [id, name]));
    expect(rows.length).toBeGreaterThan(3);
    const secretary = demo.actors.secretary;
    for (const row of rows) expect(row.self).toBe(row.display_name);
    const withUnit = rows.find((r) => r.id === secretary.id)!;
    expect(withUnit.unit).toBe(unitNames.get(secretary.unitId!));
    const withoutUnit = rows.find((r) => r.id === demo.actors.leader.id)!;
    expect(withoutUnit.unit).toBeNull();
  });

  it("stay inside their own subquery when the outer query joins units too", async () => {
    const db = getDb();
    const secretary = demo.actors.secretary;
    const row = await db
      .selectFrom("users")
      .innerJoin("units", "units.id", "users.unit_id")
      .select((eb) => ["units.name", unitName(eb, "users.unit_id").as("looked_up"), userName(eb, "users.id").$notNull().as("who")])
      .where("users.id", "=", secretary.id)
      .executeTakeFirstOrThrow();
    expect(row.looked_up).toBe(row.name);
    expect(row.who.length).toBeGreaterThan(0);
  });
});
