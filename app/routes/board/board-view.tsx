// The board's columns (and swimlanes) with drag and drop: mouse/pen, touch (press and hold,
// so the page still scrolls on a phone) and keyboard (Space, arrows, Space, Esc), announced in
// Chinese. A drop becomes a move request naming the card's new neighbours; the server decides.
//
// Built for large plans: only the columns are droppables (not every card), the card being
// dragged is placed in the board's own arrangement (no per-card transforms), and cards only
// re-render when the drag starts, ends or changes column, never on each pointer move.
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import {
  DndContext,
  DragOverlay,
  KeyboardCode,
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragMoveEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
  type UniqueIdentifier,
} from "@dnd-kit/core";
import { getEventCoordinates } from "@dnd-kit/utilities";
import {
  cardUnitIds,
  classifyMove,
  moveProblem,
  neighboursAt,
  STATUS_LABELS,
  STATUSES,
  type BoardCard,
  type Lane,
  type MoveKind,
  type TaskStatus,
} from "~/lib/board";
import type { Actor } from "~/utils/permissions";
import { CardBody } from "~/routes/board/card-body";
import type { ReasonRequest } from "~/routes/board/reason-dialog";
import { preloadOccasionalParts, ReasonDialog } from "~/routes/board/occasional-parts";
import type { MoveRequest } from "~/routes/board/use-board-moves";
import { BoardColumn, type MoveToFailure } from "~/routes/board/board-column";
import {
  isInteractive,
  containerIdOf,
  splitContainerId,
  type Items,
  markDragScroll,
  inDragFrame,
  columnUnderPoint,
  useDragMeasuring,
  indexAt,
} from "~/routes/board/drag-geometry";

const DIALOG_MOVES: ReadonlySet<MoveKind> = new Set(["reject", "verify", "reopen"]);

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
  /** The link that shows a column's next cards ("显示更多"). */
  moreHref?: (status: TaskStatus) => string;
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
  moreHref,
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

  /** Where the dragged card is now (column and index), updated as it moves. */
  const place = useRef<{ container: string; index: number } | null>(null);
  /** Where the last drop put the card (null when it went back), for the announcement. */
  const dropped = useRef<{ container: string; index: number } | null>(null);
  /** A column the card could not go to (shown when dropped there). */
  const refusedOver = useRef<string | null>(null);
  /** Said to screen readers when an arrow key would take the card to a column closed to this user. */
  const [refusalNote, setRefusalNote] = useState<string | null>(null);
  const lists = useRef(new Map<string, HTMLElement>());
  const dragMeasuring = useDragMeasuring();
  const registerList = useCallback((containerId: string, node: HTMLElement | null) => {
    if (node) lists.current.set(containerId, node);
    else lists.current.delete(containerId);
  }, []);

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

  /**
   * Puts the dragged card at `index` of `container` in the local arrangement. Returns a
   * refusal message (the card stays) when this user may not move it there.
   */
  const placeCard = useCallback(
    (cardId: number, container: string, index: number, sync = false): string | null => {
      const current = itemsRef.current;
      const from = findContainer(cardId, current);
      const card = cardsById.get(cardId);
      if (!from || !card) return null;
      const target = splitContainerId(container);
      if (target.laneKey !== splitContainerId(from).laneKey) return ""; // lanes are derived, not targets
      if (from !== container) {
        const refusal = refusalFor(card, target.status);
        if (refusal) return refusal;
        // A drop here asks for words (驳回, 验收, 撤销销号): have the dialog at hand by then.
        if (DIALOG_MOVES.has(classifyMove(card.status, target.status))) preloadOccasionalParts();
      }
      const without = current[container].filter((id) => id !== cardId);
      const at = Math.max(0, Math.min(index, without.length));
      place.current = { container, index: at };
      if (from === container && current[container].indexOf(cardId) === at) return null;
      const next: Items = {
        ...current,
        [from]: current[from].filter((id) => id !== cardId),
        [container]: [...without.slice(0, at), cardId, ...without.slice(at)],
      };
      itemsRef.current = next;
      if (sync) flushSync(() => setDragItems(next));
      else setDragItems(next);
      return null;
    },
    [cardsById, findContainer, refusalFor],
  );

  /**
   * Arrow keys: ←/→ go exactly one column (to the card at the same height, or the end),
   * ↑/↓ one place within the column. The card is placed first; the dragged copy then moves
   * to where the card now is.
   */
  const keyboardCoordinates = useCallback<KeyboardCoordinateGetter>(
    (event, { active, context }) => {
      const { code } = event;
      const horizontal = code === KeyboardCode.Left || code === KeyboardCode.Right;
      if (!horizontal && code !== KeyboardCode.Up && code !== KeyboardCode.Down) return undefined;
      event.preventDefault();
      const cardId = active as number;
      const container = findContainer(cardId);
      if (!container) return undefined;
      const { laneKey, status } = splitContainerId(container);
      const ids = itemsRef.current[container];
      let target = container;
      let index = ids.indexOf(cardId);
      if (horizontal) {
        const next = STATUSES.indexOf(status) + (code === KeyboardCode.Right ? 1 : -1);
        if (next < 0 || next >= STATUSES.length) return undefined;
        target = containerIdOf(laneKey, STATUSES[next]);
        const list = lists.current.get(target);
        const rect = context.collisionRect;
        index = list && rect ? indexAt(list, cardId, rect.top + rect.height / 2) : itemsRef.current[target].length;
      } else {
        index += code === KeyboardCode.Up ? -1 : 1;
        if (index < 0 || index >= ids.length) return undefined;
      }
      const refusal = placeCard(cardId, target, index, true);
      if (refusal) {
        setRefusalNote(`${STATUS_LABELS[splitContainerId(target).status]}：${refusal}`);
        return undefined;
      }
      const node = lists.current.get(target)?.querySelector<HTMLElement>(`:scope > [data-task-id="${cardId}"]`);
      if (!node) return undefined;
      const rect = inDragFrame(node.getBoundingClientRect());
      return { x: rect.left, y: rect.top };
    },
    [findContainer, placeCard],
  );

  const sensors = useSensors(
    useSensor(MouseOrPenSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keyboardCoordinates }),
  );

  /**
   * After a keyboard drop (or Esc), focus stays on the card's handle, not on <body>: the card is
   * re-mounted in its new column (while dragging, when the move is sent, when it is confirmed), and
   * each time the focus it had is lost. Checked after every render for a few seconds, by task id,
   * until the user takes focus elsewhere.
   */
  const refocus = useRef<{ taskId: number; until: number } | null>(null);
  useLayoutEffect(() => {
    const wanted = refocus.current;
    if (!wanted) return;
    if (Date.now() > wanted.until) {
      refocus.current = null;
      return;
    }
    const focused = document.activeElement;
    const card = `li.task-card[data-task-id="${wanted.taskId}"]`;
    if (focused && focused !== document.body && !focused.closest(card)) {
      refocus.current = null; // the user has moved on (or a dialog holds focus)
      return;
    }
    if (!focused || focused === document.body) document.querySelector<HTMLElement>(`${card}:not(.is-dragging) .task-handle`)?.focus();
  });
  const keepFocusOn = useCallback((taskId: number) => {
    refocus.current = { taskId, until: Date.now() + 10_000 };
  }, []);

  const reset = useCallback(() => {
    setDragItems(null);
    setActiveId(null);
    startContainer.current = null;
    place.current = null;
    refusedOver.current = null;
    setRefusalNote(null);
    onDraggingChange(false);
  }, [onDraggingChange]);

  const handleDragStart = useCallback(
    ({ active }: DragStartEvent) => {
      dragMeasuring.forget();
      markDragScroll();
      setActiveId(active.id as number);
      const container = findContainer(active.id, baseItems);
      startContainer.current = container;
      place.current = container ? { container, index: baseItems[container].indexOf(active.id as number) } : null;
      itemsRef.current = baseItems;
      setDragItems(baseItems);
      onDraggingChange(true);
    },
    [baseItems, dragMeasuring, findContainer, onDraggingChange],
  );

  /** Pointer and touch: follow the pointer into the column under it, between the cards there. */
  const handleDragMove = useCallback(
    ({ active, over, activatorEvent, delta }: DragMoveEvent) => {
      if (activatorEvent instanceof KeyboardEvent || !over) return;
      const start = getEventCoordinates(activatorEvent);
      const list = lists.current.get(over.id as string);
      if (!start || !list) return;
      const index = indexAt(list, active.id as number, start.y + delta.y);
      const refusal = placeCard(active.id as number, over.id as string, index);
      refusedOver.current = refusal ? (over.id as string) : null;
    },
    [placeCard],
  );

  const handleDragEnd = useCallback(
    ({ active, over, activatorEvent }: DragEndEvent) => {
      if (activatorEvent instanceof KeyboardEvent) keepFocusOn(active.id as number);
      const card = cardsById.get(active.id as number);
      const current = itemsRef.current;
      const container = findContainer(active.id, current);
      const origin = startContainer.current;
      dropped.current = null;
      if (!card || !container || !origin) return reset();
      if (over && refusedOver.current === over.id) {
        // Dropped on a column closed to this user: say why, and put the card back.
        const refusal = refusalFor(card, splitContainerId(over.id as string).status);
        if (refusal) onRefused(refusal);
        return reset();
      }
      const ids = current[container];
      const { beforeId, afterId } = neighboursAt(ids, ids.indexOf(card.id));
      const toStatus = splitContainerId(container).status;
      const originalIds = baseItems[origin];
      const originalNeighbours = neighboursAt(originalIds, originalIds.indexOf(card.id));
      if (container === origin && originalNeighbours.beforeId === beforeId && originalNeighbours.afterId === afterId) {
        return reset();
      }
      dropped.current = place.current;
      const kind: MoveKind = classifyMove(card.status, toStatus);
      const move = { taskId: card.id, toStatus, beforeId, afterId };
      if (DIALOG_MOVES.has(kind)) {
        // Keep the card where it was dropped while the user gives a reason (or a note).
        setActiveId(null);
        setDialog({ kind, card, toStatus, move });
        return;
      }
      onMove({ ...move, reason: "" });
      reset();
    },
    [baseItems, cardsById, findContainer, keepFocusOn, onMove, onRefused, refusalFor, reset],
  );

  const announcements = useMemo<Announcements>(() => {
    const describe = (id: UniqueIdentifier) => {
      const card = cardsById.get(id as number);
      return card ? `卡片 ${card.code}「${card.title}」` : "卡片";
    };
    const where = (at = place.current) => {
      if (!at) return null;
      const { laneKey, status } = splitContainerId(at.container);
      const lane = showLaneTitles ? lanes.find((l) => l.key === laneKey)?.label : null;
      return `${lane ? `${lane}泳道的` : ""}“${STATUS_LABELS[status]}”列第${at.index + 1}位`;
    };
    let last: string | null = null;
    return {
      onDragStart: ({ active }) => {
        last = where();
        return `已拿起${describe(active.id)}，在${last ?? "原处"}。用方向键移动，按空格键放下，按 Esc 键取消。`;
      },
      // Said when the card's place changes (not on every pointer move).
      onDragMove: ({ active }) => {
        const now = where();
        if (!now || now === last) return undefined;
        last = now;
        return `${describe(active.id)}移到${now}。`;
      },
      onDragOver: () => undefined,
      onDragEnd: ({ active }) => {
        const now = where(dropped.current);
        return now ? `${describe(active.id)}已放到${now}。` : `${describe(active.id)}已放回原处。`;
      },
      onDragCancel: ({ active }) => `已取消移动，${describe(active.id)}回到原来的位置。`,
    };
  }, [cardsById, lanes, showLaneTitles]);

  const activeCard = activeId != null ? cardsById.get(activeId) : undefined;

  // What every column is given alike; each then gets its own place, cards and top.
  const everyColumn = { cardsById, actor, readOnly, back, pendingIds, registerList, moveToFailure };
  const columnsOf = (lane: Lane) =>
    STATUSES.map((status) => {
      const containerId = containerIdOf(lane.key, status);
      return (
        <BoardColumn
          key={containerId}
          {...everyColumn}
          containerId={containerId}
          status={status}
          ids={items[containerId] ?? []}
          top={renderColumnTop?.(status, lane.key)}
          hiddenCount={hidden?.[status] ?? 0}
          moreHref={hidden?.[status] ? moreHref?.(status) : undefined}
        />
      );
    });

  return (
    <DndContext
      id="task-board"
      sensors={sensors}
      collisionDetection={columnUnderPoint}
      measuring={dragMeasuring.measuring}
      onDragStart={handleDragStart}
      onDragMove={handleDragMove}
      onDragEnd={handleDragEnd}
      onDragCancel={({ active, activatorEvent }) => {
        if (activatorEvent instanceof KeyboardEvent) keepFocusOn(active.id as number);
        reset();
      }}
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
                {lane.label} <span className="muted">{`（${lane.count}项）`}</span>
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
      <p className="visually-hidden" role="status" aria-live="assertive">
        {refusalNote ? `不能移到${refusalNote}` : ""}
      </p>
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
        onUnavailable={onRefused}
      />
    </DndContext>
  );
}
