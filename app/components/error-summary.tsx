import { useEffect, useRef } from "react";

export interface FieldProblem {
  /** The id of the control to fix; the summary links to it. */
  fieldId: string;
  label: string;
  message: string;
}

/**
 * What went wrong with a submit, shown at the form: a message and a link to each bad field. It takes
 * focus whenever a new refusal arrives (`refusalKey`), so a keyboard or screen-reader user lands on it
 * instead of on <body>, and a sighted user sees it even when the button they pressed is far below.
 */
export function ErrorSummary({
  message,
  problems = [],
  refusalKey,
  id,
}: {
  message: string | null | undefined;
  problems?: FieldProblem[];
  /** Changes with every refused submit (the action data object itself is enough). */
  refusalKey: unknown;
  id?: string;
}) {
  const summaryRef = useRef<HTMLDivElement>(null);
  const shown = Boolean(message) || problems.length > 0;
  useEffect(() => {
    if (!shown) return;
    summaryRef.current?.focus();
    summaryRef.current?.scrollIntoView({ block: "nearest" });
  }, [refusalKey, shown]);
  if (!shown) return null;
  return (
    <div ref={summaryRef} className="form-error error-summary" role="alert" tabIndex={-1} id={id}>
      <p>{message ?? "提交未成功，请修改下面标出的内容后重试。"}</p>
      {problems.length > 0 ? (
        <ul>
          {problems.map((problem) => (
            <li key={problem.fieldId}>
              <a
                href={`#${problem.fieldId}`}
                onClick={(event) => {
                  const field = document.getElementById(problem.fieldId);
                  if (!field) return;
                  event.preventDefault();
                  field.focus();
                }}
              >
                {problem.label}：{problem.message}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * The list of a refused form's bad fields, each a link that puts focus on its control (found by
 * `name` in the same form; without JS the link jumps to the field's message, `#<name>-error`).
 * Shown inside the form's feedback area, which takes focus itself.
 */
export function FieldErrorLinks({
  errors,
  labelOf,
  lead,
}: {
  errors: Record<string, string>;
  labelOf: (name: string) => string;
  lead: string;
}) {
  return (
    <div className="form-error error-summary">
      <p>{lead}</p>
      <ul>
        {Object.entries(errors).map(([name, message]) => (
          <li key={name}>
            <a
              href={`#${name}-error`}
              onClick={(event) => {
                const field = event.currentTarget.closest("form")?.elements.namedItem(name);
                const control = field instanceof RadioNodeList ? field[0] : field;
                if (!(control instanceof HTMLElement)) return;
                event.preventDefault();
                control.focus();
              }}
            >
              {labelOf(name)}：{message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
