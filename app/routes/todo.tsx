// 我的待办: what is due from me this week, 催办 and @mentions I received, my tasks that turned
// yellow or red, 驳回 waiting for me, and (leaders) cards waiting for 验收 and 延期申请 to decide.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { LIGHT_LABELS } from "~/lib/lights";
import { markdownToText } from "~/lib/notify";
import { formatDate, formatDateTime, weekLabel } from "~/lib/weeks";
import { getTodo } from "~/models/todo.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import type { PageHandle } from "~/utils/kept-page";
import { todayKey } from "~/models/plans.server";

export const handle: PageHandle = { keptWhileUnchanged: true };

export const meta: MetaFunction = () => [{ title: "我的待办 · 年度重点工作看板" }];

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args, "read");
  const now = new Date();
  const todo = await getTodo(getDb(), user, now, todayKey(now));
  return {
    todo,
    canPost: can(user, "updates.post", user.unitId != null ? [user.unitId] : []),
    role: user.role,
  };
}

function TaskLink({ taskId, code, title }: { taskId: number; code: string; title: string }) {
  return (
    <Link to={`/board/${taskId}`} className="todo-task">
      <span className="task-code">{code}</span> {title}
    </Link>
  );
}

const BACK_TO_TODO = encodeURIComponent("/todo");

/** The button that opens the task's 填报 form and comes back here after saving. */
function ReportLink({ taskId, kind, children }: { taskId: number; kind: "primary" | "secondary"; children: string }) {
  return (
    <Link className={`button ${kind} todo-action`} to={`/tasks/${taskId}/update?back=${BACK_TO_TODO}`}>
      {children}
    </Link>
  );
}

/**
 * One heading with its count, then one list item per entry (each starting with its task), or
 * `empty` when there are no entries (with no `empty`, a section with no entries is not shown).
 */
function TodoSection<T extends { taskId: number; code: string; title: string }>({
  id,
  title,
  count,
  items,
  itemKey,
  itemClassName = () => "todo-item",
  empty,
  children,
}: {
  id: string;
  title: ReactNode;
  count?: number;
  items: T[];
  itemKey: (item: T) => number;
  itemClassName?: (item: T) => string;
  empty?: ReactNode;
  children: (item: T) => ReactNode;
}) {
  if (items.length === 0 && empty === undefined) return null;
  return (
    <section className="todo-section" aria-labelledby={id}>
      <h2 id={id}>
        {title} <span className="count">{count ?? items.length}</span>
      </h2>
      {items.length === 0 ? (
        empty
      ) : (
        <ul className="plain-list todo-list">
          {items.map((item) => (
            <li key={itemKey(item)} className={itemClassName(item)}>
              <TaskLink {...item} />
              {children(item)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A note's author and body, then when it was written. */
function NoteText({
  note,
  bodyClassName,
  after = "",
}: {
  note: { author: string; body: string; createdAt: string };
  bodyClassName?: string;
  after?: string;
}) {
  return (
    <>
      <p className={bodyClassName}>
        <strong>{note.author}</strong>：{note.body}
      </p>
      <p className="small muted">
        <time dateTime={note.createdAt}>{formatDateTime(note.createdAt)}</time>
        {after}
      </p>
    </>
  );
}

export default function TodoPage() {
  const { todo, canPost, role } = useLoaderData<typeof loader>();
  const openUrges = todo.urges.filter((u) => !u.handled);
  const nothing =
    todo.due.length === 0 &&
    todo.urges.length === 0 &&
    todo.mentions.length === 0 &&
    todo.flagged.length === 0 &&
    todo.rejections.length === 0 &&
    todo.toVerify.length === 0 &&
    todo.extensions.length === 0;

  return (
    <section className="page todo-page">
      <header>
        <h1>我的待办</h1>
        <p className="muted small">
          {todo.unitName ? `${todo.unitName} · ` : ""}
          {weekLabel(todo.week)}（本周）
        </p>
      </header>

      {nothing ? (
        <div className="empty-state">
          <p className="empty-title">暂无待办</p>
          <p>
            {role === "viewer"
              ? "查看账号没有需要处理的事项。"
              : todo.unitName
                ? "本单位本周的进展都已填报，也没有收到催办。"
                : "目前没有需要您处理的事项。"}
          </p>
        </div>
      ) : null}

      {todo.notices.length > 0 ? (
        <section className="todo-section" aria-labelledby="todo-notices">
          <h2 id="todo-notices">
            系统提醒 <span className="count">{todo.notices.length}</span>
          </h2>
          <ul className="plain-list todo-list">
            {todo.notices.map((notice) => (
              <li key={notice.id} className="todo-item">
                <strong>{notice.title}</strong>
                <p className="notice-body">{markdownToText(notice.body, "drop").split("\n").slice(1).join("\n")}</p>
                <p className="small muted">
                  <time dateTime={notice.createdAt}>{formatDateTime(notice.createdAt)}</time>
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {todo.unitName && canPost ? (
        <TodoSection
          id="todo-due"
          title="本周待填报"
          items={todo.due}
          itemKey={(item) => item.taskId}
          empty={<p className="muted">本单位本周的进展都已填报。</p>}
        >
          {(item) => (
            <>
              <span className="muted small">{item.role === "lead" ? "牵头单位" : "配合单位"}</span>
              <ReportLink taskId={item.taskId} kind="primary">
                填报进展
              </ReportLink>
            </>
          )}
        </TodoSection>
      ) : null}

      <TodoSection
        id="todo-urges"
        title="收到的催办"
        count={openUrges.length}
        items={todo.urges}
        itemKey={(urge) => urge.id}
        itemClassName={(urge) => `todo-item urge-item${urge.handled ? " is-handled" : ""}`}
      >
        {(urge) => (
          <>
            <NoteText note={urge} bodyClassName="urge-body" after={urge.handled ? " · 已填报" : ""} />
            {!urge.handled && canPost ? (
              <ReportLink taskId={urge.taskId} kind="primary">
                去填报
              </ReportLink>
            ) : null}
          </>
        )}
      </TodoSection>

      <TodoSection id="todo-rejections" title="被驳回待处理" items={todo.rejections} itemKey={(item) => item.id}>
        {(item) => (
          <>
            <p>
              驳回原因（{item.author}，{formatDateTime(item.createdAt)}）：{item.body}
            </p>
            {canPost ? (
              <ReportLink taskId={item.taskId} kind="secondary">
                填报整改进展
              </ReportLink>
            ) : null}
          </>
        )}
      </TodoSection>

      <TodoSection id="todo-verify" title="待验收" items={todo.toVerify} itemKey={(item) => item.taskId}>
        {(item) => (
          <span className="muted small">
            {item.leadUnit ?? "未指定牵头单位"}申请办结{item.mine ? " · 我是责任领导" : ""}
          </span>
        )}
      </TodoSection>

      <TodoSection id="todo-extensions" title="待审批的延期申请" items={todo.extensions} itemKey={(item) => item.id}>
        {(item) => (
          <span className="small">
            {item.unit ?? item.requestedBy ?? "—"}申请延至{formatDate(item.requestedDueDate)}
            {item.oldDueDate ? `（原定${formatDate(item.oldDueDate)}）` : ""}：{item.reason}
            {item.mine ? " · 我是责任领导" : ""}
          </span>
        )}
      </TodoSection>

      <TodoSection
        id="todo-flagged"
        title={`${todo.unitName ? "本单位" : "我负责的"}亮黄灯、红灯的重点工作`}
        items={todo.flagged}
        itemKey={(item) => item.taskId}
      >
        {(item) => {
          const label = LIGHT_LABELS[item.light.light];
          return (
            <>
              <span className={`light-word light-${item.light.light}`}>
                <span aria-hidden="true">{label.shape}</span> {label.word} {label.meaning}
              </span>
              {item.light.reasons.length ? <span className="small muted">{item.light.reasons.join("；")}</span> : null}
            </>
          );
        }}
      </TodoSection>

      <TodoSection id="todo-mentions" title="提到本单位的评论" items={todo.mentions} itemKey={(item) => item.id}>
        {(item) => <NoteText note={item} />}
      </TodoSection>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
