import { suppressOthers } from "aria-hidden";
import { useEffect, type KeyboardEvent, type RefObject } from "react";
import { tabbable } from "tabbable";

/**
 * Makes a route-driven panel (`role="dialog" aria-modal="true"`) modal in fact, as WCAG 2.1.2 / 2.4.3
 * and GB/T 37668 expect: while it is open the rest of the page is inert (no Tab, no click, hidden from
 * screen readers), Tab and Shift+Tab cycle inside it, and when it closes focus goes back to the element
 * that opened it — or, when that is gone (a direct link, or a panel opened from another panel), to
 * `returnFocusTo()`, typically the task's card on the board.
 *
 * Returns the keydown handler to put on the panel for the Tab cycle.
 */
export function useModalDialog(panelRef: RefObject<HTMLElement>, returnFocusTo: () => HTMLElement | null) {
  useEffect(() => {
    const panel = panelRef.current;
    if (!panel) return;
    const opener =
      document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    const undoInert = suppressOthers(panel);
    if (!panel.contains(document.activeElement)) panel.focus();
    return () => {
      undoInert();
      // Only when focus would otherwise be lost: a panel that replaces this one has already moved it.
      if (document.activeElement && document.activeElement !== document.body && document.activeElement.isConnected) return;
      const target = opener?.isConnected ? opener : returnFocusTo();
      target?.focus({ preventScroll: false });
    };
    // The panel is mounted once per route visit; `returnFocusTo` is read only at close.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return function keepTabInside(event: KeyboardEvent<HTMLElement>) {
    const panel = panelRef.current;
    if (event.key !== "Tab" || !panel) return;
    const stops = tabbable(panel);
    if (stops.length === 0) {
      event.preventDefault();
      panel.focus();
      return;
    }
    const first = stops[0];
    const last = stops[stops.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === panel)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  };
}

/** The link of the task's card on the board, where focus returns when a task panel closes. */
export function taskCardLink(taskId: number | string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`li.task-card a[href^="/board/${taskId}"]`);
}
