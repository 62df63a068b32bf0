import { describe, expect, it } from "vitest";
import * as adminLayout from "../../app/routes/admin";
import * as adminUsers from "../../app/routes/admin.users";
import * as adminUser from "../../app/routes/admin.users_.$userId";
import * as adminUnits from "../../app/routes/admin.units";
import * as adminPlans from "../../app/routes/admin.plans";
import * as index from "../../app/routes/_index";
import * as importPage from "../../app/routes/import/route";
import * as reports from "../../app/routes/reports";
import { getDb } from "../../app/utils/db.server";
import { callAction, callLoader, cookieFor, makeRequest } from "./helpers";

async function userId(username: string) {
  const row = await getDb().selectFrom("users").select(["id", "version"]).where("username", "=", username).executeTakeFirstOrThrow();
  return row;
}

describe("roles on the server", () => {
  it("answers 403 to a secretary, leader or viewer asking for an admin page or action", async () => {
    for (const username of ["secretary", "leader", "viewer"]) {
      const cookie = await cookieFor(username);
      expect((await callLoader(adminLayout.loader, makeRequest("/admin", { cookie }))).status).toBe(403);
      expect((await callLoader(adminUsers.loader, makeRequest("/admin/users", { cookie }))).status).toBe(403);
      const forged = await callAction(
        adminUsers.action,
        makeRequest("/admin/users", {
          cookie,
          form: { intent: "create", username: "sneaky", displayName: "x", role: "admin" },
        }),
      );
      expect(forged.status).toBe(403);
      expect(forged.data.message).toContain("没有权限");
    }
    const sneaky = await getDb().selectFrom("users").select("id").where("username", "=", "sneaky").executeTakeFirst();
    expect(sneaky).toBeUndefined();
  });

  it("keeps import for leaders and admins and 填报情况 from secretaries and viewers", async () => {
    expect((await callLoader(importPage.loader, makeRequest("/import", { cookie: await cookieFor("leader") }))).status).toBe(200);
    expect((await callLoader(importPage.loader, makeRequest("/import", { cookie: await cookieFor("secretary") }))).status).toBe(403);
    expect((await callLoader(reports.loader, makeRequest("/reports", { cookie: await cookieFor("viewer") }))).status).toBe(403);
  });

  it("lets an admin in", async () => {
    const cookie = await cookieFor("admin");
    const outcome = await callLoader(adminUsers.loader, makeRequest("/admin/users", { cookie }));
    expect(outcome.status).toBe(200);
    expect(outcome.data.users.map((u: { username: string }) => u.username)).toEqual(
      expect.arrayContaining(["admin", "leader", "secretary", "viewer"]),
    );
    expect(JSON.stringify(outcome.data)).not.toContain("password_hash");
  });
});

describe("user administration", () => {
  it("creates a user with a one-time password that must be changed", async () => {
    const cookie = await cookieFor("admin");
    const units = await getDb().selectFrom("units").select(["id", "name"]).execute();
    const longteng = units.find((u) => u.name === "龙腾社区")!;
    const outcome = await callAction(
      adminUsers.action,
      makeRequest("/admin/users", {
        cookie,
        form: { intent: "create", username: "LongTeng", displayName: "龙腾 王书记", role: "secretary", unitId: String(longteng.id) },
      }),
    );
    expect(outcome.status).toBe(200);
    expect(outcome.data.created.username).toBe("longteng");
    expect(outcome.data.created.password).toHaveLength(14);
    const row = await getDb().selectFrom("users").selectAll().where("username", "=", "longteng").executeTakeFirstOrThrow();
    expect(row.unit_id).toBe(longteng.id);
    expect(row.must_change_password).toBe(1);
    const audit = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "user.create")
      .where("entity_id", "=", String(row.id))
      .execute();
    expect(audit).toHaveLength(1);
  });

  it("keeps the input and explains what is wrong", async () => {
    const cookie = await cookieFor("admin");
    const outcome = await callAction(
      adminUsers.action,
      makeRequest("/admin/users", {
        cookie,
        form: { intent: "create", username: "王书", displayName: "王书记", role: "secretary", unitId: "" },
      }),
    );
    expect(outcome.status).toBe(400);
    expect(outcome.data.errors.username).toContain("英文字母");
    expect(outcome.data.errors.unitId).toContain("必须选择所属单位");
    expect(outcome.data.values.displayName).toBe("王书记");
  });

  it("ends a disabled user's sessions: the old cookie no longer works", async () => {
    const viewerCookie = await cookieFor("viewer");
    const cookie = await cookieFor("admin");
    const viewer = await userId("viewer");
    const outcome = await callAction(
      adminUser.action,
      makeRequest(`/admin/users/${viewer.id}`, {
        cookie,
        form: { intent: "save", displayName: "述职会议", role: "viewer", unitId: "", disabled: "on", version: String(viewer.version) },
      }),
      { params: { userId: String(viewer.id) } },
    );
    expect(outcome.location).toBe("/admin/users");
    const after = await callLoader(index.loader, makeRequest("/", { cookie: viewerCookie }));
    expect(after.location).toMatch(/^\/login/);
    // Re-enable for the other tests.
    const current = await userId("viewer");
    await callAction(
      adminUser.action,
      makeRequest(`/admin/users/${viewer.id}`, {
        cookie,
        form: { intent: "save", displayName: "述职会议", role: "viewer", unitId: "", version: String(current.version) },
      }),
      { params: { userId: String(viewer.id) } },
    );
  });

  it("refuses a stale edit with 409 and does not overwrite", async () => {
    const cookie = await cookieFor("admin");
    const leader = await userId("leader");
    const form = (name: string, version: number) => ({
      intent: "save",
      displayName: name,
      role: "leader",
      unitId: "",
      version: String(version),
    });
    const first = await callAction(
      adminUser.action,
      makeRequest(`/admin/users/${leader.id}`, { cookie, form: form("刘主任A", leader.version) }),
      {
        params: { userId: String(leader.id) },
      },
    );
    expect(first.status).toBe(302);
    const stale = await callAction(
      adminUser.action,
      makeRequest(`/admin/users/${leader.id}`, { cookie, form: form("刘主任B", leader.version) }),
      {
        params: { userId: String(leader.id) },
      },
    );
    expect(stale.status).toBe(409);
    expect(stale.data.message).toContain("已被他人修改");
    const row = await getDb().selectFrom("users").select("display_name").where("id", "=", leader.id).executeTakeFirstOrThrow();
    expect(row.display_name).toBe("刘主任A");
  });

  it("resets a password: sessions end and a one-time password is shown", async () => {
    const secretaryCookie = await cookieFor("secretary");
    const cookie = await cookieFor("admin");
    const secretary = await userId("secretary");
    const outcome = await callAction(
      adminUser.action,
      makeRequest(`/admin/users/${secretary.id}`, { cookie, form: { intent: "resetPassword" } }),
      { params: { userId: String(secretary.id) } },
    );
    expect(outcome.data.password).toHaveLength(14);
    expect((await callLoader(index.loader, makeRequest("/", { cookie: secretaryCookie }))).location).toMatch(/^\/login/);
  });

  it("answers an unknown intent with 400", async () => {
    const cookie = await cookieFor("admin");
    const admin = await userId("admin");
    const outcome = await callAction(
      adminUser.action,
      makeRequest(`/admin/users/${admin.id}`, { cookie, form: { intent: "dropTables" } }),
      { params: { userId: String(admin.id) } },
    );
    expect(outcome.status).toBe(400);
  });
});

describe("units and plans", () => {
  it("renames a unit without breaking the users attached to it", async () => {
    const cookie = await cookieFor("admin");
    const db = getDb();
    const unit = await db.selectFrom("units").selectAll().where("name", "=", "东晟社区").executeTakeFirstOrThrow();
    const outcome = await callAction(
      adminUnits.action,
      makeRequest("/admin/units", {
        cookie,
        form: {
          intent: "update",
          unitId: String(unit.id),
          version: String(unit.version),
          name: "东晟社区（新）",
          kind: "community",
          sortOrder: "10",
          active: "on",
        },
      }),
    );
    expect(outcome.status).toBe(200);
    const secretary = await db
      .selectFrom("users")
      .innerJoin("units", "units.id", "users.unit_id")
      .select("units.name")
      .where("users.username", "=", "secretary")
      .executeTakeFirstOrThrow();
    expect(secretary.name).toBe("东晟社区（新）");
    const dup = await callAction(
      adminUnits.action,
      makeRequest("/admin/units", { cookie, form: { intent: "create", name: "龙腾社区", kind: "community", sortOrder: "5" } }),
    );
    expect(dup.status).toBe(409);
  });

  it("creates and archives plan years, refusing a duplicate year", async () => {
    const cookie = await cookieFor("admin");
    const created = await callAction(
      adminPlans.action,
      makeRequest("/admin/plans", { cookie, form: { intent: "create", year: "2026", organization: "平东街道" } }),
    );
    expect(created.status).toBe(200);
    const duplicate = await callAction(
      adminPlans.action,
      makeRequest("/admin/plans", { cookie, form: { intent: "create", year: "2026", organization: "平东街道" } }),
    );
    expect(duplicate.status).toBe(400);
    expect(duplicate.data.errors.year).toContain("已经存在");
    const plan = await getDb().selectFrom("plans").selectAll().where("year", "=", 2026).executeTakeFirstOrThrow();
    const archived = await callAction(
      adminPlans.action,
      makeRequest("/admin/plans", {
        cookie,
        form: { intent: "setStatus", planId: String(plan.id), version: String(plan.version), status: "archived" },
      }),
    );
    expect(archived.status).toBe(200);
    const after = await getDb().selectFrom("plans").select("status").where("id", "=", plan.id).executeTakeFirstOrThrow();
    expect(after.status).toBe("archived");
  });
});
