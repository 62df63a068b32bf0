// Asked after a drop that needs words: 驳回 (a reason, required), 验收 or 撤销销号 (a note, optional).
import { useEffect, useId, useRef, useState } from "react";
import { STATUS_LABELS, type BoardCard, type MoveKind, type TaskStatus } from "~/lib/board";

export interface ReasonRequest {
  kind: MoveKind;
  card: BoardCard;
  toStatus: TaskStatus;
}

const TEXT: Partial<Record<MoveKind, { title: string; label: string; confirm: string; required: boolean }>> = {
  reject: { title: "驳回", label: "驳回原因（必填）：还需要做什么", confirm: "确认驳回", required: true },
  verify: { title: "验收销号", label: "验收说明（可选）", confirm: "确认验收", required: false },
  reopen: { title: "撤销销号", label: "撤销原因（可选）", confirm: "确认撤销销号", required: false },
};

export function ReasonDialog({
  request,
  onConfirm,
  onCancel,
}: {
  request: ReasonRequest | null;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (request && !dialog.open) {
      setReason("");
      setError(null);
      dialog.showModal();
    } else if (!request && dialog.open) {
      dialog.close();
    }
  }, [request]);

  const text = request ? TEXT[request.kind] : undefined;
  return (
    <dialog
      ref={ref}
      className="reason-dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      {request && text ? (
        <form
          method="dialog"
          noValidate
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            if (text.required && reason.trim() === "") {
              setError("请填写驳回原因，说明还需要做什么，再确认驳回。");
              return;
            }
            onConfirm(reason.trim());
          }}
        >
          <h2 id={`${id}-title`}>{text.title}</h2>
          <p>
            卡片 <strong>{request.card.code}</strong>「{request.card.title}」将从“{STATUS_LABELS[request.card.status]}”移到“
            {STATUS_LABELS[request.toStatus]}”。
          </p>
          <label className="field">
            <span>{text.label}</span>
            <textarea
              name="reason"
              rows={3}
              maxLength={500}
              value={reason}
              autoFocus
              aria-required={text.required}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              onChange={(event) => {
                setReason(event.target.value);
                if (error) setError(null);
              }}
            />
          </label>
          {error ? (
            <p className="field-error" id={`${id}-error`} role="alert">
              {error}
            </p>
          ) : null}
          <div className="dialog-actions">
            <button type="submit" className={`button ${request.kind === "reject" ? "danger" : "primary"}`}>
              {text.confirm}
            </button>
            <button type="button" className="button secondary" onClick={onCancel}>
              取消，放回原处
            </button>
          </div>
        </form>
      ) : null}
    </dialog>
  );
}
