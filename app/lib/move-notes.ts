// Quiet notes for moves others made, found when the live refresh brings new cards: "刘主任 把
// 2025-05 移到 待验收". Pure: the board compares the cards it showed with the ones it got.
import { STATUS_LABELS, type TaskStatus } from "~/lib/board";

/** A recent move of a card in the plan, as the board loader reports it (newest first). */
export interface RecentMove {
  taskId: number;
  /** The card's version after this move. */
  version: number;
  to: TaskStatus;
  actorId: number | null;
  actorName: string | null;
}

export interface ShownCard {
  id: number;
  code: string;
  status: TaskStatus;
  version: number;
}

/** How many moves are named one by one; beyond that the note gives a count. */
export const NAMED_MOVES = 3;

/**
 * What changed column between the cards shown and the cards just loaded, said as one note per
 * card ("刘主任 把 2025-05 移到 待验收"), leaving out the viewer's own moves. A card whose
 * latest move is not in `recentMoves` (moved, then edited) is said without a name.
 */
export function othersMoveNotes(
  shown: readonly ShownCard[],
  loaded: readonly ShownCard[],
  recentMoves: readonly RecentMove[],
  viewerId: number,
): string[] {
  const before = new Map(shown.map((card) => [card.id, card]));
  const notes: string[] = [];
  for (const card of loaded) {
    const was = before.get(card.id);
    if (!was || was.status === card.status || card.version <= was.version) continue;
    // The newest move of this card that brought it to where it is now.
    const move = recentMoves.find(
      (m) => m.taskId === card.id && m.to === card.status && m.version <= card.version && m.version > was.version,
    );
    if (move?.actorId === viewerId) continue;
    const who = move?.actorName ?? "有人";
    notes.push(`${who} 把 ${card.code} 移到 ${STATUS_LABELS[card.status]}`);
  }
  if (notes.length <= NAMED_MOVES) return notes;
  return [...notes.slice(0, NAMED_MOVES), `另有 ${notes.length - NAMED_MOVES} 张卡片被移动`];
}
