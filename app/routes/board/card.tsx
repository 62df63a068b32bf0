// A task card on the board: its body (card-body.tsx, which the meeting view shows too) is
// memoised: a drag re-renders each card's thin draggable wrapper only when the drag starts,
// ends or changes column, and never the body of every card on the board.
import { memo } from "react";
import { useDraggable } from "@dnd-kit/core";
import type { BoardCard, TaskStatus } from "~/lib/board";
import { CardBody } from "~/routes/board/card-body";
import { MoveToForm } from "~/routes/board/occasional-parts";

export interface DraggableCardProps {
  card: BoardCard;
  detailHref: string;
  back: string;
  draggable: boolean;
  pending: boolean;
  /** Columns the user may move this card to (for the no-JS form shown after a refused move). */
  targets: readonly TaskStatus[];
  moveToFailure?: { message: string; values: Record<string, string> };
}

const DRAGGABLE_ATTRIBUTES = { roleDescription: "可拖动的卡片" };

/**
 * A card in a column: draggable when the user may move it, with a keyboard drag handle. While
 * it is dragged it stays in the list, faded, where it would land (the overlay follows the pointer).
 */
export const DraggableCard = memo(function DraggableCard({
  card,
  detailHref,
  back,
  draggable,
  pending,
  targets,
  moveToFailure,
}: DraggableCardProps) {
  const { setNodeRef, setActivatorNodeRef, attributes, listeners, isDragging } = useDraggable({
    id: card.id,
    disabled: !draggable,
    attributes: DRAGGABLE_ATTRIBUTES,
  });
  // Pointer and touch start anywhere on the card; the keyboard only from the handle, so that
  // Space and Enter in the card's links and form keep their usual meaning.
  const { onKeyDown, ...pointerListeners } = listeners ?? {};
  return (
    <li
      ref={setNodeRef}
      className={`task-card${isDragging ? " is-dragging" : ""}${pending ? " is-pending" : ""} light-edge-${card.light.light}`}
      data-task-id={card.id}
      data-status={card.status}
      {...(draggable ? pointerListeners : {})}
    >
      {draggable ? (
        <button
          type="button"
          ref={setActivatorNodeRef}
          className="task-handle"
          {...attributes}
          onKeyDown={onKeyDown as React.KeyboardEventHandler<HTMLButtonElement> | undefined}
          aria-label={`拖动卡片 ${card.code} ${card.title}`}
        >
          <span aria-hidden="true">⠿</span>
        </button>
      ) : null}
      <CardBody card={card} detailHref={detailHref} pending={pending} />
      {/* Without JavaScript a card moves from its own page: one small link here instead of a form
          of six buttons per card (a thousand-card plan's page stays small). A plain <a> (a full page
          load): with a router Link per card the drag render-count test saw more commits than moves. */}
      {!draggable ? null : moveToFailure ? (
        <MoveToForm card={card} back={back} targets={targets} failure={moveToFailure} />
      ) : (
        <a href={`${detailHref}#detail-move`} className="move-to-link">
          移动到…
        </a>
      )}
    </li>
  );
});
