// The card detail's 填报, 催办 and 评论 part: this week's status per unit with the buttons the
// viewer may use, 佐证材料, and the thread of comments, 催办, 验收 and 驳回 notes.
import { Link, useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { CELL_STATUS_LABELS, formatBytes } from "~/lib/updates";
import { formatDateTime, weekLabel } from "~/lib/weeks";
import type { TaskActivity as Activity } from "~/routes/tasks.$taskId.update/task-activity.server";
import type { CommentActionData } from "~/routes/tasks.$taskId.comments";

const KIND_LABELS = { comment: "评论", urge: "催办", verify: "验收", reject: "驳回" } as const;

function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

function UrgeButton({ taskId, unitId, unitName, back }: { taskId: number; unitId: number; unitName: string; back: string }) {
  const fetcher = useFetcher<CommentActionData>();
  const hydrated = useHydrated();
  const busy = fetcher.state !== "idle";
  return (
    <fetcher.Form method="post" action={`/tasks/${taskId}/comments`} className="inline-form">
      <input type="hidden" name="intent" value="urge" />
      <input type="hidden" name="unitId" value={unitId} />
      <input type="hidden" name="back" value={back} />
      {hydrated ? <input type="hidden" name="fetcher" value="1" /> : null}
      <button type="submit" className="button secondary small" disabled={busy || fetcher.data?.ok === true} aria-label={`催办${unitName}`}>
        {busy ? "正在催办…" : fetcher.data?.ok ? "已催办" : "催办"}
      </button>
      {fetcher.data ? (
        <span className={fetcher.data.ok ? "small ok-text" : "small field-error"} role="status">
          {fetcher.data.message}
        </span>
      ) : null}
    </fetcher.Form>
  );
}

function CommentForm({ taskId, back, unitNames }: { taskId: number; back: string; unitNames: string[] }) {
  const fetcher = useFetcher<CommentActionData>();
  const hydrated = useHydrated();
  const formRef = useRef<HTMLFormElement>(null);
  const busy = fetcher.state !== "idle";
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) formRef.current?.reset();
  }, [fetcher.state, fetcher.data]);
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  return (
    <fetcher.Form method="post" action={`/tasks/${taskId}/comments`} className="stack comment-form" ref={formRef}>
      <input type="hidden" name="intent" value="comment" />
      <input type="hidden" name="back" value={back} />
      {hydrated ? <input type="hidden" name="fetcher" value="1" /> : null}
      <label className="field">
        <span>发表评论</span>
        <textarea
          name="body"
          rows={3}
          placeholder={`输入“@单位名称”可提醒该单位，例如 @${unitNames[0] ?? "东晟社区"}`}
          defaultValue={failed?.values.body}
          aria-invalid={failed ? true : undefined}
          aria-describedby={failed ? `comment-error-${taskId}` : undefined}
        />
      </label>
      {fetcher.data ? (
        <p id={`comment-error-${taskId}`} className={fetcher.data.ok ? "small ok-text" : "form-error"} role="status">
          {fetcher.data.message}
        </p>
      ) : null}
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? "正在发表…" : "发表评论"}
      </button>
    </fetcher.Form>
  );
}

/** Rendered by the card detail route with data from getTaskActivity. `back` is the detail's own URL. */
/** A 佐证材料 file opening in a new tab, then what it is (small, grey). */
export function AttachmentLink({ file, children }: { file: { id: number; fileName: string }; children: ReactNode }) {
  return (
    <>
      <a href={`/attachments/${file.id}`} target="_blank" rel="noreferrer">
        {file.fileName}
      </a>{" "}
      <span className="muted small">{children}</span>
    </>
  );
}

export function TaskActivity({ activity, back, planYear }: { activity: Activity; back: string; planYear?: number }) {
  const encodedBack = encodeURIComponent(back);
  return (
    <>
      <section className="detail-section task-activity" aria-labelledby={`week-status-${activity.taskId}`}>
        <h3 id={`week-status-${activity.taskId}`}>本周填报 · {weekLabel(activity.week, planYear)}</h3>
        {activity.units.length === 0 ? (
          <p className="muted">还没有指定牵头单位或配合单位。</p>
        ) : (
          <ul className="plain-list week-units">
            {activity.units.map((unit) => (
              <li key={unit.id} className={`week-unit cell-${unit.status}`}>
                <span className="week-unit-name">
                  {unit.name}
                  <span className="muted small">（{unit.role === "lead" ? "牵头" : "配合"}）</span>
                </span>
                <span className="cell-status">
                  <span aria-hidden="true">{CELL_STATUS_LABELS[unit.status].shape}</span> {CELL_STATUS_LABELS[unit.status].word}
                  {unit.progress != null ? ` · ${unit.progress}%` : ""}
                </span>
                <span className="week-unit-actions">
                  {unit.canReport ? (
                    <Link
                      className={`button small ${unit.status === "missing" ? "primary" : "secondary"}`}
                      to={`/tasks/${activity.taskId}/update?unit=${unit.id}&back=${encodedBack}`}
                    >
                      {unit.status === "missing" ? "填报进展" : "修改填报"}
                    </Link>
                  ) : null}
                  {activity.canUrge && unit.status === "missing" ? (
                    unit.urgedRecently ? (
                      <span className="small muted">今日已催办</span>
                    ) : (
                      <UrgeButton taskId={activity.taskId} unitId={unit.id} unitName={unit.name} back={back} />
                    )
                  ) : null}
                </span>
              </li>
            ))}
          </ul>
        )}
        {!activity.open ? <p className="muted small">已销号或计划已归档的重点工作不再需要填报。</p> : null}
      </section>

      {activity.attachments.length > 0 ? (
        <section className="detail-section" aria-labelledby={`attachments-${activity.taskId}`}>
          <h3 id={`attachments-${activity.taskId}`}>佐证材料</h3>
          <ul className="plain-list attachment-list">
            {activity.attachments.map((file) => (
              <li key={file.id}>
                <AttachmentLink file={file}>
                  {file.unitName} · {weekLabel(file.week, planYear)} · {formatBytes(file.size)}
                </AttachmentLink>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="detail-section" aria-labelledby={`comments-${activity.taskId}`}>
        <h3 id={`comments-${activity.taskId}`}>评论与催办</h3>
        {activity.comments.length === 0 ? <p className="muted">还没有评论或催办。</p> : null}
        <ol className="comment-list">
          {activity.comments.map((comment) => (
            <li key={comment.id} className={`comment comment-${comment.kind}`}>
              <p className="small muted">
                <span className={`comment-kind kind-${comment.kind}`}>{KIND_LABELS[comment.kind]}</span> <strong>{comment.author}</strong>
                {comment.targetUnit ? ` → ${comment.targetUnit}` : ""} ·{" "}
                <time dateTime={comment.createdAt}>{formatDateTime(comment.createdAt)}</time>
              </p>
              <p className="pre-line">{comment.body}</p>
              {comment.mentions.length > 0 ? <p className="small muted">提醒了：{comment.mentions.join("、")}</p> : null}
            </li>
          ))}
        </ol>
        {activity.canComment ? <CommentForm taskId={activity.taskId} back={back} unitNames={activity.unitNames} /> : null}
      </section>
    </>
  );
}
