// The sqlite3 dialect's own machinery: a write transaction waits for its process's turn (the
// cluster's queue) without holding up the process's reads, and gives the turn back however the
// transaction ends; prepared statements are kept and reused, and never a broken one.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventEmitter } from "node:events";
import { CompiledQuery, Kysely, sql } from "kysely";
import sqlite3 from "sqlite3";
import { describe, expect, it, vi } from "vitest";
import type { Database } from "../../db/schema";
import { Sqlite3Dialect, StatementCache, type TurnRelease } from "../../db/sqlite3-dialect";
import { deferWrite } from "../../db/deferred-write";
import { clusterWriteTurns } from "~/server/write-turns";
import { closedAfterEach } from "./closed-after-each";

const keep = closedAfterEach<Kysely<Database>>();

/** A turn the test hands out by hand; counts what was taken and given back. */
function manualTurns() {
  const state = { taken: 0, released: 0, grant: null as (() => void) | null };
  const take = () =>
    new Promise<() => void>((resolve) => {
      state.grant = () => {
        state.taken++;
        resolve(() => state.released++);
      };
    });
  return { state, take };
}

async function openWithTurns(take: () => Promise<() => void>) {
  const file = join(mkdtempSync(join(tmpdir(), "kanban-turns-")), "turns.sqlite");
  const db = keep(new Kysely<Database>({ dialect: new Sqlite3Dialect({ filename: file, writeTurn: take }) }));
  await sql`create table counter (n integer not null)`.execute(db);
  await sql`insert into counter (n) values (0)`.execute(db);
  return db;
}

/** A promise the test resolves by hand: `open()` lets whoever awaits `opened` go on. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const count = async (db: Kysely<Database>) => (await sql<{ n: number }>`select n from counter`.execute(db)).rows[0].n;

describe("write turns in the sqlite3 dialect", () => {
  it("a transaction begins only with its turn, reads go on meanwhile, and the turn goes back after COMMIT", async () => {
    const { state, take } = manualTurns();
    const db = await openWithTurns(take);
    const write = db.transaction().execute(async (trx) => {
      await sql`update counter set n = n + 1`.execute(trx);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.taken).toBe(0);
    // The connection is free while the transaction waits for its turn.
    expect(await count(db)).toBe(0);
    state.grant!();
    await write;
    expect(await count(db)).toBe(1);
    expect(state).toMatchObject({ taken: 1, released: 1 });
  });

  it("gives the turn back when the transaction fails", async () => {
    const { state, take } = manualTurns();
    const db = await openWithTurns(take);
    const write = db.transaction().execute(async (trx) => {
      await sql`update counter set n = n + 1`.execute(trx);
      throw new Error("refused half-way");
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    state.grant!();
    await expect(write).rejects.toThrow("refused half-way");
    expect(await count(db)).toBe(0);
    expect(state).toMatchObject({ taken: 1, released: 1 });
  });
});

describe("a process's two connections to a WAL file", () => {
  it("reads go on while a write transaction is open, and see its writes once it commits", async () => {
    const db = await openWithTurns(() => Promise.resolve(() => undefined));
    const finished = gate();
    const begun = gate();
    const write = db.transaction().execute(async (trx) => {
      await sql`update counter set n = n + 1`.execute(trx);
      begun.open();
      await finished.opened;
    });
    await begun.opened;
    // The transaction holds the writing connection; a read neither waits for it nor sees it.
    expect(await count(db)).toBe(0);
    // A write outside any transaction waits for the writing connection, then commits on its own.
    const single = sql`update counter set n = n + 10`.execute(db);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await count(db)).toBe(0);
    finished.open();
    await Promise.all([write, single]);
    expect(await count(db)).toBe(11);
  });

  it("a close waits for a write that began on the reading connection and still had to move to the writing one", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "kanban-turns-")), "close-write.sqlite");
    const db = new Kysely<Database>({ dialect: new Sqlite3Dialect({ filename: file }) });
    await sql`create table t (n integer)`.execute(db);
    for (const ticks of [0, 1, 2]) {
      const reopened = new Kysely<Database>({ dialect: new Sqlite3Dialect({ filename: file }) });
      await sql`select count(*) from t`.execute(reopened);
      const write = sql`insert into t (n) values (${ticks})`.execute(reopened);
      for (let i = 0; i < ticks; i++) await Promise.resolve();
      const closed = reopened.destroy();
      await expect(write).resolves.toBeDefined();
      await closed;
    }
    expect((await sql<{ c: number }>`select count(*) as c from t`.execute(db)).rows[0].c).toBe(3);
    await db.destroy();
  });

  it("an EXPLAIN leaves no read open: later reads still see other connections' commits", async () => {
    const db = await openWithTurns(() => Promise.resolve(() => undefined));
    const file = (await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db)).rows[0].file;
    const other = keep(new Kysely<Database>({ dialect: new Sqlite3Dialect({ filename: file }) }));
    for (const explain of [sql`explain select n from counter`, sql`explain query plan select n from counter where n > ${-1}`]) {
      await explain.execute(db);
      const before = await count(db);
      await sql`update counter set n = n + 1`.execute(other);
      expect(await count(db)).toBe(before + 1);
    }
  });
});

describe("write turns of two transactions in one process", () => {
  it("each transaction gives back its own turn, even when the second stopped waiting for its turn while the first ran", async () => {
    const released: string[] = [];
    const grants: ((release: () => void) => void)[] = [];
    const db = await openWithTurns(() => new Promise((resolve) => grants.push(resolve)));
    const inside = gate();
    const finished = gate();
    const first = db.transaction().execute(async (trx) => {
      await sql`update counter set n = n + 1`.execute(trx);
      inside.open();
      await finished.opened;
    });
    const second = db.transaction().execute(async (trx) => {
      await sql`update counter set n = n + 10`.execute(trx);
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    grants[0](() => released.push("first"));
    await inside.opened;
    // The second one's wait ends (the primary did not answer in time): it goes ahead without a turn.
    grants[1](() => released.push("second (no turn)"));
    await new Promise((resolve) => setTimeout(resolve, 10));
    finished.open();
    await Promise.all([first, second]);
    expect(released).toEqual(["first", "second (no turn)"]);
    expect(await count(db)).toBe(11);
  });

  it("closes cleanly while a statement is still being prepared", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "kanban-turns-")), "close.sqlite");
    const db = new Kysely<Database>({ dialect: new Sqlite3Dialect({ filename: file }) });
    await sql`create table t (n integer)`.execute(db);
    const query = sql`select n from t`.execute(db);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(db.destroy()).resolves.toBeUndefined();
    await expect(query).resolves.toMatchObject({ rows: [] });
  });

  it("a second close at the same time waits for the first instead of hanging", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "kanban-turns-")), "close-twice.sqlite");
    const dialect = new Sqlite3Dialect({ filename: file });
    const db = new Kysely<Database>({ dialect });
    await sql`select 1`.execute(db);
    const driver = dialect.createDriver();
    await driver.init();
    await expect(Promise.all([driver.destroy(), driver.destroy()])).resolves.toEqual([undefined, undefined]);
    await db.destroy();
  });
});

describe("a turn lent on within the process", () => {
  /** This process's turns from a primary that grants every request at once (app/server/write-turns.ts). */
  function grantingPrimary() {
    const inWorker = new EventEmitter();
    const channel = {
      on: inWorker.on.bind(inWorker),
      send: (message: { type: string; id: number }) => {
        if (message.type === "write-turn:request")
          queueMicrotask(() => inWorker.emit("message", { type: "write-turn:granted", id: message.id }));
        return true;
      },
    } as unknown as Pick<NodeJS.Process, "send" | "on">;
    return clusterWriteTurns(channel, 4);
  }

  /** The scripts the dialect sends in one trip (deferred writes, COMMIT, a BEGIN with it). */
  function recordScripts() {
    const scripts: string[] = [];
    const exec = sqlite3.Database.prototype.exec;
    const spy = vi.spyOn(sqlite3.Database.prototype, "exec").mockImplementation(function (this: sqlite3.Database, script, callback) {
      scripts.push(script);
      return exec.call(this, script, callback);
    });
    return { scripts, restore: () => spy.mockRestore() };
  }

  /**
   * A transaction that adds 1 and then writes `failingWrite` with its COMMIT, while another (adding
   * 10) waits for the turn: that one's BEGIN would go in the same trip.
   */
  async function failingCommitWithNextWaiting(db: Kysely<Database>, failingWrite: string) {
    const inside = gate();
    const finished = gate();
    const first = db.transaction().execute(async (trx) => {
      await sql`update counter set n = n + 1`.execute(trx);
      await deferWrite(trx, CompiledQuery.raw(failingWrite));
      inside.open();
      await finished.opened;
    });
    await inside.opened;
    const next = db.transaction().execute(async (trx) => void (await sql`update counter set n = n + 10`.execute(trx)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    finished.open();
    return { first, next };
  }

  /** Like a worker's turns, but the next waiter hears of its turn only a moment after it was given back. */
  function slowLendingTurns() {
    const waiting: { owner: unknown; grant: (release: TurnRelease) => void }[] = [];
    let held = false;
    const lend = () => {
      const next = waiting.shift();
      held = next !== undefined;
      next?.grant(Object.assign(() => void setTimeout(lend, 5), { staysWith: (owner: unknown) => waiting[0]?.owner === owner }));
    };
    return (owner: unknown) =>
      new Promise<TurnRelease>((resolve) => {
        waiting.push({ owner, grant: resolve });
        if (!held) lend();
      });
  }

  it.each([
    ["lent on at once", grantingPrimary],
    ["lent on a moment later", slowLendingTurns],
  ])("the next transaction begins with the COMMIT before it, and a write waiting outside never lands inside it (%s)", async (_, turns) => {
    const db = await openWithTurns(turns());
    const recorded = recordScripts();
    try {
      const inside = gate();
      const finished = gate();
      const first = db.transaction().execute(async (trx) => {
        await sql`update counter set n = n + 1`.execute(trx);
        inside.open();
        await finished.opened;
      });
      await inside.opened;
      // Waiting while the first runs: a transaction that will fail, and a write of its own.
      const failing = db.transaction().execute(async (trx) => {
        await sql`update counter set n = n + 10`.execute(trx);
        throw new Error("refused half-way");
      });
      const single = sql`update counter set n = n + 100`.execute(db);
      await new Promise((resolve) => setTimeout(resolve, 10));
      finished.open();
      await first;
      await expect(failing).rejects.toThrow("refused half-way");
      await single;
      // The failing transaction was begun in the first one's trip; its ROLLBACK took only its own write.
      expect(recorded.scripts).toContain("commit;\nbegin immediate");
      expect(await count(db)).toBe(101);
      // The connection is free and outside any transaction again.
      await db.transaction().execute(async (trx) => void (await sql`update counter set n = n + 1000`.execute(trx)));
      expect(await count(db)).toBe(1101);
    } finally {
      recorded.restore();
    }
  });

  it("a write that fails in the trip that would begin the next transaction: it rolls back, and the next one begins on its own", async () => {
    const db = await openWithTurns(grantingPrimary());
    const recorded = recordScripts();
    try {
      // Sent with the COMMIT, and refused there: n may not be null.
      const { first, next } = await failingCommitWithNextWaiting(db, "insert into counter (n) values (null)");
      await expect(first).rejects.toThrow(/NOT NULL/);
      await next;
      expect(recorded.scripts.some((script) => script.endsWith("commit;\nbegin immediate"))).toBe(true);
      expect(await count(db)).toBe(10);
    } finally {
      recorded.restore();
    }
  });

  it("a COMMIT trip that SQLite rolls back by itself (a full disk) fails with that error, though the next transaction waits", async () => {
    const db = await openWithTurns(grantingPrimary());
    await sql`create table big (b blob)`.execute(db);
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0].page_count;
    // The writing connection may grow the file by a few pages only: 200 KB do not fit.
    await sql.raw(`pragma max_page_count = ${pages + 3}`).execute(db);
    const { first, next } = await failingCommitWithNextWaiting(db, "insert into big (b) values (zeroblob(200000))");
    await expect(first).rejects.toThrow(/SQLITE_FULL/);
    await next;
    expect(await count(db)).toBe(10);
  });
});

describe("prepared statements", () => {
  function cacheOn(capacity: number) {
    const db = new sqlite3.Database(":memory:");
    return { db, cache: new StatementCache(db, capacity) };
  }
  const close = (db: sqlite3.Database) => new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
  const run = (statement: sqlite3.Statement, params: unknown[] = []) =>
    new Promise<unknown[]>((resolve, reject) =>
      statement.all(params, (err: Error | null, rows: unknown[]) => (err ? reject(err) : resolve(rows))),
    );

  it("prepares a statement once and reuses it", async () => {
    const { db, cache } = cacheOn(4);
    const first = await cache.get("select ? as n");
    expect(await run(first, [1])).toEqual([{ n: 1 }]);
    const again = cache.get("select ? as n");
    expect(again).toBe(first);
    expect(await run(again as sqlite3.Statement, [2])).toEqual([{ n: 2 }]);
    await cache.clear();
    await close(db);
  });

  it("keeps at most its capacity, dropping the least recently used", async () => {
    const { db, cache } = cacheOn(2);
    const a = await cache.get("select 1");
    await cache.get("select 2");
    cache.get("select 1"); // used again: now "select 2" is the oldest
    await cache.get("select 3");
    expect(cache.size).toBe(2);
    expect(cache.get("select 1")).toBe(a);
    const preparedAgain = cache.get("select 2");
    expect(preparedAgain).toBeInstanceOf(Promise);
    await preparedAgain;
    await cache.clear();
    await close(db);
  });

  it("prepares a statement asked for twice at once only once", async () => {
    const { db, cache } = cacheOn(4);
    const [a, b] = await Promise.all([cache.get("select 7 as n"), cache.get("select 7 as n")]);
    expect(a).toBe(b);
    expect(cache.size).toBe(1);
    await cache.clear();
    await close(db);
  });

  it("does not keep a statement that does not compile", async () => {
    const { db, cache } = cacheOn(4);
    await expect(cache.get("select * from missing_table")).rejects.toThrow(/no such table/);
    expect(cache.size).toBe(0);
    await cache.clear();
    await close(db);
  });

  it("an app database answers and fails as before with its statements kept", async () => {
    const db = await openWithTurns(async () => () => undefined);
    await expect(sql`select * from missing_table`.execute(db)).rejects.toThrow(/no such table/);
    await expect(sql`select * from missing_table`.execute(db)).rejects.toThrow(/no such table/);
    await sql`create table t (id integer primary key)`.execute(db);
    await sql`insert into t (id) values (1)`.execute(db);
    await expect(sql`insert into t (id) values (1)`.execute(db)).rejects.toThrow(/UNIQUE/);
    await sql`insert into t (id) values (2)`.execute(db);
    expect((await sql<{ n: number }>`select count(*) as n from t`.execute(db)).rows[0].n).toBe(2);
  });
});
