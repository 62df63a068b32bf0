// The summary page's parts: the document as a 公文 page, a section editor with autosave,
// the version list and the comparison of two versions.
import { Form, Link, useActionData, useFetcher, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { documentLines, type LineKind } from "~/lib/summary/text";
import { SECTION_LABELS, SECTION_NUMBERS, type SectionKey, type SummaryDocument, type SummarySection } from "~/lib/summary/types";
import { formatDateTime } from "~/lib/weeks";
import type { SaveActionData } from "~/routes/summary/actions.server";
import { FormActions } from "~/routes/summary/form-actions";

const AUTOSAVE_DELAY_MS = 1500;

/** How each kind of line of the 公文 is drawn: its element and class. */
const LINE_ELEMENTS: Record<LineKind, { tag: "h2" | "h3" | "h4" | "p"; className: string }> = {
  title: { tag: "h2", className: "gw-title" },
  heading1: { tag: "h3", className: "gw-h1" },
  heading2: { tag: "h4", className: "gw-h2" },
  heading3: { tag: "p", className: "gw-h3" },
  signature: { tag: "p", className: "gw-signature" },
  body: { tag: "p", className: "gw-body" },
};

function SectionText({ document, sectionKey }: { document: SummaryDocument; sectionKey: SectionKey }) {
  const lines = documentLines({ ...document, sections: document.sections.filter((s) => s.key === sectionKey) });
  return (
    <>
      {lines.map((line, index) => {
        const { tag: Tag, className } = LINE_ELEMENTS[line.kind];
        return (
          <Tag key={index} className={className}>
            {line.text}
          </Tag>
        );
      })}
    </>
  );
}

export function DocumentView({
  document,
  revs,
  year,
  canEdit,
  editKey,
  search,
}: {
  document: SummaryDocument;
  revs: Record<SectionKey, number>;
  year: number;
  canEdit: boolean;
  editKey: SectionKey | null;
  search: string;
}) {
  const editHref = (key: SectionKey) => {
    const params = new URLSearchParams(search);
    params.set("year", String(year));
    params.set("edit", key);
    return `?${params.toString()}#section-${key}`;
  };
  return (
    <article className="gw-page" aria-label="总结全文">
      {document.sections.map((section) => (
        <section
          key={section.key}
          id={`section-${section.key}`}
          className={`gw-section gw-section-${section.key}${canEdit ? " editable" : ""}`}
          aria-label={SECTION_LABELS[section.key]}
        >
          {editKey === section.key ? (
            <SectionEditor section={section} rev={revs[section.key]} year={year} />
          ) : (
            <>
              <SectionText document={document} sectionKey={section.key} />
              {canEdit ? (
                <Link
                  className="gw-edit no-print"
                  to={editHref(section.key)}
                  preventScrollReset
                  aria-label={`编辑“${SECTION_LABELS[section.key]}”`}
                >
                  编辑
                </Link>
              ) : null}
            </>
          )}
        </section>
      ))}
    </article>
  );
}

type SaveState =
  | { kind: "idle" }
  | { kind: "dirty" }
  | { kind: "saving" }
  | { kind: "saved"; at: string; merged: string[] }
  | { kind: "error"; message: string };

function SectionEditor({ section, rev, year }: { section: SummarySection; rev: number; year: number }) {
  const fetcher = useFetcher<SaveActionData>();
  const actionData = useActionData<SaveActionData>();
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [baseRev, setBaseRev] = useState(rev);
  const [state, setState] = useState<SaveState>({ kind: "idle" });
  /** What the last autosave sent, to tell whether the user typed on while it was under way. */
  const sent = useRef<{ heading: string | null; body: string } | null>(null);
  const fromForm = actionData?.intent === "save" && !actionData.ok && actionData.key === section.key ? actionData : null;
  const conflictData = fetcher.data && !fetcher.data.ok ? fetcher.data : fromForm;
  const numbered = Boolean(SECTION_NUMBERS[section.key]);
  const lineCount = section.body.split("\n").length;

  useEffect(() => {
    const result = fetcher.data;
    if (fetcher.state !== "idle" || !result) return;
    if (result.ok) {
      // Others' changes merged in by the server go into the fields this user has not touched since,
      // or the next autosave would send the old text back as if it were this user's change. A field
      // typed in meanwhile cannot take them: the revision then stays, so the next save is merged
      // (or refused) against the text the user actually started from.
      const form = formRef.current;
      let tookAll = true;
      if (form && result.merged && result.merged.length > 0) {
        const headingInput = form.elements.namedItem("heading") as HTMLInputElement | null;
        const bodyInput = form.elements.namedItem("body") as HTMLTextAreaElement | null;
        const fields = [
          { label: "标题", input: headingInput, saved: result.section.heading, sent: sent.current?.heading },
          { label: "正文", input: bodyInput, saved: result.section.body, sent: sent.current?.body },
        ];
        for (const field of fields) {
          if (!field.input || !result.merged.includes(field.label) || field.input.value === field.saved) continue;
          if (field.input.value === field.sent) field.input.value = field.saved;
          else tookAll = false;
        }
      }
      if (tookAll) setBaseRev(result.rev);
      setState({ kind: "saved", at: result.savedAt, merged: result.merged ?? [] });
    } else {
      setState({ kind: "error", message: result.message });
    }
  }, [fetcher.state, fetcher.data]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const scheduleAutosave = () => {
    setState({ kind: "dirty" });
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const form = formRef.current;
      if (!form) return;
      const formData = new FormData(form);
      formData.set("autosave", "1");
      sent.current = { heading: formData.get("heading") as string | null, body: String(formData.get("body") ?? "") };
      setState({ kind: "saving" });
      fetcher.submit(formData, { method: "post" });
    }, AUTOSAVE_DELAY_MS);
  };

  const status =
    state.kind === "saving" || fetcher.state !== "idle"
      ? "正在自动保存…"
      : state.kind === "saved"
        ? `已自动保存（${formatDateTime(state.at)}）${state.merged.length > 0 ? `；已合并他人同时所做的修改：${state.merged.join("、")}` : ""}`
        : state.kind === "dirty"
          ? "有未保存的修改"
          : state.kind === "error"
            ? "未保存"
            : "修改后会自动保存";
  const submitting = navigation.state === "submitting" && navigation.formData?.get("key") === section.key;

  return (
    <Form method="post" ref={formRef} className="section-editor no-print-border" aria-label={`编辑“${SECTION_LABELS[section.key]}”`}>
      <input type="hidden" name="intent" value="save" />
      <input type="hidden" name="year" value={year} />
      <input type="hidden" name="key" value={section.key} />
      <input type="hidden" name="baseRev" value={baseRev} />
      <h3 className="editor-title">编辑：{SECTION_LABELS[section.key]}</h3>
      {numbered ? (
        <label className="field">
          <span>标题（{SECTION_NUMBERS[section.key]}、之后的文字）</span>
          <input name="heading" defaultValue={fromForm?.values.heading ?? section.heading} maxLength={40} onChange={scheduleAutosave} />
        </label>
      ) : null}
      <label className="field">
        <span>
          {section.key === "signature"
            ? "落款（第一行署名，第二行日期）"
            : section.key === "title"
              ? "标题"
              : "正文（每行一段，保留“（一）”“1.”等序号）"}
        </span>
        <textarea
          name="body"
          defaultValue={fromForm?.values.body ?? section.body}
          rows={Math.min(30, Math.max(section.key === "title" ? 1 : 4, lineCount * 2 + 1))}
          onChange={scheduleAutosave}
          aria-invalid={fromForm?.errors.body ? true : undefined}
          aria-describedby={`save-status-${section.key}`}
          autoFocus
        />
      </label>
      {conflictData ? (
        <div className="form-error" role="alert">
          <p>{conflictData.message}</p>
          {conflictData.conflict ? (
            <>
              <p className="small">
                {conflictData.conflict.authorName ?? "其他人"}于{formatDateTime(conflictData.conflict.savedAt)}保存的内容：
              </p>
              <pre className="conflict-text">{conflictData.conflict.body}</pre>
              <button
                type="button"
                className="button secondary small"
                onClick={() => {
                  setBaseRev(conflictData.conflict!.rev);
                  setState({ kind: "dirty" });
                }}
              >
                我已对照，准备以我的内容覆盖
              </button>
            </>
          ) : null}
        </div>
      ) : null}
      <FormActions
        label="保存并完成"
        pendingLabel="正在保存…"
        pending={submitting}
        back={{ to: `?year=${year}#section-${section.key}`, label: "完成", preventScrollReset: true }}
      >
        <span id={`save-status-${section.key}`} className="muted small" role="status">
          {status}
        </span>
      </FormActions>
    </Form>
  );
}
