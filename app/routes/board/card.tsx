// A task card. The body is memoised: a drag re-renders each card's thin draggable wrapper only
// when the drag starts, ends or changes column, and never the body of every card on the board.
import { memo } from "react";
import { Form, Link } from "@remix-run/react";
import { useDraggable } from "@dnd-kit/core";
import { ORIGIN_LABELS, STATUS_LABELS, type BoardCard, type TaskStatus } from "~/lib/board";
import { DueDateFact } from "~/routes/board/due-date-fact";
import { LightBadge } from "~/routes/board/light-badge";
import { MetricBars } from "~/routes/board/metric-bars";

export interface CardBodyProps {
  card: BoardCard;
  detailHref: string | null;
  pending?: boolean;
}

function unitNames(card: BoardCard) {
  return card.supportUnits.map((u) => u.name).join("、");
}

export const CardBody = memo(function CardBody({ card, detailHref, pending = false }: CardBodyProps) {
  const support = unitNames(card);
  return (
    <article className="task-card-body" aria-labelledby={`task-${card.id}-title`}>
      <p className="task-card-meta">
        <span className="task-code">{card.code}</span>
        {card.originRef ? (
          <span className="task-origin" title={`来源：上年总结 ${card.originRef}`}>
            {card.originRef}
          </span>
        ) : null}
        {card.origin === "problem" ? <span className="task-tag">{ORIGIN_LABELS.problem}</span> : null}
        {card.category ? <span className="task-category">{card.category}</span> : null}
        {pending ? <span className="task-pending">正在保存…</span> : null}
      </p>
      <h3 className="task-title" id={`task-${card.id}-title`}>
        {detailHref ? (
          <Link to={detailHref} preventScrollReset>
            {card.title}
          </Link>
        ) : (
          card.title
        )}
      </h3>
      <LightBadge light={card.light} />
      <dl className="task-facts">
        <div>
          <dt>牵头单位</dt>
          <dd>{card.leadUnit?.name ?? "未指定"}</dd>
        </div>
        {support ? (
          <div>
            <dt>配合单位</dt>
            <dd>{support}</dd>
          </div>
        ) : null}
        <div>
          <dt>责任领导</dt>
          <dd>{card.leadUser?.name ?? "未指定"}</dd>
        </div>
        <DueDateFact card={card} />
      </dl>
      <div className="task-progress">
        <span className="task-progress-text">
          完成 <strong>{`${card.progress}%`}</strong>
          {card.status !== "done" && card.light.light !== "upcoming" && card.dueDate ? (
            <span className="muted">{` · 序时进度 ${card.light.expectedProgress}%`}</span>
          ) : null}
        </span>
        <progress max={100} value={card.progress} aria-label={`完成${card.progress}%`} />
      </div>
      <MetricBars metrics={card.metrics} />
    </article>
  );
});

/**
 * The no-JS way to move a card: one button per column and end (列首 / 列尾), through a normal
 * POST. It lives on the card's own page (the board's cards link to it), and under a card only
 * when a move from it was refused, to be corrected there. Buttons, not selects: a thousand cards' worth of <select>s takes seconds to lay out.
 * Only 待验收 cards carry a reason box (驳回 needs one); the card detail always has it.
 */
export const MoveToForm = memo(function MoveToForm({
  card,
  back,
  targets,
  withReason = card.status === "pending_review",
  failure,
  open = false,
}: {
  card: BoardCard;
  back: string;
  /** Drawn open (the card's own page, where 移动到… on the card leads). */
  open?: boolean;
  /** The columns this user may move the card to. */
  targets: readonly TaskStatus[];
  withReason?: boolean;
  failure?: { message: string; values: Record<string, string> };
}) {
  const errorId = `move-to-${card.id}-error`;
  return (
    <details className="move-to" open={failure || open ? true : undefined}>
      <summary>移动到…</summary>
      <Form method="post" action="/board" className="move-to-form" preventScrollReset>
        <input type="hidden" name="intent" value="moveTo" />
        <input type="hidden" name="taskId" value={card.id} />
        <input type="hidden" name="version" value={card.version} />
        <input type="hidden" name="back" value={back} />
        {withReason ? (
          <label className="field">
            <span>{card.status === "pending_review" ? "驳回原因（退回时必填）" : "原因或说明"}</span>
            <textarea
              name="reason"
              rows={2}
              maxLength={500}
              defaultValue={failure?.values.reason}
              aria-invalid={failure ? true : undefined}
              aria-describedby={failure ? errorId : undefined}
            />
          </label>
        ) : null}
        {failure ? (
          <p className="field-error" id={errorId} role="alert">
            {failure.message}
          </p>
        ) : null}
        <div className="move-to-targets" role="group" aria-label={`把 ${card.code} 移到`}>
          {targets
            .filter((status) => status !== card.status)
            .flatMap((status) =>
              (["top", "bottom"] as const).map((place) => (
                <button
                  key={`${status}:${place}`}
                  type="submit"
                  name="target"
                  value={`${status}:${place}`}
                  className="button secondary small"
                >
                  {`${STATUS_LABELS[status]} · ${place === "top" ? "列首" : "列尾"}`}
                </button>
              )),
            )}
        </div>
      </Form>
    </details>
  );
});

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
