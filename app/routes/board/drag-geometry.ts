// Where a dragged card is: which column is under the pointer, the measured rects while the board
// scrolls, and the index a drop lands at: DOM arithmetic and one measuring hook, apart from the board.
import { useCallback, useMemo, useRef } from "react";
import { type CollisionDetection, type UniqueIdentifier } from "@dnd-kit/core";
import { type TaskStatus } from "~/lib/board";

/** A press on a link, button or form field inside a card is a click, not a drag. */
export function isInteractive(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  const control = target.closest("a, button, select, input, textarea, summary, label, details");
  return control !== null && !control.classList.contains("task-handle");
}

const SEPARATOR = "|";
export const containerIdOf = (laneKey: string, status: TaskStatus) => `${laneKey}${SEPARATOR}${status}`;
export function splitContainerId(id: string): { laneKey: string; status: TaskStatus } {
  const index = id.lastIndexOf(SEPARATOR);
  return { laneKey: id.slice(0, index), status: id.slice(index + 1) as TaskStatus };
}

export type Items = Record<string, number[]>;
interface Point {
  x: number;
  y: number;
}

/**
 * dnd-kit gives pointer and card positions as they were on screen when the drag began, with
 * any scrolling since added in; live rectangles are shifted by the same scrolling to match.
 */
const dragScroll = { x: 0, y: 0 };
export function markDragScroll() {
  dragScroll.x = window.scrollX;
  dragScroll.y = window.scrollY;
}
export function inDragFrame(rect: DOMRect) {
  const dx = window.scrollX - dragScroll.x;
  const dy = window.scrollY - dragScroll.y;
  return { left: rect.left + dx, right: rect.right + dx, top: rect.top + dy, bottom: rect.bottom + dy };
}

/** Distance from a point to a rectangle (0 inside it). */
function distanceTo(rect: ReturnType<typeof inDragFrame>, { x, y }: Point): number {
  const dx = Math.max(rect.left - x, 0, x - rect.right);
  const dy = Math.max(rect.top - y, 0, y - rect.bottom);
  return Math.hypot(dx, dy);
}

/**
 * The column under the pointer (or, for the keyboard, under the dragged card's centre), or the
 * nearest one. Columns are few, so their rectangles are read fresh: cards moving between
 * columns change their heights during a drag.
 */
export const columnUnderPoint: CollisionDetection = ({ droppableContainers, pointerCoordinates, collisionRect }) => {
  const point = pointerCoordinates ?? { x: collisionRect.left + collisionRect.width / 2, y: collisionRect.top + collisionRect.height / 2 };
  let best: { id: UniqueIdentifier; distance: number; container: (typeof droppableContainers)[number] } | null = null;
  for (const container of droppableContainers) {
    const node = container.node.current;
    if (!node || container.disabled) continue;
    const distance = distanceTo(inDragFrame(node.getBoundingClientRect()), point);
    if (!best || distance < best.distance) best = { id: container.id, distance, container };
  }
  return best ? [{ id: best.id, data: { droppableContainer: best.container, value: best.distance } }] : [];
};

type MeasuredRect = { top: number; left: number; width: number; height: number; bottom: number; right: number };

/**
 * The dragged card's own rectangle, measured once per drag. dnd-kit measures it again whenever
 * its list changes; as the card is placed while it moves, that would hand every card a new
 * context value (and a re-render) at each new place. The overlay follows the pointer from the
 * first measurement anyway.
 */
export function useDragMeasuring() {
  const rects = useRef(new WeakMap<Element, MeasuredRect>());
  const measuring = useMemo(
    () => ({
      draggable: {
        measure: (element: HTMLElement): MeasuredRect => {
          let rect = rects.current.get(element);
          if (!rect) {
            const { top, left, width, height, bottom, right } = element.getBoundingClientRect();
            rect = { top, left, width, height, bottom, right };
            rects.current.set(element, rect);
          }
          return rect;
        },
      },
    }),
    [],
  );
  const forget = useCallback(() => {
    rects.current = new WeakMap();
  }, []);
  return { measuring, forget };
}

/** Where the dragged card would go in a column: before the first card whose middle is below `y`. */
export function indexAt(list: HTMLElement, activeId: number, y: number): number {
  let index = 0;
  for (const child of list.children) {
    const id = Number((child as HTMLElement).dataset.taskId);
    if (!id || id === activeId) continue;
    const rect = inDragFrame(child.getBoundingClientRect());
    if ((rect.top + rect.bottom) / 2 < y) index++;
    else break;
  }
  return index;
}
