// Board filters read from the URL. Only loaders read them (the browser builds URLs with
// boardSearch in board.ts), so this stays out of the board's browser bundle.
import type { Light } from "~/lib/light-labels";
import { COLUMN_LIMIT, isTaskStatus, MAX_COLUMN_SHOWN, type BoardFilters, type LaneBy } from "~/lib/board";
import type { TaskStatus } from "~/lib/domain";
import { parseRowId } from "~/lib/row-id";

const LANE_VALUES: readonly LaneBy[] = ["none", "unit", "leader", "category"];
const LIGHT_VALUES: readonly Light[] = ["green", "yellow", "red", "done", "upcoming"];

/** Reads filters from the URL; anything malformed is ignored, never an error. */
export function parseBoardFilters(params: URLSearchParams): BoardFilters {
  const light = params.get("light");
  const lane = params.get("lane");
  const category = params.get("category")?.trim();
  return {
    unit: parseRowId(params.get("unit")),
    leader: parseRowId(params.get("leader")),
    category: category ? category.slice(0, 60) : null,
    light: light && (LIGHT_VALUES as readonly string[]).includes(light) ? (light as Light) : null,
    q: (params.get("q") ?? "").trim().slice(0, 60),
    lane: lane && (LANE_VALUES as readonly string[]).includes(lane) ? (lane as LaneBy) : "none",
    all: params.get("all") === "1",
    more: parseColumnMore(params.get("more")),
  };
}

/**
 * `more=in_progress:80,done:120` → how many cards those columns show. Counts are rounded up
 * to whole pages of COLUMN_LIMIT and capped; anything malformed is ignored, never an error.
 */
function parseColumnMore(value: string | null): Partial<Record<TaskStatus, number>> {
  const more: Partial<Record<TaskStatus, number>> = {};
  for (const part of (value ?? "").slice(0, 200).split(",")) {
    const [status, count] = part.split(":");
    if (!isTaskStatus(status) || !/^\d{1,5}$/.test(count ?? "")) continue;
    const n = Math.min(MAX_COLUMN_SHOWN, Math.ceil(Number(count) / COLUMN_LIMIT) * COLUMN_LIMIT);
    if (n > COLUMN_LIMIT) more[status] = n;
  }
  return more;
}
