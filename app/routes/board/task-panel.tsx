import { useEffect, useRef, type KeyboardEvent, type ReactNode } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { taskCardLink, useModalDialog } from "~/components/modal-dialog";

/**
 * A task's panel over the board (its detail, its edit form): a modal dialog labelled by its
 * heading; Tab stays inside, and focus returns to the task's card when it closes.
 */
export function TaskPanel({
  taskId,
  labelledBy,
  focusOn,
  onKeyDown,
  children,
}: {
  taskId: number;
  labelledBy: string;
  /** When given, the panel takes focus whenever it changes (another task shown in the same panel). */
  focusOn?: unknown;
  /** Called after the Tab handling, e.g. for Escape. */
  onKeyDown: (event: KeyboardEvent<HTMLElement>) => void;
  children: ReactNode;
}) {
  const panelRef = useRef<HTMLElement>(null);
  const keepTabInside = useModalDialog(panelRef, () => taskCardLink(taskId));
  useEffect(() => {
    if (focusOn !== undefined) panelRef.current?.focus();
  }, [focusOn]);
  return (
    <div className="detail-backdrop">
      <section
        ref={panelRef}
        className="detail-panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        tabIndex={-1}
        onKeyDown={(event) => {
          keepTabInside(event);
          onKeyDown(event);
        }}
      >
        {children}
      </section>
    </div>
  );
}

/** A task panel's error boundary: the shared error message in the same dialog frame, then `children`. */
export function TaskPanelError({ children }: { children?: ReactNode }) {
  return (
    <div className="detail-backdrop">
      <section className="detail-panel" role="dialog" aria-modal="true" aria-label="出错了">
        <GeneralErrorBoundary />
        {children}
      </section>
    </div>
  );
}
