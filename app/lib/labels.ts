// Chinese labels for stored codes. Client-safe: components import these, so they must
// not live in .server modules (which are stripped from the browser bundle).
import type { PlanStatus, Role, UnitKind } from "../../db/schema";
import type { SectionKind } from "~/lib/importer/types";

export const ROLES: readonly Role[] = ["admin", "leader", "secretary", "viewer"];
export const UNIT_KIND_LABELS: Record<UnitKind, string> = { community: "社区", office: "科室" };
export const PLAN_STATUS_LABELS: Record<PlanStatus, string> = { active: "进行中", archived: "已归档" };

/** Kinds of the sections of a 工作总结, as the import preview and the CLI name them. */
export const SECTION_KIND_LABELS: Record<SectionKind, string> = {
  highlights: "亮点",
  work: "主要工作",
  problems: "存在问题",
  plan: "重点工作安排",
  vision: "远景目标",
  other: "其他",
};
