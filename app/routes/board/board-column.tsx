// One column of the board (one lane's status): its droppable area and its cards, memoised so a
// drag over one column does not re-render the others.
import { memo, useCallback, useEffect, useRef } from "react";
import { useDroppable } from "@dnd-kit/core";
import { Link, useNavigate, useNavigation } from "@remix-run/react";
import { allowedTargets, cardUnitIds, STATUS_HINTS, STATUS_LABELS, type BoardCard, type TaskStatus } from "~/lib/board";
import type { Actor } from "~/utils/permissions";
import { DraggableCard } from "~/routes/board/card";

/** A failed 移动到 (no-JavaScript move) form, shown again under its card. */
export interface MoveToFailure {
  taskId: number | null;
  message: string;
  values: Record<string, string>;
}

interface BoardColumnProps {
  containerId: string;
  status: TaskStatus;
  ids: number[];
  cardsById: Map<number, BoardCard>;
  actor: Actor;
  readOnly: boolean;
  back: string;
  pendingIds: ReadonlySet<number>;
  registerList: (containerId: string, node: HTMLElement | null) => void;
  top?: React.ReactNode;
  moveToFailure?: MoveToFailure | null;
  hiddenCount: number;
  /** The view that shows this column's next cards: a plain link, followed on scroll with JS. */
  moreHref?: string;
}

const NO_TARGETS: readonly TaskStatus[] = [];
const NO_RESIZE_OBSERVER = { disabled: true };
const targetCache = new WeakMap<BoardCard, { actor: Actor; targets: readonly TaskStatus[] }>();

/** Allowed columns per card, cached so memoised cards get the same array each render. */
function targetsFor(actor: Actor, card: BoardCard): readonly TaskStatus[] {
  const cached = targetCache.get(card);
  if (cached && cached.actor === actor) return cached.targets;
  const targets = allowedTargets(actor, { status: card.status, unitIds: cardUnitIds(card) });
  targetCache.set(card, { actor, targets });
  return targets;
}

export const BoardColumn = memo(function BoardColumn({
  containerId,
  status,
  ids,
  cardsById,
  actor,
  readOnly,
  back,
  pendingIds,
  registerList,
  top,
  moveToFailure,
  hiddenCount,
  moreHref,
}: BoardColumnProps) {
  // Columns are found by their live rectangles (see columnUnderPoint): no re-measuring on resize.
  const { setNodeRef, isOver } = useDroppable({
    id: containerId,
    data: { type: "column", status },
    resizeObserverConfig: NO_RESIZE_OBSERVER,
  });
  const listRef = useCallback(
    (node: HTMLOListElement | null) => {
      setNodeRef(node);
      registerList(containerId, node);
    },
    [containerId, registerList, setNodeRef],
  );
  const titleId = `col-${containerId.replace(/[^a-zA-Z0-9_-]/g, "_")}`;
  return (
    <section className={`board-column column-${status}${isOver ? " is-over" : ""}`} aria-labelledby={titleId} data-status={status}>
      <header className="board-column-head">
        <h2 id={titleId} className="board-column-title">
          {STATUS_LABELS[status]}
          {status === "pending_review" ? <span className="muted small">（申请办结）</span> : null}
          <span className="board-column-count">{ids.length + hiddenCount}</span>
        </h2>
        <p className="board-column-hint">{STATUS_HINTS[status]}</p>
      </header>
      {top}
      <ol ref={listRef} className="plain-list board-column-cards" aria-labelledby={titleId}>
        {ids.map((id) => {
          const card = cardsById.get(id);
          if (!card) return null;
          const targets = readOnly ? NO_TARGETS : targetsFor(actor, card);
          return (
            <DraggableCard
              key={id}
              card={card}
              detailHref={`/board/${card.id}${back}`}
              back={back}
              draggable={targets.length > 0}
              targets={targets}
              pending={pendingIds.has(id)}
              moveToFailure={moveToFailure?.taskId === id ? moveToFailure : undefined}
            />
          );
        })}
        {ids.length === 0 ? <li className="board-column-empty">暂无卡片{readOnly ? "" : "，可把卡片拖到这里"}</li> : null}
      </ol>
      {hiddenCount > 0 && moreHref ? (
        <ShowMoreLink href={moreHref} hiddenCount={hiddenCount} />
      ) : hiddenCount > 0 ? (
        <p className="board-column-more">{`另有${hiddenCount}项未显示`}</p>
      ) : null}
    </section>
  );
});

/**
 * "显示更多（还有N项）": a real link (the server draws the column's next cards), followed by
 * itself once the user has scrolled it into view, so a long column keeps going as one scrolls.
 */
function ShowMoreLink({ href, hiddenCount }: { href: string; hiddenCount: number }) {
  const navigate = useNavigate();
  const navigation = useNavigation();
  const ref = useRef<HTMLAnchorElement>(null);
  const idle = navigation.state === "idle";
  useEffect(() => {
    const node = ref.current;
    if (!node || !idle || typeof IntersectionObserver === "undefined") return;
    // Only after the user scrolls: a short board whose link is visible at once stays as drawn.
    let scrolled = false;
    const onScroll = () => (scrolled = true);
    window.addEventListener("scroll", onScroll, { passive: true, capture: true });
    const observer = new IntersectionObserver((entries) => {
      if (scrolled && entries.some((entry) => entry.isIntersecting)) {
        observer.disconnect();
        navigate(href, { preventScrollReset: true, replace: true });
      }
    });
    observer.observe(node);
    return () => {
      observer.disconnect();
      window.removeEventListener("scroll", onScroll, { capture: true });
    };
  }, [href, idle, navigate]);
  return (
    <Link ref={ref} to={href} preventScrollReset className="board-column-more">
      {`显示更多（还有${hiddenCount}项）`}
    </Link>
  );
}
