// Writes deferred to the transaction's next statement or COMMIT: the same rows as written at
// once, seen by later reads, all or nothing with the transaction.
import { sql, type Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db/index";
import { deferWrite } from "../../db/deferred-write";
import type { Database } from "../../db/schema";
import { closedAfterEach } from "./closed-after-each";

const keep = closedAfterEach<Kysely<Database>>();

async function notesTable() {
  const db = keep(openDatabase(":memory:"));
  await sql`create table notes (id integer primary key, body text not null, amount real, data blob)`.execute(db);
  return db as unknown as Kysely<any>;
}

const rows = (db: Kysely<any>) => db.selectFrom("notes").selectAll().orderBy("id").execute();

describe("deferWrite", () => {
  it("writes every value exactly as a bound value would be", async () => {
    const db = await notesTable();
    const values = [
      { id: 1, body: "它说：'先别急' -- 然后 /* 走了 */ ? \\n", amount: 0.1, data: Buffer.from([0, 1, 255]) },
      { id: 2, body: "😀 第二行\n第三行", amount: -0, data: null },
      { id: 3, body: "", amount: 1e-7, data: null },
      // Bound, not written in: a NUL, and decimals SQLite would not read back exactly.
      { id: 4, body: "含\0空字符", amount: 3.110263, data: null },
      { id: 5, body: "小数", amount: 6786.509321, data: null },
      { id: 6, body: "大数", amount: 2 ** 31, data: null },
    ];
    await db.transaction().execute(async (trx) => {
      for (const value of values) await deferWrite(trx, trx.insertInto("notes").values(value));
    });
    expect(await rows(db)).toEqual(values.map((v) => ({ ...v, amount: Object.is(v.amount, -0) ? 0 : v.amount })));
  });

  it("is seen by the transaction's next read, in order with the writes around it", async () => {
    const db = await notesTable();
    const seen = await db.transaction().execute(async (trx) => {
      await deferWrite(trx, trx.insertInto("notes").values({ id: 1, body: "甲" }));
      await trx.insertInto("notes").values({ id: 2, body: "乙" }).execute();
      await deferWrite(trx, trx.updateTable("notes").set({ body: "丙" }).where("id", "=", 2));
      return rows(trx);
    });
    expect(seen.map((r) => r.body)).toEqual(["甲", "丙"]);
    expect((await rows(db)).map((r) => r.body)).toEqual(["甲", "丙"]);
  });

  it("fails at COMMIT and takes the whole transaction back with it", async () => {
    const db = await notesTable();
    await db.insertInto("notes").values({ id: 1, body: "原有" }).execute();
    let callbackFinished = false;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable("notes").set({ body: "改过" }).where("id", "=", 1).execute();
        await deferWrite(trx, trx.insertInto("notes").values({ id: 2, body: "新的" }));
        // Violates NOT NULL: the error comes with the COMMIT, not here.
        await deferWrite(trx, trx.insertInto("notes").values({ id: 3, body: null }));
        callbackFinished = true;
      }),
    ).rejects.toThrow(/NOT NULL/);
    expect(callbackFinished).toBe(true);
    expect(await rows(db)).toEqual([{ id: 1, body: "原有", amount: null, data: null }]);
    // The connection is usable afterwards.
    await db.transaction().execute((trx) => deferWrite(trx, trx.insertInto("notes").values({ id: 2, body: "再来" })));
    expect((await rows(db)).map((r) => r.body)).toEqual(["原有", "再来"]);
  });

  it("never commits part of the writes when their error was caught and the transaction went on", async () => {
    const db = await notesTable();
    await expect(
      db.transaction().execute(async (trx) => {
        await deferWrite(trx, trx.insertInto("notes").values({ id: 1, body: "甲" }));
        await deferWrite(trx, trx.insertInto("notes").values({ id: 2, body: null }));
        await deferWrite(trx, trx.insertInto("notes").values({ id: 3, body: "丙" }));
        await trx
          .selectFrom("notes")
          .selectAll()
          .execute()
          .catch(() => []);
        await trx.insertInto("notes").values({ id: 4, body: "丁" }).execute();
      }),
    ).rejects.toThrow(/NOT NULL/);
    expect(await rows(db)).toEqual([]);
  });

  it("refuses a statement whose rows would be read", async () => {
    const db = await notesTable();
    await expect(deferWrite(db, db.insertInto("notes").values({ id: 1, body: "甲" }).returning("id"))).rejects.toThrow(/cannot wait/);
    await expect(deferWrite(db, db.selectFrom("notes").selectAll())).rejects.toThrow(/cannot wait/);
  });

  it("is recognised when marked by another copy of the module (the server and the app are bundled apart)", async () => {
    // A query string makes Vite load the module a second time, as a second bundle would.
    const secondCopy = "../../db/deferred-write.ts?bundle=app";
    const other = (await import(/* @vite-ignore */ secondCopy)) as typeof import("../../db/deferred-write");
    expect(other.deferWrite).not.toBe(deferWrite);
    const db = await notesTable();
    let callbackFinished = false;
    await expect(
      db.transaction().execute(async (trx) => {
        await other.deferWrite(trx, trx.insertInto("notes").values({ id: 1, body: null }));
        callbackFinished = true;
      }),
    ).rejects.toThrow(/NOT NULL/);
    expect(callbackFinished).toBe(true);
  });

  it("is dropped with a transaction that rolls back", async () => {
    const db = await notesTable();
    await expect(
      db.transaction().execute(async (trx) => {
        await deferWrite(trx, trx.insertInto("notes").values({ id: 1, body: "不该留下" }));
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect(await rows(db)).toEqual([]);
  });

  it("runs at once outside a transaction", async () => {
    const db = await notesTable();
    await deferWrite(db, db.insertInto("notes").values({ id: 1, body: "立即" }));
    expect((await rows(db)).map((r) => r.body)).toEqual(["立即"]);
  });
});
