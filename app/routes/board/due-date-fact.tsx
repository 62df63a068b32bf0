// The 完成时限 entry of a task's facts (a card on the board and the card's detail panel): the
// deadline in words and, after an approved 延期申请, "已延期（原定…）".
import type { BoardCard } from "~/lib/board";
import { extendedNote, formatDateKey } from "~/lib/date-keys";

export function DueDateFact({ card }: { card: Pick<BoardCard, "dueDate" | "originalDueDate"> }) {
  return (
    <div>
      <dt>完成时限</dt>
      <dd>
        {card.dueDate ? formatDateKey(card.dueDate) : "未设定"}
        {card.originalDueDate ? <span className="task-extended">{extendedNote(card.originalDueDate, card.dueDate)}</span> : null}
      </dd>
    </div>
  );
}
