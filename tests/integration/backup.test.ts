import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db/index";
import { backupDatabase } from "../../db/backup";
import * as backups from "../../app/routes/admin.backups";
import * as download from "../../app/routes/admin.backups.$name";
import { getDb } from "../../app/utils/db.server";
import { callAction, callLoader, cookieFor, makeRequest } from "./helpers";

const onPostgres = Boolean(process.env.DATABASE_URL);

describe.runIf(onPostgres)("backups on PostgreSQL", () => {
  it("leaves backups to pg_dump: the page says so and the app writes no backup file", async () => {
    const cookie = await cookieFor("admin");
    const listed = await callLoader(backups.loader, makeRequest("/admin/backups", { cookie }));
    expect(listed.data).toEqual({ backups: [], pgDump: true });
    const created = await callAction(backups.action, makeRequest("/admin/backups", { cookie, form: { intent: "create" } }));
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.data)).toContain("pg_dump");
  });
});

describe.skipIf(onPostgres)("backup and restore", () => {
  it("an admin makes a consistent backup, downloads it, and a restore finds the data", async () => {
    const cookie = await cookieFor("admin");
    const created = await callAction(backups.action, makeRequest("/admin/backups", { cookie, form: { intent: "create" } }));
    expect(created.data.created).toMatch(/^backup-\d{8}-\d{6}(-\d+)?\.sqlite$/);

    const listed = await callLoader(backups.loader, makeRequest("/admin/backups", { cookie }));
    expect(listed.data.backups.map((b: { name: string }) => b.name)).toContain(created.data.created);

    const response = await download.loader({
      request: makeRequest(`/admin/backups/${created.data.created}`, { cookie }),
      params: { name: created.data.created },
      context: {},
    });
    expect(response.headers.get("Content-Disposition")).toContain(created.data.created);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 15).toString()).toBe("SQLite format 3");

    // Restore: the downloaded file becomes the database of a new installation.
    const dir = mkdtempSync(join(tmpdir(), "kanban-restore-"));
    const restoredPath = join(dir, "app.sqlite");
    writeFileSync(restoredPath, bytes);
    const restored = openDatabase(restoredPath);
    const original = await getDb().selectFrom("tasks").select(["code", "title"]).orderBy("code").execute();
    expect(original.length).toBeGreaterThan(0);
    expect(await restored.selectFrom("tasks").select(["code", "title"]).orderBy("code").execute()).toEqual(original);
    expect((await restored.selectFrom("users").select("username").execute()).length).toBe(
      (await getDb().selectFrom("users").select("username").execute()).length,
    );
    await restored.destroy();
  });

  it("refuses other roles and names that are not backups", async () => {
    const leader = await cookieFor("leader");
    expect((await callAction(backups.action, makeRequest("/admin/backups", { cookie: leader, form: { intent: "create" } }))).status).toBe(
      403,
    );
    const admin = await cookieFor("admin");
    for (const name of ["../app.sqlite", "backup-x.sqlite", "..%2Fapp.sqlite", "backup-20260101-000000.sqlite"]) {
      const outcome = await callLoader(download.loader, makeRequest(`/admin/backups/${encodeURIComponent(name)}`, { cookie: admin }), {
        params: { name },
      });
      expect(outcome.status).toBe(404);
    }
  });

  it("backups started in the same second all succeed under distinct names", async () => {
    const dir = mkdtempSync(join(tmpdir(), "backups-"));
    const now = new Date();
    const names = await Promise.all(Array.from({ length: 4 }, () => backupDatabase(getDb(), dir, now)));
    expect(new Set(names).size).toBe(4);
  });
});
