// Who may do what: DESIGN.md's roles table, in one place. Pure, so the UI can ask it too
// (to hide a button) — but every loader and action asks it on the server.
import type { Role } from "../../db/schema";

export type { Role };

export interface Actor {
  id: number;
  role: Role;
  unitId: number | null;
}

export type Permission =
  | "read" // board, tasks, KPI, summary
  | "tasks.manage" // create / edit / delete tasks, targets, assignments
  | "tasks.move" // between 未启动, 推进中, 待验收 (secretaries: own unit's tasks)
  | "tasks.verify" // into or out of 已销号
  | "updates.post" // secretaries: own unit's tasks
  | "comments.post"
  | "urge"
  | "summary.manage" // import, generate/edit/export summary, start next year
  | "admin"; // accounts, units, plan years

/** A leader may do everything but administer accounts, units and plan years. */
const LEADER_GRANTS: readonly Permission[] = [
  "read",
  "tasks.manage",
  "tasks.move",
  "tasks.verify",
  "updates.post",
  "comments.post",
  "urge",
  "summary.manage",
];

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set<Permission>([...LEADER_GRANTS, "admin"]),
  leader: new Set<Permission>(LEADER_GRANTS),
  secretary: new Set<Permission>(["read", "tasks.move", "updates.post", "comments.post"]),
  viewer: new Set<Permission>(["read"]),
};

/** Permissions a secretary holds only for tasks where their unit is 牵头 or 配合. */
const UNIT_SCOPED: ReadonlySet<Permission> = new Set(["tasks.move", "updates.post"]);

/**
 * May `actor` do `permission`? For unit-scoped rights pass the task's unit ids
 * (牵头 and 配合); without them a secretary's unit-scoped right is not granted.
 */
export function can(actor: Actor, permission: Permission, taskUnitIds?: readonly number[]): boolean {
  if (!GRANTS[actor.role].has(permission)) return false;
  if (actor.role === "secretary" && UNIT_SCOPED.has(permission)) {
    return actor.unitId != null && (taskUnitIds ?? []).includes(actor.unitId);
  }
  return true;
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: "系统管理员",
  leader: "街道领导",
  secretary: "社区书记 / 科室负责人",
  viewer: "查看（述职会议）",
};
