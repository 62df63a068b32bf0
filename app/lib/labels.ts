// Chinese labels for stored codes. Client-safe: components import these, so they must
// not live in .server modules (which are stripped from the browser bundle).
import type { PlanStatus, Role, UnitKind } from "../../db/schema";

export const ROLES: readonly Role[] = ["admin", "leader", "secretary", "viewer"];
export const UNIT_KIND_LABELS: Record<UnitKind, string> = { community: "社区", office: "科室" };
export const PLAN_STATUS_LABELS: Record<PlanStatus, string> = { active: "进行中", archived: "已归档" };
