// The no-JS way to move a card, in a file of its own: the card's page shows it, the board only
// after a refused move (loaded there with the board's occasional parts, occasional-parts.tsx).
import { memo } from "react";
import { Form } from "@remix-run/react";
import { STATUS_LABELS, type BoardCard, type TaskStatus } from "~/lib/board";

/**
 * The no-JS way to move a card: one button per column and end (列首 / 列尾), through a normal
 * POST. It lives on the card's own page (the board's cards link to it), and under a card only
 * when a move from it was refused, to be corrected there. Buttons, not selects: a thousand cards' worth of <select>s takes seconds to lay out.
 * Only 待验收 cards carry a reason box (驳回 needs one); the card detail always has it.
 */
export interface MoveToFormProps {
  card: BoardCard;
  back: string;
  /** Drawn open (the card's own page, where 移动到… on the card leads). */
  open?: boolean;
  /** The columns this user may move the card to. */
  targets: readonly TaskStatus[];
  withReason?: boolean;
  failure?: { message: string; values: Record<string, string> };
}

export const MoveToForm = memo(function MoveToForm({
  card,
  back,
  targets,
  withReason = card.status === "pending_review",
  failure,
  open = false,
}: MoveToFormProps) {
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
