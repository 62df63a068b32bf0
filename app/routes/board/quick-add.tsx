// Quick add at the top of a column. Enter saves — but never while a Chinese input method is
// still composing (the Enter that confirms a candidate must not submit the form).
import { useEffect, useRef } from "react";
import { Form, useNavigation } from "@remix-run/react";
import { STATUS_LABELS, type TaskStatus } from "~/lib/board";

export function isComposingEnter(event: React.KeyboardEvent): boolean {
  // keyCode 229 is what Safari and older Chrome report for keys the IME consumes.
  return event.key === "Enter" && (event.nativeEvent.isComposing || event.keyCode === 229);
}

export function QuickAdd({
  planId,
  status,
  back,
  error,
  value,
}: {
  planId: number;
  status: TaskStatus;
  back: string;
  error?: string;
  value?: string;
}) {
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const submitting =
    navigation.state !== "idle" && navigation.formData?.get("intent") === "quickAdd" && navigation.formData?.get("status") === status;
  const wasSubmitting = useRef(false);
  useEffect(() => {
    if (wasSubmitting.current && !submitting && !error) {
      formRef.current?.reset();
      inputRef.current?.focus();
    }
    wasSubmitting.current = submitting;
  }, [submitting, error]);
  const inputId = `quick-add-${status}`;
  return (
    <Form method="post" action="/board" className="quick-add" ref={formRef} preventScrollReset>
      <input type="hidden" name="intent" value="quickAdd" />
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="status" value={status} />
      <input type="hidden" name="back" value={back} />
      <label htmlFor={inputId} className="visually-hidden">
        在“{STATUS_LABELS[status]}”列添加重点工作
      </label>
      <div className="quick-add-row">
        <input
          ref={inputRef}
          id={inputId}
          name="title"
          type="text"
          placeholder="＋ 添加重点工作，回车保存"
          maxLength={120}
          defaultValue={value}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${inputId}-error` : undefined}
          onKeyDown={(event) => {
            if (isComposingEnter(event)) event.preventDefault();
          }}
        />
        <button type="submit" className="button secondary small" disabled={submitting}>
          {submitting ? "添加中…" : "添加"}
        </button>
      </div>
      {error ? (
        <p className="field-error" id={`${inputId}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </Form>
  );
}
