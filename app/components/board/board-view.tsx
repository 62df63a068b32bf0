// The board's columns (and swimlanes) with drag and drop: mouse/pen, touch (press and hold,
// so the page still scrolls on a phone) and keyboard (Space, arrows, Space, Esc), announced in
// Chinese. A drop becomes a move request naming the card's new neighbours; the server decides.
import { memo, useCallback, useMemo, useRef, useState } from "react";
import {
  closestCorners,
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
  type UniqueIdentifier,
} from "@dnd-kit/core";
import { arrayMove, SortableContext, sortableKeyboardCoordinates, verticalListSortingStrategy } from "@dnd-kit/sortable";
import {
  allowedTargets,
  cardUnitIds,
  classifyMove,
  moveProblem,
  neighboursAt,
  STATUS_HINTS,
  STATUS_LABELS,
  STATUSES,
  type BoardCard,
  type Lane,
  type MoveKind,
  type TaskStatus,
} from "~/lib/board";
import type { Actor } from "~/utils/permissions";
import { CardBody, SortableCard } from "./card";
import { ReasonDialog, type ReasonRequest } from "./reason-dialog";
import type { MoveRequest } from "./use-board-moves";

/** Mouse and pen only: touch goes through the TouchSensor's press-and-hold. */
class MouseOrPenSensor extends PointerSensor {
  static activators = [
    {
      eventName: "onPointerDown" as const,
      handler: ({ nativeEvent }: React.PointerEvent) =>
        nativeEvent.pointerType !== "touch" && nativeEvent.isPrimary && nativeEvent.button === 0 && !isInteractive(nativeEvent.target),
    },
  ];
}

/** A press on a link, button or form field inside a card is a click, not a drag. */
function isInteractive(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  const control = target.closest("a, button, select, input, textarea, summary, label, details");
  return control !== null && !control.classList.contains("task-handle");
}

const SEPARATOR = "|";
const containerIdOf = (laneKey: string, status: TaskStatus) => `${laneKey}${SEPARATOR}${status}`;
function splitContainerId(id: string): { laneKey: string; status: TaskStatus } {
  const index = id.lastIndexOf(SEPARATOR);
  return { laneKey: id.slice(0, index), status: id.slice(index + 1) as TaskStatus };
}

type Items = Record<string, number[]>;

export interface BoardViewProps {
  lanes: Lane[];
  showLaneTitles: boolean;
  actor: Actor;
  readOnly: boolean;
  /** The board's current search ("?year=2025&…"), kept by links and forms. */
  back: string;
  pendingIds: ReadonlySet<number>;
  onMove: (move: MoveRequest) => void;
  onRefused: (message: string) => void;
  onDraggingChange: (dragging: boolean) => void;
  /** Quick add, for those who may create tasks. */
  renderColumnTop?: (status: TaskStatus, laneKey: string) => React.ReactNode;
  /** A refused no-JS "移动到" submit: shown again in that card's form with the input kept. */
  moveToFailure?: MoveToFailure | null;
  /** Cards per column left out by the column limit (shown as a count under the column). */
  hidden?: Record<TaskStatus, number>;
}

export interface MoveToFailure {
  taskId: number | null;
  message: string;
  values: Record<string, string>;
}

export function BoardView({
  lanes,
  showLaneTitles,
  actor,
  readOnly,
  back,
  pendingIds,
  onMove,
  onRefused,
  onDraggingChange,
  renderColumnTop,
  moveToFailure,
  hidden,
}: BoardViewProps) {
  const cardsById = useMemo(() => {
    const map = new Map<number, BoardCard>();
    for (const lane of lanes) for (const status of STATUSES) for (const card of lane.columns[status]) map.set(card.id, card);
    return map;
  }, [lanes]);

  const baseItems = useMemo(() => {
    const items: Items = {};
    for (const lane of lanes) for (const status of STATUSES) items[containerIdOf(lane.key, status)] = lane.columns[status].map((c) => c.id);
    return items;
  }, [lanes]);

  // While dragging (and while a 驳回/验收 dialog is open) the arrangement is local.
  const [dragItems, setDragItems] = useState<Items | null>(null);
  const [activeId, setActiveId] = useState<number | null>(null);
  const [dialog, setDialog] = useState<(ReasonRequest & { move: Omit<MoveRequest, "reason"> }) | null>(null);
  const startContainer = useRef<string | null>(null);
  const items = dragItems ?? baseItems;
  const itemsRef = useRef(items);
  itemsRef.current = items;

  const sensors = useSensors(
    useSensor(MouseOrPenSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const findContainer = useCallback((id: UniqueIdentifier, within: Items = itemsRef.current): string | null => {
    if (typeof id === "string" && id in within) return id;
    for (const [container, ids] of Object.entries(within)) if (ids.includes(id as number)) return container;
    return null;
  }, []);

  const refusalFor = useCallback(
    (card: BoardCard, to: TaskStatus) => {
      const problem = moveProblem(actor, { status: card.status, unitIds: cardUnitIds(card) }, to, "—");
      return problem?.status === 403 ? problem.message : null;
    },
    [actor],
  );

  const reset = useCallback(() => {
    setDragItems(null);
    setActiveId(null);
    startContainer.current = null;
    onDraggingChange(false);
  }, [onDraggingChange]);

  const handleDragStart = useCallback(
    ({ active }: DragStartEvent) => {
      setActiveId(active.id as number);
      startContainer.current = findContainer(active.id, baseItems);
      setDragItems(baseItems);
      onDraggingChange(true);
    },
    [baseItems, findContainer, onDraggingChange],
  );

  const handleDragOver = useCallback(
    ({ active, over }: DragOverEvent) => {
      if (!over) return;
      const from = findContainer(active.id);
      const to = findContainer(over.id);
      if (!from || !to || from === to) return;
      const target = splitContainerId(to);
      if (target.laneKey !== splitContainerId(from).laneKey) return; // lanes are derived, not targets
      const card = cardsById.get(active.id as number);
      if (!card || refusalFor(card, target.status)) return;
      setDragItems((current) => {
        const base = current ?? baseItems;
        const overIds = base[to];
        const overIndex = overIds.indexOf(over.id as number);
        const translated = active.rect.current.translated;
        const below = translated != null && overIndex >= 0 && translated.top > over.rect.top + over.rect.height / 2;
        const index = overIndex >= 0 ? overIndex + (below ? 1 : 0) : overIds.length;
        return {
          ...base,
          [from]: base[from].filter((id) => id !== active.id),
          [to]: [...overIds.slice(0, index), active.id as number, ...overIds.slice(index)],
        };
      });
    },
    [baseItems, cardsById, findContainer, refusalFor],
  );

  const handleDragEnd = useCallback(
    ({ active, over }: DragEndEvent) => {
      const card = cardsById.get(active.id as number);
      const current = itemsRef.current;
      const container = findContainer(active.id, current);
      const origin = startContainer.current;
      if (!card || !container || !origin || !over) return reset();
      const overContainer = findContainer(over.id, current);
      if (overContainer && overContainer !== container) {
        // The card could not go there (another lane, or a column closed to this user).
        const target = splitContainerId(overContainer);
        const refusal = refusalFor(card, target.status);
        if (refusal) onRefused(refusal);
        return reset();
      }
      let ids = current[container];
      const activeIndex = ids.indexOf(card.id);
      const overIndex = ids.indexOf(over.id as number);
      if (overIndex >= 0 && overIndex !== activeIndex) ids = arrayMove(ids, activeIndex, overIndex);
      const { beforeId, afterId } = neighboursAt(ids, ids.indexOf(card.id));
      const toStatus = splitContainerId(container).status;
      const originalIds = baseItems[origin];
      const originalNeighbours = neighboursAt(originalIds, originalIds.indexOf(card.id));
      if (
        container === origin &&
        originalNeighbours.beforeId === beforeId &&
        originalNeighbours.afterId === afterId
      ) {
        return reset();
      }
      const kind: MoveKind = classifyMove(card.status, toStatus);
      const move = { taskId: card.id, toStatus, beforeId, afterId };
      if (kind === "reject" || kind === "verify" || kind === "reopen") {
        // Keep the card where it was dropped while the user gives a reason (or a note).
        setDragItems({ ...current, [container]: ids });
        setActiveId(null);
        setDialog({ kind, card, toStatus, move });
        return;
      }
      onMove({ ...move, reason: "" });
      reset();
    },
    [baseItems, cardsById, findContainer, onMove, onRefused, refusalFor, reset],
  );

  const announcements = useMemo<Announcements>(() => {
    const describe = (id: UniqueIdentifier) => {
      const card = cardsById.get(id as number);
      return card ? `卡片 ${card.code}「${card.title}」` : "卡片";
    };
    const place = (overId: UniqueIdentifier) => {
      const container = findContainer(overId);
      if (!container) return null;
      const { laneKey, status } = splitContainerId(container);
      const lane = showLaneTitles ? lanes.find((l) => l.key === laneKey)?.label : null;
      const ids = itemsRef.current[container] ?? [];
      const index = typeof overId === "number" ? ids.indexOf(overId) : ids.length - 1;
      return `${lane ? `${lane}泳道的` : ""}“${STATUS_LABELS[status]}”列第${Math.max(index, 0) + 1}位`;
    };
    return {
      onDragStart: ({ active }) => `已拿起${describe(active.id)}。用方向键移动，按空格键放下，按 Esc 键取消。`,
      onDragOver: ({ active, over }) => {
        if (over?.id === active.id) return undefined; // still in place: keep "已拿起…" audible
        const where = over ? place(over.id) : null;
        return where ? `${describe(active.id)}移到${where}。` : `${describe(active.id)}不在可放置的位置。`;
      },
      onDragEnd: ({ active, over }) => {
        const where = over ? place(over.id) : null;
        return where ? `${describe(active.id)}已放到${where}。` : `${describe(active.id)}已放回原处。`;
      },
      onDragCancel: ({ active }) => `已取消移动，${describe(active.id)}回到原来的位置。`,
    };
  }, [cardsById, findContainer, lanes, showLaneTitles]);

  const activeCard = activeId != null ? cardsById.get(activeId) : undefined;

  const columnsOf = (lane: Lane) =>
    STATUSES.map((status) => {
      const containerId = containerIdOf(lane.key, status);
      return (
        <BoardColumn
          key={containerId}
          containerId={containerId}
          status={status}
          ids={items[containerId] ?? []}
          cardsById={cardsById}
          actor={actor}
          readOnly={readOnly}
          back={back}
          pendingIds={pendingIds}
          top={renderColumnTop?.(status, lane.key)}
          moveToFailure={moveToFailure}
          hiddenCount={hidden?.[status] ?? 0}
        />
      );
    });

  return (
    <DndContext
      id="task-board"
      sensors={sensors}
      collisionDetection={closestCorners}
      onDragStart={handleDragStart}
      onDragOver={handleDragOver}
      onDragEnd={handleDragEnd}
      onDragCancel={reset}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            "按空格键或回车键拿起卡片，用方向键在列之间和列内移动，再按空格键或回车键放下；按 Esc 键取消。也可以使用卡片下方的“移动到”表单。",
        },
      }}
    >
      <div className="board-lanes">
        {lanes.map((lane) =>
          showLaneTitles ? (
            <section key={lane.key} className="board-lane" aria-label={`${lane.label}泳道`}>
              <h2 className="board-lane-title">
                {lane.label} <span className="muted">（{lane.count}项）</span>
              </h2>
              <div className="board-columns">{columnsOf(lane)}</div>
            </section>
          ) : (
            <div key={lane.key} className="board-columns">
              {columnsOf(lane)}
            </div>
          ),
        )}
      </div>
      <DragOverlay>
        {activeCard ? (
          <div className={`task-card drag-overlay light-edge-${activeCard.light.light}`}>
            <CardBody card={activeCard} detailHref={null} />
          </div>
        ) : null}
      </DragOverlay>
      <ReasonDialog
        request={dialog}
        onConfirm={(reason) => {
          if (dialog) onMove({ ...dialog.move, reason });
          setDialog(null);
          reset();
        }}
        onCancel={() => {
          setDialog(null);
          reset();
        }}
      />
    </DndContext>
  );
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
  top?: React.ReactNode;
  moveToFailure?: MoveToFailure | null;
  hiddenCount: number;
}

const NO_TARGETS: readonly TaskStatus[] = [];
const targetCache = new WeakMap<BoardCard, { actor: Actor; targets: readonly TaskStatus[] }>();

/** Allowed columns per card, cached so memoised cards get the same array each render. */
function targetsFor(actor: Actor, card: BoardCard): readonly TaskStatus[] {
  const cached = targetCache.get(card);
  if (cached && cached.actor === actor) return cached.targets;
  const targets = allowedTargets(actor, { status: card.status, unitIds: cardUnitIds(card) });
  targetCache.set(card, { actor, targets });
  return targets;
}

const BoardColumn = memo(function BoardColumn({
  containerId,
  status,
  ids,
  cardsById,
  actor,
  readOnly,
  back,
  pendingIds,
  top,
  moveToFailure,
  hiddenCount,
}: BoardColumnProps) {
  const { setNodeRef, isOver } = useDroppable({ id: containerId, data: { type: "column", status } });
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
      <SortableContext id={containerId} items={ids} strategy={verticalListSortingStrategy}>
        <ol ref={setNodeRef} className="board-column-cards" aria-labelledby={titleId}>
          {ids.map((id) => {
            const card = cardsById.get(id);
            if (!card) return null;
            const targets = readOnly ? NO_TARGETS : targetsFor(actor, card);
            return (
              <SortableCard
                key={id}
                card={card}
                containerId={containerId}
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
      </SortableContext>
      {hiddenCount > 0 ? <p className="board-column-more">另有{hiddenCount}项未显示</p> : null}
    </section>
  );
});
