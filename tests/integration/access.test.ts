// Every route × every role: allowed, 403, or sent to log in — for loaders (GET) and actions
// (POST). The table must name every route file: a new route without a row fails here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ActionFunction, LoaderFunction } from "@remix-run/node";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../app/utils/db.server";
import { callAction, callLoader, cookieFor, makeRequest, type Outcome } from "./helpers";

type Role = "anon" | "admin" | "leader" | "secretary" | "viewer";
/** ok: allowed (2xx, 304 or a redirect that is not to /login); login: sent to log in. */
type Expect = "ok" | "login" | 403 | 404 | "none";
type Row = Record<Role, Expect>;

const ALL: Row = { anon: "login", admin: "ok", leader: "ok", secretary: "ok", viewer: "ok" };
const ADMIN: Row = { anon: "login", admin: "ok", leader: 403, secretary: 403, viewer: 403 };
const LEADERS: Row = { anon: "login", admin: "ok", leader: "ok", secretary: 403, viewer: 403 };
const WRITERS: Row = { anon: "login", admin: "ok", leader: "ok", secretary: "ok", viewer: 403 };
const NOT_FOUND: Row = { anon: "login", admin: 404, leader: 404, secretary: 404, viewer: 404 };
const PUBLIC: Row = { anon: "ok", admin: "ok", leader: "ok", secretary: "ok", viewer: "ok" };
const NONE: Row = { anon: "none", admin: "none", leader: "none", secretary: "none", viewer: "none" };

interface Ids {
  planId: number;
  taskId: number;
  otherUnitTaskId: number;
  metricId: number;
  userId: number;
}

interface AccessRow {
  url: (ids: Ids) => string;
  params: (ids: Ids) => Record<string, string>;
  get: Row;
  /** A POST (with `form`, else empty): refused roles get 403/login; allowed ones are handled or get a 4xx, never a 500. */
  post: Row;
  form?: (ids: Ids) => Record<string, string>;
}

const none = () => ({});
const ACCESS: Record<string, AccessRow> = {
  "_index.tsx": { url: () => "/", params: none, get: ALL, post: NONE },
  "admin._index.tsx": { url: () => "/admin", params: none, get: ADMIN, post: NONE },
  "admin.tsx": { url: () => "/admin", params: none, get: ADMIN, post: NONE },
  "admin.audit.tsx": { url: () => "/admin/audit", params: none, get: ADMIN, post: NONE },
  "admin.backups.tsx": { url: () => "/admin/backups", params: none, get: ADMIN, post: ADMIN },
  "admin.backups.$name.tsx": {
    url: () => "/admin/backups/backup-20990101-000000.sqlite",
    params: () => ({ name: "backup-20990101-000000.sqlite" }),
    get: { ...ADMIN, admin: 404 },
    post: NONE,
  },
  "admin.plans.$year.export.ts": { url: () => "/admin/plans/2025/export", params: () => ({ year: "2025" }), get: ADMIN, post: NONE },
  "admin.notify.tsx": {
    url: () => "/admin/notify",
    params: none,
    get: ADMIN,
    post: ADMIN,
    form: () => ({ intent: "deleteChannel", channelId: "999999" }),
  },
  "admin.outbox.tsx": {
    url: () => "/admin/outbox",
    params: none,
    get: ADMIN,
    post: ADMIN,
    form: () => ({ intent: "resend", messageId: "999999" }),
  },
  "admin.plans.tsx": { url: () => "/admin/plans", params: none, get: ADMIN, post: ADMIN },
  "admin.units.tsx": { url: () => "/admin/units", params: none, get: ADMIN, post: ADMIN },
  "admin.users.tsx": { url: () => "/admin/users", params: none, get: ADMIN, post: ADMIN },
  "admin.users_.$userId.tsx": {
    url: (i) => `/admin/users/${i.userId}`,
    params: (i) => ({ userId: String(i.userId) }),
    get: ADMIN,
    post: ADMIN,
  },
  "attachments.$attachmentId.tsx": {
    url: () => "/attachments/999999",
    params: () => ({ attachmentId: "999999" }),
    get: NOT_FOUND,
    post: NONE,
  },
  "board/route.tsx": {
    url: () => "/board",
    params: none,
    get: ALL,
    // A move of another unit's task: a secretary is refused it as a viewer is.
    post: LEADERS,
    form: (i) => ({ intent: "move", taskId: String(i.otherUnitTaskId), toStatus: "in_progress", beforeId: "", afterId: "", reason: "" }),
  },
  "board.$taskId.tsx": {
    url: (i) => `/board/${i.taskId}`,
    params: (i) => ({ taskId: String(i.taskId) }),
    get: ALL,
    post: LEADERS,
    form: () => ({ intent: "delete", version: "999999" }),
  },
  "board.$taskId_.edit.tsx": {
    url: (i) => `/board/${i.taskId}/edit`,
    params: (i) => ({ taskId: String(i.taskId) }),
    get: LEADERS,
    post: LEADERS,
  },
  "briefings.tsx": {
    url: () => "/briefings?year=2025",
    params: none,
    get: LEADERS,
    post: LEADERS,
    form: (i) => ({ intent: "issue", planId: String(i.planId), kind: "month", month: "2025-03" }),
  },
  "briefings_.$briefingId.$format.ts": {
    url: () => "/briefings/999999/docx",
    params: () => ({ briefingId: "999999", format: "docx" }),
    get: { ...LEADERS, admin: 404, leader: 404 },
    post: NONE,
  },
  "board_.meeting.tsx": { url: () => "/board/meeting", params: none, get: ALL, post: NONE },
  "board_.poll.ts": { url: (i) => `/board/poll?plan=${i.planId}`, params: none, get: ALL, post: NONE },
  "import/route.tsx": { url: () => "/import", params: none, get: LEADERS, post: LEADERS },
  "kpi/route.tsx": { url: () => "/kpi", params: none, get: ALL, post: NONE },
  "kpi_.ledger[.xlsx].tsx": { url: () => "/kpi/ledger.xlsx?year=2025", params: none, get: LEADERS, post: NONE },
  "ledger/route.tsx": {
    url: () => "/ledger?year=2025",
    params: none,
    get: ALL,
    post: LEADERS,
    form: () => ({ intent: "bulk", year: "2025", rows: "" }),
  },
  "ledger[.xlsx].tsx": { url: () => "/ledger.xlsx?year=2025", params: none, get: LEADERS, post: NONE },
  "kpi_.$metricId.tsx": { url: (i) => `/kpi/${i.metricId}`, params: (i) => ({ metricId: String(i.metricId) }), get: ALL, post: NONE },
  "login.tsx": { url: () => "/login", params: none, get: PUBLIC, post: PUBLIC },
  "logout.tsx": {
    url: () => "/logout",
    params: none,
    get: PUBLIC,
    post: { anon: "login", admin: "login", leader: "login", secretary: "login", viewer: "login" },
  },
  "reports.tsx": { url: () => "/reports", params: none, get: LEADERS, post: LEADERS },
  "reports.export.tsx": { url: () => "/reports/export", params: none, get: LEADERS, post: NONE },
  "settings.password.tsx": { url: () => "/settings/password", params: none, get: ALL, post: ALL },
  "summary/route.tsx": { url: () => "/summary", params: none, get: ALL, post: LEADERS },
  // No summary has been generated in a fresh database: leaders get a 404 that says so.
  "summary_.export.$format.ts": {
    url: () => "/summary/export/txt",
    params: () => ({ format: "txt" }),
    get: { ...LEADERS, admin: 404, leader: 404 },
    post: NONE,
  },
  "summary_.next-year.tsx": { url: () => "/summary/next-year", params: none, get: LEADERS, post: LEADERS },
  "summary_.outline.tsx": { url: () => "/summary/outline", params: none, get: LEADERS, post: LEADERS },
  "tasks.$taskId.comments.tsx": {
    url: (i) => `/tasks/${i.taskId}/comments`,
    params: (i) => ({ taskId: String(i.taskId) }),
    get: ALL,
    post: WRITERS,
    form: () => ({ intent: "comment", body: "请按时报送佐证材料。" }),
  },
  "tasks.$taskId.update/route.tsx": {
    url: (i) => `/tasks/${i.taskId}/update`,
    params: (i) => ({ taskId: String(i.taskId) }),
    get: WRITERS,
    post: WRITERS,
  },
  "tasks.$taskId.extension.tsx": {
    url: (i) => `/tasks/${i.otherUnitTaskId}/extension`,
    params: (i) => ({ taskId: String(i.otherUnitTaskId) }),
    get: ALL,
    // Applying for another unit's task: a secretary is refused it as a viewer is.
    post: LEADERS,
    form: () => ({ intent: "apply", dueDate: "2099-01-01", reason: "访问表测试。" }),
  },
  "todo.tsx": { url: () => "/todo", params: none, get: ALL, post: NONE },
};

function routeFiles(dir = "app/routes"): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      for (const name of ["route.tsx", "route.ts"]) {
        try {
          statSync(join(path, name));
          files.push(`${entry}/${name}`);
        } catch {
          // not a route folder entry
        }
      }
    } else if (/\.(tsx|ts)$/.test(entry)) {
      files.push(entry);
    }
  }
  return files.sort();
}

function classify(outcome: Outcome): Expect | number {
  if (outcome.location?.startsWith("/login")) return "login";
  if (outcome.status >= 200 && outcome.status < 400) return "ok";
  return outcome.status;
}

const ROLES: Role[] = ["anon", "admin", "leader", "secretary", "viewer"];

describe("access table", () => {
  const cookies = new Map<Role, string | null>();
  let ids: Ids;

  // Fresh sessions for every route: the logout row ends the ones it is given.
  beforeEach(async () => {
    cookies.set("anon", null);
    for (const role of ROLES.filter((r) => r !== "anon")) cookies.set(role, await cookieFor(role));
  });

  beforeAll(async () => {
    const db = getDb();
    const secretary = await db.selectFrom("users").select("unit_id").where("username", "=", "secretary").executeTakeFirstOrThrow();
    const own = await db
      .selectFrom("tasks")
      .innerJoin("task_units", "task_units.task_id", "tasks.id")
      .select("tasks.id")
      .where("task_units.unit_id", "=", secretary.unit_id!)
      .orderBy("tasks.id")
      .executeTakeFirstOrThrow();
    const other = await db
      .selectFrom("tasks")
      .select("id")
      .where("id", "not in", db.selectFrom("task_units").select("task_id").where("unit_id", "=", secretary.unit_id!))
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const metric = await db.selectFrom("metrics").select("id").orderBy("id").executeTakeFirstOrThrow();
    const user = await db.selectFrom("users").select("id").where("username", "=", "viewer").executeTakeFirstOrThrow();
    const plan = await db.selectFrom("plans").select("id").where("year", "=", 2025).executeTakeFirstOrThrow();
    ids = { planId: plan.id, taskId: own.id, otherUnitTaskId: other.id, metricId: metric.id, userId: user.id };
  });

  it("names every route file", () => {
    expect(routeFiles().filter((file) => !(file in ACCESS))).toEqual([]);
  });

  for (const [file, row] of Object.entries(ACCESS)) {
    it(`${file}: loader and action per role`, async () => {
      const module = (await import(`../../app/routes/${file.replace(/\.tsx?$/, "")}`)) as {
        loader?: LoaderFunction;
        action?: ActionFunction;
      };
      for (const role of ROLES) {
        const cookie = cookies.get(role) ?? null;
        if (row.get[role] !== "none") {
          expect(module.loader, `${file} has a loader`).toBeTypeOf("function");
          const outcome = await callLoader(module.loader, makeRequest(row.url(ids), { cookie }), { params: row.params(ids) });
          expect(classify(outcome), `GET ${row.url(ids)} as ${role}`).toBe(row.get[role]);
        }
        if (row.post[role] !== "none") {
          expect(module.action, `${file} has an action`).toBeTypeOf("function");
          const outcome = await callAction(module.action, makeRequest(row.url(ids), { cookie, form: row.form?.(ids) ?? {} }), {
            params: row.params(ids),
          });
          const got = classify(outcome);
          const expected = row.post[role];
          if (expected === "ok") {
            // Allowed to try: an empty form is refused as bad input, or handled; never a 500.
            expect(
              got === "ok" || (typeof got === "number" && got >= 400 && got < 500 && got !== 403),
              `POST ${file} as ${role}: ${got}`,
            ).toBe(true);
          } else {
            expect(got, `POST ${row.url(ids)} as ${role}`).toBe(expected);
          }
        }
      }
      // A secretary may post updates only for tasks of their own unit.
      if (file === "tasks.$taskId.update/route.tsx") {
        const url = `/tasks/${ids.otherUnitTaskId}/update`;
        const outcome = await callAction(
          module.action,
          makeRequest(url, { cookie: cookies.get("secretary")!, form: { body: "x", progress: "10" } }),
          {
            params: { taskId: String(ids.otherUnitTaskId) },
          },
        );
        expect(outcome.status).toBe(403);
      }
    });
  }
});
