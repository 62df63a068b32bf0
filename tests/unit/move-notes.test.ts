import { describe, expect, it } from "vitest";
import { othersMoveNotes, type RecentMove, type ShownCard } from "~/lib/move-notes";

const card = (id: number, status: ShownCard["status"], version: number): ShownCard => ({ id, code: `2025-0${id}`, status, version });
const move = (taskId: number, to: RecentMove["to"], version: number, actorId: number, actorName: string): RecentMove => ({
  taskId,
  to,
  version,
  actorId,
  actorName,
});

describe("othersMoveNotes", () => {
  it("names who moved which card to which column", () => {
    const notes = othersMoveNotes(
      [card(5, "in_progress", 3)],
      [card(5, "pending_review", 4)],
      [move(5, "pending_review", 4, 2, "刘主任")],
      9,
    );
    expect(notes).toEqual(["刘主任 把 2025-05 移到 待验收"]);
  });

  it("says nothing of the viewer's own moves, of unchanged cards, or of cards already shown where they are", () => {
    expect(
      othersMoveNotes([card(5, "in_progress", 3)], [card(5, "pending_review", 4)], [move(5, "pending_review", 4, 9, "我")], 9),
    ).toEqual([]);
    expect(othersMoveNotes([card(5, "in_progress", 3)], [card(5, "in_progress", 4)], [], 9)).toEqual([]);
    // Shown already in its new column (an optimistic move of ours), now confirmed by the loader.
    expect(othersMoveNotes([card(5, "pending_review", 3)], [card(5, "pending_review", 4)], [], 9)).toEqual([]);
    // Our move still on its way: the loader has the older version.
    expect(othersMoveNotes([card(5, "pending_review", 3)], [card(5, "in_progress", 3)], [], 9)).toEqual([]);
  });

  it("says the move without a name when its record is not among the recent ones", () => {
    expect(othersMoveNotes([card(1, "not_started", 1)], [card(1, "done", 5)], [], 9)).toEqual(["有人 把 2025-01 移到 已销号"]);
  });

  it("names a few moves and counts the rest", () => {
    const ids = [1, 2, 3, 4, 5];
    const notes = othersMoveNotes(
      ids.map((id) => card(id, "not_started", 1)),
      ids.map((id) => card(id, "in_progress", 2)),
      ids.map((id) => move(id, "in_progress", 2, 2, "刘主任")),
      9,
    );
    expect(notes).toHaveLength(4);
    expect(notes[3]).toBe("另有 2 张卡片被移动");
  });
});
