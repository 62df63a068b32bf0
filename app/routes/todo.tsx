// 我的待办: what is due from me this week, 催办 and @mentions I received, my tasks that turned
// yellow or red, 驳回 waiting for me, and (leaders) cards waiting for 验收.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { LIGHT_LABELS } from "~/lib/lights";
import { formatDateTime, weekLabel } from "~/lib/weeks";
import { getTodo } from "~/models/todo.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { can } from "~/utils/permissions";
import { todayKey } from "~/models/plans.server";

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

export default function TodoPage() {
  const { todo, canPost, role } = useLoaderData<typeof loader>();
  const openUrges = todo.urges.filter((u) => !u.handled);
  const back = encodeURIComponent("/todo");
  const nothing =
    todo.due.length === 0 &&
    todo.urges.length === 0 &&
    todo.mentions.length === 0 &&
    todo.flagged.length === 0 &&
    todo.rejections.length === 0 &&
    todo.toVerify.length === 0;

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

      {todo.unitName && canPost ? (
        <section className="todo-section" aria-labelledby="todo-due">
          <h2 id="todo-due">
            本周待填报 <span className="count">{todo.due.length}</span>
          </h2>
          {todo.due.length === 0 ? (
            <p className="muted">本单位本周的进展都已填报。</p>
          ) : (
            <ul className="todo-list">
              {todo.due.map((item) => (
                <li key={item.taskId} className="todo-item">
                  <TaskLink {...item} />
                  <span className="muted small">{item.role === "lead" ? "牵头单位" : "配合单位"}</span>
                  <Link className="button primary todo-action" to={`/tasks/${item.taskId}/update?back=${back}`}>
                    填报进展
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      {todo.urges.length > 0 ? (
        <section className="todo-section" aria-labelledby="todo-urges">
          <h2 id="todo-urges">
            收到的催办 <span className="count">{openUrges.length}</span>
          </h2>
          <ul className="todo-list">
            {todo.urges.map((urge) => (
              <li key={urge.id} className={`todo-item urge-item${urge.handled ? " is-handled" : ""}`}>
                <TaskLink {...urge} />
                <p className="urge-body">
                  <strong>{urge.author}</strong>：{urge.body}
                </p>
                <p className="small muted">
                  <time dateTime={urge.createdAt}>{formatDateTime(urge.createdAt)}</time>
                  {urge.handled ? " · 已填报" : ""}
                </p>
                {!urge.handled && canPost ? (
                  <Link className="button primary todo-action" to={`/tasks/${urge.taskId}/update?back=${back}`}>
                    去填报
                  </Link>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {todo.rejections.length > 0 ? (
        <section className="todo-section" aria-labelledby="todo-rejections">
          <h2 id="todo-rejections">
            被驳回待处理 <span className="count">{todo.rejections.length}</span>
          </h2>
          <ul className="todo-list">
            {todo.rejections.map((item) => (
              <li key={item.id} className="todo-item">
                <TaskLink {...item} />
                <p>
                  驳回原因（{item.author}，{formatDateTime(item.createdAt)}）：{item.body}
                </p>
                {canPost ? (
                  <Link className="button secondary todo-action" to={`/tasks/${item.taskId}/update?back=${back}`}>
                    填报整改进展
                  </Link>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {todo.toVerify.length > 0 ? (
        <section className="todo-section" aria-labelledby="todo-verify">
          <h2 id="todo-verify">
            待验收 <span className="count">{todo.toVerify.length}</span>
          </h2>
          <ul className="todo-list">
            {todo.toVerify.map((item) => (
              <li key={item.taskId} className="todo-item">
                <TaskLink {...item} />
                <span className="muted small">
                  {item.leadUnit ?? "未指定牵头单位"}申请办结{item.mine ? " · 我是责任领导" : ""}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {todo.flagged.length > 0 ? (
        <section className="todo-section" aria-labelledby="todo-flagged">
          <h2 id="todo-flagged">
            {todo.unitName ? "本单位" : "我负责的"}亮黄灯、红灯的重点工作 <span className="count">{todo.flagged.length}</span>
          </h2>
          <ul className="todo-list">
            {todo.flagged.map((item) => {
              const label = LIGHT_LABELS[item.light.light];
              return (
                <li key={item.taskId} className="todo-item">
                  <TaskLink {...item} />
                  <span className={`light-word light-${item.light.light}`}>
                    <span aria-hidden="true">{label.shape}</span> {label.word} {label.meaning}
                  </span>
                  {item.light.reasons.length ? <span className="small muted">{item.light.reasons.join("；")}</span> : null}
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}

      {todo.mentions.length > 0 ? (
        <section className="todo-section" aria-labelledby="todo-mentions">
          <h2 id="todo-mentions">
            提到本单位的评论 <span className="count">{todo.mentions.length}</span>
          </h2>
          <ul className="todo-list">
            {todo.mentions.map((item) => (
              <li key={item.id} className="todo-item">
                <TaskLink {...item} />
                <p>
                  <strong>{item.author}</strong>：{item.body}
                </p>
                <p className="small muted">
                  <time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
