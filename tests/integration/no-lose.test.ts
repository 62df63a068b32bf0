// Never lose work, never overwrite it silently: stale moves, field merges, 填报 idempotency.
import { beforeAll, describe, expect, it } from "vitest";
import * as board from "../../app/routes/board/route";
import { createTask } from "../../app/models/tasks.server";
import { getDb } from "../../app/utils/db.server";
import type { Actor } from "../../app/utils/permissions";
import { callAction, cookieFor, makeRequest } from "./helpers";

let planId: number;
let actors: Record<string, Actor>;
let units: Record<string, number>;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  const db = getDb();
  planId = (await db.selectFrom("plans").select("id").where("year", "=", 2025).executeTakeFirstOrThrow()).id;
  const users = await db.selectFrom("users").select(["id", "username", "role", "unit_id"]).execute();
  actors = Object.fromEntries(users.map((u) => [u.username, { id: u.id, role: u.role, unitId: u.unit_id }]));
  units = Object.fromEntries((await db.selectFrom("units").select(["id", "name"]).execute()).map((u) => [u.name, u.id]));
  for (const name of ["admin", "leader", "secretary", "viewer"]) cookies[name] = await cookieFor(name);
});

async function newTask(title: string) {
  return createTask(getDb(), actors.leader, { planId, title, leadUnitId: units["东晟社区"], supportUnitIds: [], leadUserId: actors.leader.id, dueDate: "2025-12-31" });
}

const taskRow = (taskId: number) => getDb().selectFrom("tasks").selectAll().where("id", "=", taskId).executeTakeFirstOrThrow();

function move(username: string, form: Record<string, string>) {
  return callAction(board.action, makeRequest("/board", { cookie: cookies[username], form: { intent: "move", beforeId: "", afterId: "", reason: "", ...form } }));
}

describe("versioned moves", () => {
  it("refuses a move from a stale board with 409 saying who moved it where and when; the first move stands", async () => {
    const task = await newTask("过期看板移动");
    const drawn = (await taskRow(task.id)).version;
    const first = await move("leader", { taskId: String(task.id), toStatus: "pending_review", version: String(drawn) });
    expect(first.status).toBe(200);
    const stale = await move("admin", { taskId: String(task.id), toStatus: "in_progress", version: String(drawn) });
    expect(stale.status).toBe(409);
    expect(stale.data.ok).toBe(false);
    expect(stale.data.message).toContain("刘主任");
    expect(stale.data.message).toContain("待验收");
    expect(stale.data.message).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    const row = await taskRow(task.id);
    expect(row.status).toBe("pending_review");
    expect(row.version).toBe(drawn + 1);
  });

  it("lets the same person move a card again before the board caught up with their first move", async () => {
    const task = await newTask("连续移动");
    const drawn = (await taskRow(task.id)).version;
    expect((await move("leader", { taskId: String(task.id), toStatus: "in_progress", version: String(drawn) })).status).toBe(200);
    expect((await move("leader", { taskId: String(task.id), toStatus: "pending_review", version: String(drawn) })).status).toBe(200);
    expect((await taskRow(task.id)).status).toBe("pending_review");
  });

  it("refuses a stale no-JS 移动到 with the same message and keeps the card where it is", async () => {
    const task = await newTask("无脚本过期移动");
    const drawn = (await taskRow(task.id)).version;
    await move("leader", { taskId: String(task.id), toStatus: "pending_review", version: String(drawn) });
    const outcome = await callAction(
      board.action,
      makeRequest("/board", { cookie: cookies.admin, form: { intent: "moveTo", taskId: String(task.id), target: "in_progress:top", version: String(drawn), back: "" } }),
    );
    expect(outcome.status).toBe(409);
    expect(outcome.data).toMatchObject({ ok: false, intent: "moveTo", taskId: task.id });
    expect(outcome.data.message).toContain("刘主任");
    expect((await taskRow(task.id)).status).toBe("pending_review");
  });
});
