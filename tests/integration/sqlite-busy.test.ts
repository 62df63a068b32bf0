// Several server processes share one SQLite file. A writer that finds the write lock taken
// longer than busy_timeout must wait its turn, never show a user SQLITE_BUSY.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kysely, sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { Database } from "../../db/schema";
import { isBusyError, retryWhileBusy, Sqlite3Dialect } from "../../db/sqlite3-dialect";
import { closedAfterEach } from "./closed-after-each";

const keep = closedAfterEach<Kysely<Database>>();
function open(filename: string, busyRetryMs: number): Kysely<Database> {
  // busy_timeout far below the time the other connection holds the lock.
  return keep(new Kysely<Database>({ dialect: new Sqlite3Dialect({ filename, busyTimeoutMs: 20, busyRetryMs }) }));
}

async function twoConnections(busyRetryMs: number) {
  const file = join(mkdtempSync(join(tmpdir(), "kanban-busy-")), "busy.sqlite");
  const holder = open(file, busyRetryMs);
  const writer = open(file, busyRetryMs);
  await sql`create table counter (n integer not null)`.execute(holder);
  await sql`insert into counter (n) values (0)`.execute(holder);
  return { holder, writer };
}

/** Holds the write lock (another process's long transaction) for `ms`. */
function holdWriteLock(db: Kysely<Database>, ms: number): { started: Promise<void>; done: Promise<void> } {
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const done = db.transaction().execute(async (trx) => {
    await sql`update counter set n = n + 1`.execute(trx);
    started();
    await new Promise((resolve) => setTimeout(resolve, ms));
  });
  return { started: startedPromise, done };
}

describe("SQLite across processes", () => {
  it("a transaction that finds the write lock taken waits past busy_timeout and then commits", async () => {
    const { holder, writer } = await twoConnections(10_000);
    const lock = holdWriteLock(holder, 400);
    await lock.started;
    await writer.transaction().execute(async (trx) => {
      await sql`update counter set n = n + 10`.execute(trx);
    });
    await lock.done;
    const { rows } = await sql<{ n: number }>`select n from counter`.execute(writer);
    expect(rows[0].n).toBe(11);
  });

  it("a single statement outside a transaction waits too", async () => {
    const { holder, writer } = await twoConnections(10_000);
    const lock = holdWriteLock(holder, 400);
    await lock.started;
    await sql`update counter set n = n + 100`.execute(writer);
    await lock.done;
    const { rows } = await sql<{ n: number }>`select n from counter`.execute(writer);
    expect(rows[0].n).toBe(101);
  });

  it("without retries (busyRetryMs 0) the same write fails with SQLITE_BUSY: the retry is what helps", async () => {
    const { holder, writer } = await twoConnections(0);
    const lock = holdWriteLock(holder, 400);
    await lock.started;
    const failure = await writer
      .transaction()
      .execute(async (trx) => void (await sql`update counter set n = n + 10`.execute(trx)))
      .catch((error: unknown) => error);
    await lock.done;
    expect(isBusyError(failure)).toBe(true);
  });

  it("retryWhileBusy lets other errors through at once", async () => {
    let calls = 0;
    const error = await retryWhileBusy(async () => {
      calls++;
      throw Object.assign(new Error("SQLITE_CONSTRAINT: UNIQUE"), { code: "SQLITE_CONSTRAINT" });
    }, 5000).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect((error as Error).message).toMatch(/CONSTRAINT/);
  });
});
