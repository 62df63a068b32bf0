// Every page reuses who is signed in and the 我的待办 count while the database is unchanged
// (app/utils/while-unchanged.server.ts). Each cluster worker has its own connection, so the
// check that matters is across connections: a write through one must end reuse in the other.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { dataGeneration, migrateToLatest, openDatabase, type AppDatabase } from "../../db/index";
import { whileUnchanged } from "../../app/utils/while-unchanged.server";
import {
  createSession,
  generateSessionToken,
  invalidateSession,
  sessionIdFromToken,
  SESSION_LIFETIME_MS,
  validateSessionReusing,
} from "../../app/utils/session.server";
import { closedAfterEach } from "./closed-after-each";

const keep = closedAfterEach<AppDatabase>();

/** Two connections to one new file, as two workers of the cluster have. */
async function twoWorkers(): Promise<{ a: AppDatabase; b: AppDatabase }> {
  const file = join(mkdtempSync(join(tmpdir(), "kanban-generation-")), "app.sqlite");
  const a = keep(openDatabase(file));
  const b = keep(openDatabase(file));
  await migrateToLatest(a);
  return { a, b };
}

async function addUser(db: AppDatabase, username: string): Promise<number> {
  const now = new Date().toISOString();
  const row = await db
    .insertInto("users")
    .values({ username, display_name: username, password_hash: "x", role: "leader", created_at: now, updated_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

describe("the database generation", () => {
  it("stays the same across reads and changes with a write of either connection", async () => {
    const { a, b } = await twoWorkers();
    const first = await dataGeneration(a);
    await a.selectFrom("users").selectAll().execute();
    await sql`select count(*) from sessions`.execute(a);
    expect(await dataGeneration(a)).toBe(first);

    await addUser(b, "other-worker");
    const afterOther = await dataGeneration(a);
    expect(afterOther).not.toBe(first);

    await a.updateTable("users").set({ display_name: "改名" }).execute();
    expect(await dataGeneration(a)).not.toBe(afterOther);
  });

  it("changes with a transaction committed by the other connection", async () => {
    const { a, b } = await twoWorkers();
    const before = await dataGeneration(a);
    await b.transaction().execute(async (trx) => {
      await addUser(trx, "in-transaction");
    });
    expect(await dataGeneration(a)).not.toBe(before);
  });
});

describe("whileUnchanged", () => {
  it("reuses a value until the other connection writes", async () => {
    const { a, b } = await twoWorkers();
    let computed = 0;
    const count = () =>
      whileUnchanged(a, "users", async () => {
        computed++;
        return (await a.selectFrom("users").select("id").execute()).length;
      });
    expect(await count()).toBe(0);
    expect(await count()).toBe(0);
    expect(computed).toBe(1);

    await addUser(b, "new-user");
    expect(await count()).toBe(1);
    expect(computed).toBe(2);
  });

  it("does not keep a failure", async () => {
    const { a } = await twoWorkers();
    let calls = 0;
    const failing = () =>
      whileUnchanged(a, "fails-once", async () => {
        calls++;
        if (calls === 1) throw new Error("boom");
        return "ok";
      });
    await expect(failing()).rejects.toThrow("boom");
    expect(await failing()).toBe("ok");
  });
});

describe("validateSessionReusing", () => {
  it("sees a logout made by another worker at once", async () => {
    const { a, b } = await twoWorkers();
    const userId = await addUser(a, "leader1");
    const token = generateSessionToken();
    await createSession(a, token, userId);
    expect((await validateSessionReusing(a, token))?.user.id).toBe(userId);
    expect((await validateSessionReusing(a, token))?.user.id).toBe(userId);

    await invalidateSession(b, sessionIdFromToken(token));
    expect(await validateSessionReusing(a, token)).toBeNull();
  });

  it("sees a user disabled by another worker at once", async () => {
    const { a, b } = await twoWorkers();
    const userId = await addUser(a, "leader2");
    const token = generateSessionToken();
    await createSession(a, token, userId);
    expect(await validateSessionReusing(a, token)).not.toBeNull();

    await b.updateTable("users").set({ disabled: 1 }).where("id", "=", userId).execute();
    expect(await validateSessionReusing(a, token)).toBeNull();
  });

  it("renews a reused session once it is past half its lifetime", async () => {
    const { a } = await twoWorkers();
    const userId = await addUser(a, "leader3");
    const token = generateSessionToken();
    const created = new Date("2026-03-01T00:00:00Z");
    await createSession(a, token, userId, created);
    expect((await validateSessionReusing(a, token, undefined, created))?.renewed).toBe(false);

    // Nothing was written since, so the validation above is reused unless renewal is due.
    const later = new Date(created.getTime() + SESSION_LIFETIME_MS * 0.75);
    const renewed = await validateSessionReusing(a, token, undefined, later);
    expect(renewed?.renewed).toBe(true);
    const row = await a.selectFrom("sessions").select("expires_at").executeTakeFirstOrThrow();
    expect(new Date(row.expires_at).getTime()).toBe(later.getTime() + SESSION_LIFETIME_MS);
  });
});
