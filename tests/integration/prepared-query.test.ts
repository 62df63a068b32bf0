// A statement built once and run with new values answers exactly as the same query built anew.
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db/index";
import { preparedQuery } from "../../db/prepared-query";
import type { Database, UnitKind } from "../../db/schema";
import { closedAfterEach } from "./closed-after-each";

const keep = closedAfterEach<Kysely<Database>>();

async function unitsTable() {
  const db = keep(openDatabase(":memory:"));
  await sql`create table units (id integer primary key, name text not null, kind text not null, sort_order integer not null)`.execute(db);
  await sql`insert into units (id, name, kind, sort_order) values (1, '东晟社区', 'community', 2), (2, '西湖社区', 'community', 1), (3, '党政办', 'office', 3)`.execute(
    db,
  );
  return db;
}

describe("preparedQuery", () => {
  let builds = 0;
  const unitsOfKind = preparedQuery((db, { kind, limit }: { kind: UnitKind; limit: number }) => {
    builds++;
    return db
      .selectFrom("units")
      .select(["id", "name"])
      .where("kind", "=", kind)
      .where("name", "!=", "不存在的单位") // a value fixed at build time stays as it is
      .orderBy("sort_order")
      .limit(limit);
  });

  it("runs with each call's values, built once", async () => {
    const db = await unitsTable();
    builds = 0;
    expect(await unitsOfKind.execute(db, { kind: "community", limit: 10 })).toEqual([
      { id: 2, name: "西湖社区" },
      { id: 1, name: "东晟社区" },
    ]);
    expect(await unitsOfKind.execute(db, { kind: "office", limit: 10 })).toEqual([{ id: 3, name: "党政办" }]);
    expect(await unitsOfKind.executeTakeFirst(db, { kind: "community", limit: 1 })).toEqual({ id: 2, name: "西湖社区" });
    expect(builds).toBe(1);
  });

  it("runs inside a transaction on its connection", async () => {
    const db = await unitsTable();
    const seen = await db.transaction().execute(async (trx) => {
      await sql`insert into units (id, name, kind, sort_order) values (4, '新设社区', 'community', 0)`.execute(trx);
      return unitsOfKind.execute(trx, { kind: "community", limit: 1 });
    });
    expect(seen).toEqual([{ id: 4, name: "新设社区" }]);
  });

  it("refuses to run without a value it needs", async () => {
    const db = await unitsTable();
    expect(() => unitsOfKind.with(db, { kind: "community" } as never)).toThrow(/limit/);
  });

  it("compiles once per kind of database, each in its own SQL", async () => {
    const sqlite = await unitsTable();
    const postgres = new Kysely<Database>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    const onPostgres = unitsOfKind.with(postgres, { kind: "community", limit: 5 });
    expect(onPostgres.sql).toContain("$1");
    expect(onPostgres.parameters).toEqual(["community", "不存在的单位", 5]);
    const onSqlite = unitsOfKind.with(sqlite, { kind: "office", limit: 2 });
    expect(onSqlite.sql).not.toContain("$1");
    expect(onSqlite.parameters).toEqual(["office", "不存在的单位", 2]);
  });
});
