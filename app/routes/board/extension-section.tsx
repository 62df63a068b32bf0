// The card detail's 延期申请 part: the requests and their decisions, the form to apply (牵头单位
// or a leader), and approve / refuse for leaders. Posts to /tasks/:id/extension (a fetcher with
// JavaScript, a plain POST that comes back here without it).
import { useFetcher, type FetcherWithComponents } from "@remix-run/react";
import { useEffect, useState } from "react";
import { EXTENSION_STATUS_LABELS } from "~/lib/extensions";
import { formatDate, formatDateTime } from "~/lib/weeks";
import type { ExtensionRequest } from "~/models/extensions.server";
import type { ExtensionActionData } from "~/routes/tasks.$taskId.extension";

function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

function Answer({ data, id }: { data: ExtensionActionData | undefined; id: string }) {
  if (!data) return null;
  return (
    <p id={id} className={data.ok ? "small ok-text" : "form-error"} role={data.ok ? "status" : "alert"}>
      {data.message}
    </p>
  );
}

type ExtensionFetcher = FetcherWithComponents<ExtensionActionData>;

function ApplyForm({
  fetcher,
  taskId,
  back,
  dueDate,
  today,
}: {
  fetcher: ExtensionFetcher;
  taskId: number;
  back: string;
  dueDate: string | null;
  today: string;
}) {
  const hydrated = useHydrated();
  const busy = fetcher.state !== "idle";
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  const errorId = `extension-apply-error-${taskId}`;
  return (
    <fetcher.Form method="post" action={`/tasks/${taskId}/extension`} className="stack extension-form">
      <input type="hidden" name="intent" value="apply" />
      <input type="hidden" name="back" value={back} />
      {hydrated ? <input type="hidden" name="fetcher" value="1" /> : null}
      <label className="field">
        <span>申请的完成时限</span>
        <input
          type="date"
          name="dueDate"
          required
          min={dueDate && dueDate > today ? dueDate : today}
          aria-invalid={failed?.field === "dueDate" ? true : undefined}
          aria-describedby={failed ? errorId : undefined}
        />
      </label>
      <label className="field">
        <span>申请理由</span>
        <textarea
          name="reason"
          rows={3}
          required
          maxLength={500}
          placeholder="说明延期的原因和新的工作安排"
          aria-invalid={failed?.field === "reason" ? true : undefined}
          aria-describedby={failed ? errorId : undefined}
        />
      </label>
      <Answer data={fetcher.data} id={errorId} />
      <p>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "正在提交…" : "提交延期申请"}
        </button>
      </p>
    </fetcher.Form>
  );
}

function DecideForm({
  fetcher,
  taskId,
  back,
  request,
}: {
  fetcher: ExtensionFetcher;
  taskId: number;
  back: string;
  request: ExtensionRequest;
}) {
  const hydrated = useHydrated();
  const busy = fetcher.state !== "idle";
  const errorId = `extension-decide-error-${request.id}`;
  return (
    <fetcher.Form method="post" action={`/tasks/${taskId}/extension`} className="stack extension-form">
      <input type="hidden" name="extensionId" value={request.id} />
      <input type="hidden" name="back" value={back} />
      {hydrated ? <input type="hidden" name="fetcher" value="1" /> : null}
      <label className="field">
        <span>审批意见（同意时可不填；不同意须写明理由）</span>
        <textarea name="note" rows={2} maxLength={500} aria-describedby={fetcher.data ? errorId : undefined} />
      </label>
      <Answer data={fetcher.data} id={errorId} />
      <p className="button-row">
        <button type="submit" name="intent" value="approve" className="button primary" disabled={busy}>
          同意延期至{formatDate(request.requestedDueDate)}
        </button>
        <button type="submit" name="intent" value="refuse" className="button secondary" disabled={busy}>
          不同意
        </button>
      </p>
    </fetcher.Form>
  );
}

export interface ExtensionPanelData {
  requests: ExtensionRequest[];
  /** Why no request can be made now (null: it can), for those who may apply. */
  blocker: string | null;
  mayApply: boolean;
  mayDecide: boolean;
  today: string;
}

export function ExtensionSection({
  taskId,
  dueDate,
  originalDueDate,
  back,
  data,
}: {
  taskId: number;
  dueDate: string | null;
  originalDueDate: string | null;
  back: string;
  data: ExtensionPanelData;
}) {
  // Held here, not in the forms: a form goes away once its request is made or decided, its answer stays.
  const applyFetcher = useFetcher<ExtensionActionData>();
  const decideFetcher = useFetcher<ExtensionActionData>();
  const pending = data.requests.find((r) => r.status === "pending");
  const showApply = data.mayApply && data.blocker === null;
  if (data.requests.length === 0 && !showApply) return null;
  const applied = !showApply && applyFetcher.data?.ok ? applyFetcher.data : undefined;
  const decided = !pending && decideFetcher.data?.ok ? decideFetcher.data : undefined;
  return (
    <section className="detail-section extension-section" aria-labelledby={`extension-${taskId}`}>
      <h3 id={`extension-${taskId}`}>延期申请</h3>
      <Answer data={applied ?? decided} id={`extension-answer-${taskId}`} />
      {originalDueDate ? (
        <p className="small">
          已经批准延期：原定完成时限{formatDate(originalDueDate)}，现为{dueDate ? formatDate(dueDate) : "未设定"}。
        </p>
      ) : null}
      {data.requests.length > 0 ? (
        <ul className="plain-list extension-list">
          {data.requests.map((r) => (
            <li key={r.id} className={`extension-item extension-${r.status}`}>
              <p>
                <span className={`status-pill extension-status-${r.status}`}>{EXTENSION_STATUS_LABELS[r.status]}</span>{" "}
                {r.unit ?? r.requestedBy ?? "—"}申请将完成时限由{r.oldDueDate ? formatDate(r.oldDueDate) : "未设定"}延至
                <strong>{formatDate(r.requestedDueDate)}</strong>
              </p>
              <p className="small">理由：{r.reason}</p>
              <p className="small muted">
                {r.requestedBy ?? "—"} · <time dateTime={r.createdAt}>{formatDateTime(r.createdAt)}</time>
              </p>
              {r.status !== "pending" ? (
                <p className="small">
                  {r.decidedBy ?? "—"}于{r.decidedAt ? formatDateTime(r.decidedAt) : "—"}
                  {r.status === "approved" ? "批准" : "未同意"}
                  {r.decisionNote ? `：${r.decisionNote}` : "。"}
                </p>
              ) : data.mayDecide ? (
                <DecideForm fetcher={decideFetcher} taskId={taskId} back={back} request={r} />
              ) : (
                <p className="small muted">等待责任领导审批。</p>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {showApply ? (
        <details className="extension-apply">
          <summary>申请延期</summary>
          <ApplyForm fetcher={applyFetcher} taskId={taskId} back={back} dueDate={dueDate} today={data.today} />
        </details>
      ) : data.mayApply && data.blocker && !pending ? (
        <p className="small muted">{data.blocker}</p>
      ) : null}
    </section>
  );
}
