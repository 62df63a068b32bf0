import { describe, expect, it } from "vitest";
import {
  applyConfirmedCards,
  applyPendingMoves,
  boardSearch,
  canDragCard,
  classifyMove,
  columnLimits,
  COLUMN_LIMIT,
  drawnLimits,
  groupIntoLanes,
  limitColumns,
  matchesFilters,
  moveProblem,
  neighboursAt,
  sortCards,
  STATUSES,
  WHOLE_BOARD_CARDS,
  withMoreOf,
  type BoardCard,
  type TaskStatus,
} from "~/lib/board";
import { parseBoardFilters } from "~/lib/board-filters.server";
import { describeChanges, type TaskSnapshot } from "~/lib/task-changes";
import type { Actor } from "~/utils/permissions";

const admin: Actor = { id: 1, role: "admin", unitId: null };
const leader: Actor = { id: 2, role: "leader", unitId: null };
const secretary: Actor = { id: 3, role: "secretary", unitId: 10 };
const viewer: Actor = { id: 4, role: "viewer", unitId: null };

const own = { unitIds: [10, 11] };
const other = { unitIds: [11] };

describe("classifyMove", () => {
  it("names each transition", () => {
    expect(classifyMove("in_progress", "in_progress")).toBe("reorder");
    expect(classifyMove("not_started", "in_progress")).toBe("advance");
    expect(classifyMove("in_progress", "pending_review")).toBe("advance");
    expect(classifyMove("in_progress", "not_started")).toBe("advance");
    expect(classifyMove("pending_review", "done")).toBe("verify");
    expect(classifyMove("in_progress", "done")).toBe("verify");
    expect(classifyMove("pending_review", "in_progress")).toBe("reject");
    expect(classifyMove("pending_review", "not_started")).toBe("reject");
    expect(classifyMove("done", "in_progress")).toBe("reopen");
  });
});

describe("moveProblem: who may move where", () => {
  const open: TaskStatus[] = ["not_started", "in_progress", "pending_review"];

  it("lets leaders and admins make every move, 驳回 only with a reason", () => {
    for (const actor of [admin, leader]) {
      for (const from of STATUSES) {
        for (const to of STATUSES) {
          const problem = moveProblem(actor, { status: from, unitIds: [] }, to, "");
          if (classifyMove(from, to) === "reject")
            expect(problem).toEqual({ status: 400, message: expect.stringContaining("驳回须填写原因") });
          else expect(problem).toBeNull();
          expect(moveProblem(actor, { status: from, unitIds: [] }, to, "材料不全")).toBeNull();
        }
      }
    }
  });

  it("lets a secretary move own-unit tasks among 未启动/推进中/待验收 only", () => {
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        const problem = moveProblem(secretary, { status: from, ...own }, to, "原因");
        const allowed = open.includes(from) && open.includes(to);
        expect(problem === null, `${from} → ${to}`).toBe(allowed);
        if (!allowed) expect(problem!.status).toBe(403);
      }
    }
  });

  it("refuses a secretary another unit's task, and a viewer anything, with 403", () => {
    expect(moveProblem(secretary, { status: "in_progress", ...other }, "pending_review", "")?.status).toBe(403);
    expect(moveProblem(secretary, { status: "in_progress", unitIds: [] }, "in_progress", "")?.status).toBe(403);
    expect(moveProblem(viewer, { status: "in_progress", ...own }, "pending_review", "")?.status).toBe(403);
    expect(moveProblem({ ...secretary, unitId: null }, { status: "in_progress", ...own }, "pending_review", "")?.status).toBe(403);
  });

  it("checks rights before the missing reason", () => {
    expect(moveProblem(viewer, { status: "pending_review", unitIds: [] }, "in_progress", "")?.status).toBe(403);
  });

  it("refuses a blank or over-long reason", () => {
    expect(moveProblem(leader, { status: "pending_review", unitIds: [] }, "in_progress", "   ")?.status).toBe(400);
    expect(moveProblem(leader, { status: "in_progress", unitIds: [] }, "done", "字".repeat(501))?.status).toBe(400);
  });

  it("says which cards can be picked up", () => {
    expect(canDragCard(secretary, { status: "in_progress", ...own })).toBe(true);
    expect(canDragCard(secretary, { status: "done", ...own })).toBe(false);
    expect(canDragCard(secretary, { status: "in_progress", ...other })).toBe(false);
    expect(canDragCard(viewer, { status: "in_progress", ...own })).toBe(false);
    expect(canDragCard(leader, { status: "done", unitIds: [] })).toBe(true);
  });
});

function card(id: number, overrides: Partial<BoardCard> = {}): BoardCard {
  return {
    id,
    code: `2025-${String(id).padStart(2, "0")}`,
    title: `任务${id}`,
    origin: "key_work",
    originRef: `四.${id}`,
    category: "",
    status: "in_progress",
    position: `a${id}`,
    version: 1,
    leadUnit: { id: 10, name: "东晟社区" },
    supportUnits: [{ id: 11, name: "龙腾社区" }],
    leadUser: { id: 2, name: "刘主任" },
    startDate: null,
    dueDate: "2025-12-31",
    progress: 0,
    lastUpdateWeek: null,
    light: { light: "green", expectedProgress: 0, behindBy: 0, reasons: [] },
    metrics: [],
    ...overrides,
  };
}

describe("filters in the URL", () => {
  it("reads filters, ignoring anything malformed", () => {
    expect(parseBoardFilters(new URLSearchParams("unit=3&leader=x&light=red&lane=leader&q=%20消防%20&category=民生"))).toEqual({
      unit: 3,
      leader: null,
      category: "民生",
      light: "red",
      q: "消防",
      lane: "leader",
      all: false,
      more: {},
    });
    expect(parseBoardFilters(new URLSearchParams("light=purple&lane=diagonal&unit=-1"))).toMatchObject({
      light: null,
      lane: "none",
      unit: null,
    });
  });

  it("writes them back, defaults left out, so a view can be bookmarked", () => {
    const filters = parseBoardFilters(new URLSearchParams("unit=3&q=消防&lane=unit"));
    const search = boardSearch(2025, filters);
    expect(parseBoardFilters(new URLSearchParams(search.slice(1)))).toEqual(filters);
    expect(search).toContain("year=2025");
    expect(boardSearch(null, parseBoardFilters(new URLSearchParams()))).toBe("");
  });

  it("matches by unit (牵头 or 配合), leader, category, light and text", () => {
    const c = card(1, {
      category: "民生保障",
      title: "老旧小区消防通道整治",
      light: { light: "red", expectedProgress: 50, behindBy: 40, reasons: [] },
    });
    const f = parseBoardFilters(new URLSearchParams());
    expect(matchesFilters(c, { ...f, unit: 11 })).toBe(true);
    expect(matchesFilters(c, { ...f, unit: 12 })).toBe(false);
    expect(matchesFilters(c, { ...f, leader: 2 })).toBe(true);
    expect(matchesFilters(c, { ...f, leader: 5 })).toBe(false);
    expect(matchesFilters(c, { ...f, category: "民生保障" })).toBe(true);
    expect(matchesFilters(c, { ...f, light: "green" })).toBe(false);
    expect(matchesFilters(c, { ...f, q: "消防" })).toBe(true);
    expect(matchesFilters(c, { ...f, q: "2025-01" })).toBe(true);
    expect(matchesFilters(c, { ...f, q: "龙腾" })).toBe(true);
    expect(matchesFilters(c, { ...f, q: "招商" })).toBe(false);
  });
});

describe("swimlanes", () => {
  it("groups by 牵头单位 in the given order, unassigned last, columns in position order", () => {
    const cards = [
      card(1, { position: "a2" }),
      card(2, { position: "a1" }),
      card(3, { leadUnit: { id: 12, name: "丰翼社区" }, status: "done" }),
      card(4, { leadUnit: null }),
    ];
    const lanes = groupIntoLanes(cards, "unit", ["u12", "u10"]);
    expect(lanes.map((l) => l.label)).toEqual(["丰翼社区", "东晟社区", "未指定牵头单位"]);
    expect(lanes[1].columns.in_progress.map((c) => c.id)).toEqual([2, 1]);
    expect(lanes[0].columns.done.map((c) => c.id)).toEqual([3]);
  });

  it("always shows the four columns without lanes, even with no cards", () => {
    const [lane] = groupIntoLanes([], "none");
    expect(Object.keys(lane.columns)).toEqual(["not_started", "in_progress", "pending_review", "done"]);
  });
});

describe("optimistic placement", () => {
  it("puts a moved card between its new neighbours", () => {
    const cards = [card(1, { position: "a0", status: "not_started" }), card(2, { position: "a1" }), card(3, { position: "a3" })];
    const moved = sortCards(applyPendingMoves(cards, [{ taskId: 1, toStatus: "in_progress", beforeId: 2, afterId: 3 }]));
    expect(moved.map((c) => [c.id, c.status])).toEqual([
      [2, "in_progress"],
      [1, "in_progress"],
      [3, "in_progress"],
    ]);
  });

  it("puts a moved card at the head or the tail of a column, even between keys that share a prefix", () => {
    const cards = [
      card(1, { position: "a0", status: "not_started" }),
      card(2, { position: "a1" }),
      card(3, { position: "a1V" }),
      card(4, { position: "a2" }),
    ];
    const order = (moves: Parameters<typeof applyPendingMoves>[1]) => sortCards(applyPendingMoves(cards, moves)).map((c) => c.id);
    expect(order([{ taskId: 1, toStatus: "in_progress", beforeId: null, afterId: 2 }])).toEqual([1, 2, 3, 4]);
    expect(order([{ taskId: 1, toStatus: "in_progress", beforeId: 2, afterId: 3 }])).toEqual([2, 1, 3, 4]);
    expect(order([{ taskId: 1, toStatus: "in_progress", beforeId: 4, afterId: null }])).toEqual([2, 3, 4, 1]);
    // Neighbours out of order (the board changed underneath): the card keeps its own key.
    expect(applyPendingMoves(cards, [{ taskId: 1, toStatus: "in_progress", beforeId: 4, afterId: 2 }])[0].position).toBe("a0");
  });

  it("applies the newest of several moves of the same card when given in order", () => {
    const cards = [card(1, { position: "a0" }), card(2, { position: "a1", status: "pending_review" })];
    const moved = applyPendingMoves(cards, [
      { taskId: 1, toStatus: "pending_review", beforeId: null, afterId: 2 },
      { taskId: 1, toStatus: "not_started", beforeId: null, afterId: null },
    ]);
    expect(moved.find((c) => c.id === 1)!.status).toBe("not_started");
  });

  it("keeps a server-confirmed card until the loader has caught up", () => {
    const cards = [card(1, { version: 3 })];
    const confirmed = new Map([[1, card(1, { version: 4, status: "pending_review" })]]);
    expect(applyConfirmedCards(cards, confirmed)[0].status).toBe("pending_review");
    expect(applyConfirmedCards([card(1, { version: 5 })], confirmed)[0].status).toBe("in_progress");
  });

  it("keeps the loader's metrics under a confirmed card (a move answers without them)", () => {
    const bars = [{ id: 9, name: "走访户数", unit: "户", target: 100, actual: 40, percent: 40, direction: "up" as const }];
    const { metrics: _left, ...moved } = card(1, { version: 4, status: "pending_review" });
    const [shown] = applyConfirmedCards([card(1, { version: 3, metrics: bars })], new Map([[1, moved]]));
    expect(shown.status).toBe("pending_review");
    expect(shown.metrics).toEqual(bars);
  });

  it("names the neighbours of a position", () => {
    expect(neighboursAt([4, 5, 6], 0)).toEqual({ beforeId: null, afterId: 5 });
    expect(neighboursAt([4, 5, 6], 1)).toEqual({ beforeId: 4, afterId: 6 });
    expect(neighboursAt([4], 0)).toEqual({ beforeId: null, afterId: null });
  });
});

describe("describeChanges", () => {
  const base: TaskSnapshot = {
    code: "2025-01",
    title: "老旧小区改造",
    description: "",
    category: "城市管理",
    origin: "key_work",
    originRef: "四.1",
    status: "in_progress",
    position: "a0",
    leadUser: { id: 2, name: "刘主任" },
    leadUnit: { id: 10, name: "东晟社区" },
    supportUnits: [],
    startDate: null,
    dueDate: "2025-06-30",
    version: 2,
    metrics: [{ id: 1, name: "改造户数", unit: "户", baseline: null, target: 200, direction: "up", aggregation: "sum" }],
  };

  it("lists changed fields in Chinese with dates as 2025年6月30日", () => {
    const after: TaskSnapshot = {
      ...base,
      title: "老旧小区综合改造",
      dueDate: "2025-09-30",
      supportUnits: [{ id: 11, name: "龙腾社区" }],
      metrics: [{ ...base.metrics[0], target: 250 }],
      position: "b0",
    };
    expect(describeChanges(base, after)).toEqual([
      { field: "名称", before: "老旧小区改造", after: "老旧小区综合改造" },
      { field: "配合单位", before: "（空）", after: "龙腾社区" },
      { field: "完成时限", before: "2025年6月30日", after: "2025年9月30日" },
      { field: "指标", before: "改造户数（目标200户，越高越好）", after: "改造户数（目标250户，越高越好）" },
    ]);
  });

  it("reports added and deleted metrics and ignores a reorder", () => {
    const after: TaskSnapshot = {
      ...base,
      position: "Zz",
      metrics: [{ id: 2, name: "走访", unit: "次", baseline: 10, target: 20, direction: "up", aggregation: "sum" }],
    };
    const changes = describeChanges(base, after);
    expect(changes.map((c) => c.after)).toEqual(["已删除", "走访（目标20次，上年10次，越高越好）"]);
  });
});

describe("column limit for large plans", () => {
  it("keeps the first cards of each column in position order and counts the rest", () => {
    const cards = Array.from({ length: 10 }, (_, i) => card(i + 1, { status: i < 7 ? "in_progress" : "done", position: `a${9 - i}` }));
    const { cards: kept, hidden } = limitColumns(cards, 3);
    expect(kept.filter((c) => c.status === "in_progress").map((c) => c.id)).toEqual([7, 6, 5]);
    expect(kept.filter((c) => c.status === "done").map((c) => c.id)).toEqual([10, 9, 8]);
    expect(hidden).toEqual({ not_started: 0, in_progress: 4, pending_review: 0, done: 0 });
  });

  it("draws each column's first page, and one more page per 显示更多 of that column only", () => {
    const filters = parseBoardFilters(new URLSearchParams("year=2024"));
    expect(columnLimits(filters)).toEqual({
      not_started: COLUMN_LIMIT,
      in_progress: COLUMN_LIMIT,
      pending_review: COLUMN_LIMIT,
      done: COLUMN_LIMIT,
    });
    const once = withMoreOf(filters, "in_progress");
    expect(boardSearch(2024, once)).toBe(`?year=2024&more=in_progress%3A${2 * COLUMN_LIMIT}`);
    const twice = withMoreOf(parseBoardFilters(new URLSearchParams(boardSearch(2024, once))), "in_progress");
    const thenDone = withMoreOf(twice, "done");
    expect(columnLimits(thenDone)).toEqual({
      not_started: COLUMN_LIMIT,
      in_progress: 3 * COLUMN_LIMIT,
      pending_review: COLUMN_LIMIT,
      done: 2 * COLUMN_LIMIT,
    });
    // Filters stay on the link.
    const filtered = withMoreOf(parseBoardFilters(new URLSearchParams("unit=3&q=排查")), "done");
    expect(boardSearch(2024, filtered)).toBe(`?year=2024&unit=3&q=%E6%8E%92%E6%9F%A5&more=done%3A${2 * COLUMN_LIMIT}`);
  });

  it("draws a board no bigger than one page of each column whole", () => {
    const filters = parseBoardFilters(new URLSearchParams("year=2024"));
    expect(drawnLimits(filters, WHOLE_BOARD_CARDS)).toBe(Infinity);
    expect(drawnLimits(filters, WHOLE_BOARD_CARDS + 1)).toEqual(columnLimits(filters));
    // 40 cards with 17 in one column: all 17 are drawn.
    const cards = Array.from({ length: 40 }, (_, i) => card(i + 1, { status: i < 17 ? "in_progress" : "done", position: `a${i}` }));
    expect(limitColumns(cards, drawnLimits(filters, cards.length)).cards).toHaveLength(40);
  });

  it("limits each column by its own count", () => {
    const cards = Array.from({ length: 10 }, (_, i) => card(i + 1, { status: i < 7 ? "in_progress" : "done", position: `a${9 - i}` }));
    const { cards: kept, hidden } = limitColumns(cards, { not_started: 1, in_progress: 5, pending_review: 1, done: 1 });
    expect(kept.filter((c) => c.status === "in_progress").map((c) => c.id)).toEqual([7, 6, 5, 4, 3]);
    expect(kept.filter((c) => c.status === "done").map((c) => c.id)).toEqual([10]);
    expect(hidden).toEqual({ not_started: 0, in_progress: 2, pending_review: 0, done: 2 });
  });

  it("ignores a malformed or oversized 显示更多 parameter, and rounds counts to whole pages", () => {
    const more = (value: string) => parseBoardFilters(new URLSearchParams({ more: value })).more;
    expect(more("in_progress:abc,nonsense:80,done:-1,:")).toEqual({});
    expect(more(`done:${COLUMN_LIMIT + 1}`)).toEqual({ done: 2 * COLUMN_LIMIT });
    expect(more("done:99999")).toEqual({ done: 2000 });
    expect(more(`done:${COLUMN_LIMIT}`)).toEqual({});
    // "显示全部" overrides the pages and leaves them out of the URL.
    expect(boardSearch(2024, { ...parseBoardFilters(new URLSearchParams("more=done:80")), all: true })).toBe("?year=2024&all=1");
  });

  it("round-trips the show-all switch through the URL", () => {
    const filters = parseBoardFilters(new URLSearchParams("all=1"));
    expect(filters.all).toBe(true);
    expect(boardSearch(2025, filters)).toBe("?year=2025&all=1");
  });
});
