// A card's detail, opened over the board (a nested route): all fields, metrics, 填报 and the
// history of moves and edits from audit_log. Leaders and admins edit or delete from here.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useLocation,
  useNavigate,
  useNavigation,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { MoveToForm } from "~/routes/board/move-to-form";
import { LightBadge } from "~/routes/board/light-badge";
import { DueDateFact } from "~/routes/board/due-date-fact";
import { TaskActivity } from "~/routes/tasks.$taskId.update/task-activity";
import { allowedTargets, cardUnitIds, MOVE_KIND_LABELS, ORIGIN_LABELS, STATUS_LABELS, type MoveKind } from "~/lib/board";
import { formatNumber } from "~/lib/metric-numbers";
import { AGGREGATION_LABELS, DIRECTION_LABELS } from "~/lib/task-changes";
import { formatDate, formatDateTime, isWeekKey, weekLabel } from "~/lib/weeks";
import { DeleteTaskSchema } from "~/routes/board/task-forms.server";
import { getTaskActivity } from "~/routes/tasks.$taskId.update/task-activity.server";
import { deleteTask, findTaskPlan } from "~/routes/board/tasks.server";
import { getTaskDetail } from "~/routes/board/task-detail.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm, readIntent } from "~/utils/forms.server";
import { refusalOf } from "~/utils/http.server";
import { can } from "~/utils/permissions";
import { TaskPanel, TaskPanelError } from "~/routes/board/task-panel";
import { todayKey } from "~/models/plans.server";
import { forbidden, notFound } from "~/lib/refusal";
import { extensionBlocker, mayApplyForExtension, mayDecideExtension } from "~/lib/extensions";
import { listTaskExtensions } from "~/models/extensions.server";
import { ExtensionSection, type ExtensionPanelData } from "~/routes/board/extension-section";
import { taskIdParam } from "~/utils/task-params.server";
import type { PageHandle } from "~/utils/kept-page";
import { DataTable } from "~/components/data-table";
import type { ReactNode } from "react";

type Change = { field: string; before: string; after: string };

export const handle: PageHandle = { keptWhileUnchanged: true };

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.detail.card.code} ${data.detail.card.title} · 看板` : "重点工作 · 看板" },
];

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args, "read");
  const detail = await getTaskDetail(getDb(), taskIdParam(args.params), todayKey());
  if (!detail) notFound("没有找到这项重点工作，它可能已被删除。");
  const activity = await getTaskActivity(getDb(), user, detail.card.id);
  const requests = await listTaskExtensions(getDb(), detail.card.id);
  const mayApply = mayApplyForExtension(user, { leadUnitId: detail.card.leadUnit?.id ?? null });
  const extensions: ExtensionPanelData = {
    requests,
    mayApply,
    mayDecide: mayDecideExtension(user) && detail.plan.status === "active",
    blocker: extensionBlocker({
      status: detail.card.status,
      planActive: detail.plan.status === "active",
      hasPending: requests.some((r) => r.status === "pending"),
    }),
    today: todayKey(),
  };
  return { actor: { id: user.id, role: user.role, unitId: user.unitId }, detail: detail, activity, extensions };
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args, "read");
  const taskId = taskIdParam(args.params);
  const formData = await readForm(args.request);
  readIntent(formData, ["delete"] as const);
  if (!can(user, "tasks.manage")) forbidden("只有街道领导或系统管理员可以删除重点工作。");
  const parsed = parseForm(formData, DeleteTaskSchema);
  if (!parsed.ok) {
    return data(
      { message: Object.values(parsed.errors)[0], changes: [] as Change[], currentVersion: null as number | null },
      { status: 400 },
    );
  }
  const where = await findTaskPlan(getDb(), taskId);
  if (!where) notFound("没有找到这项重点工作，它可能已被删除。");
  try {
    await deleteTask(getDb(), user, taskId, parsed.data.version);
  } catch (thrown) {
    const refusal = refusalOf(thrown);
    if (!refusal) throw thrown;
    const detail = refusal.detail as { changes?: Change[]; currentVersion?: number } | undefined;
    return data(
      { message: refusal.message, changes: detail?.changes ?? [], currentVersion: detail?.currentVersion ?? null },
      { status: refusal.status },
    );
  }
  return redirect(`/board?year=${where.year}`);
}

/** Moves of other cards do not concern this panel; its own card's do. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, currentParams, defaultShouldRevalidate }) => {
  if (formData?.get("intent") === "move") return formData.get("taskId") === currentParams.taskId;
  return defaultShouldRevalidate;
};

const HISTORY_VERBS: Record<string, string> = {
  "task.create": "新建了这项重点工作",
  "task.update": "修改了",
  "task.delete": "删除了",
};

function historyText(entry: { action: string; from?: string; to?: string; text?: string }): string {
  if (entry.text) return entry.text;
  const kind = entry.action.replace(/^task\./, "") as MoveKind | "move";
  if (entry.from && entry.to) {
    const label = kind === "move" ? "移动" : (MOVE_KIND_LABELS[kind as MoveKind] ?? "移动");
    const from = STATUS_LABELS[entry.from as keyof typeof STATUS_LABELS];
    const to = STATUS_LABELS[entry.to as keyof typeof STATUS_LABELS];
    return kind === "reorder" ? `调整了在“${to}”列中的顺序` : `${label}：从“${from}”到“${to}”`;
  }
  return HISTORY_VERBS[entry.action] ?? entry.action;
}

/** Field changes, one a line: "字段：前 → 后". */
function ChangeList({ changes, className }: { changes: { field: string; before: string; after: string }[]; className?: string }) {
  return (
    <ul className={className}>
      {changes.map((change, index) => (
        <li key={index}>
          {change.field}：{change.before} → {change.after}
        </li>
      ))}
    </ul>
  );
}

export default function TaskDetailPanel() {
  const { actor, detail, activity, extensions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const location = useLocation();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const { card, snapshot } = detail;
  const back = location.search;
  const boardHref = `/board${back}`;
  const canManage = can(actor, "tasks.manage") && detail.plan.status === "active";
  const targets = detail.plan.status === "active" ? allowedTargets(actor, { status: card.status, unitIds: cardUnitIds(card) }) : [];
  const canMove = targets.some((status) => status !== card.status);
  // After an edit merged with others' changes made meanwhile (see the edit route).
  const merged = new URLSearchParams(location.search).get("merged");

  return (
    <TaskPanel
      taskId={card.id}
      labelledBy="detail-title"
      focusOn={card.id}
      onKeyDown={(event) => {
        if (event.key === "Escape" && !(event.target instanceof HTMLTextAreaElement)) {
          event.preventDefault();
          navigate(boardHref, { preventScrollReset: true });
        }
      }}
    >
      <header className="detail-head">
        <p className="task-card-meta">
          <span className="task-code">{card.code}</span>
          {card.originRef ? <span className="task-origin">{card.originRef}</span> : null}
          <span className="task-tag">{ORIGIN_LABELS[card.origin]}</span>
          <span className={`status-pill status-${card.status}`}>{STATUS_LABELS[card.status]}</span>
        </p>
        <h2 id="detail-title">{card.title}</h2>
        <Link to={boardHref} className="button secondary small detail-close" preventScrollReset>
          关闭
        </Link>
      </header>

      {merged ? (
        <p className="notice" role="status">
          已保存。已合并他人同时所做的修改：{merged.slice(0, 100)}
        </p>
      ) : null}

      <div className="detail-light">
        <LightBadge light={card.light} />
        <p>
          完成进度 <strong>{card.progress}%</strong>
          {card.dueDate && card.status !== "done" ? `，序时进度 ${card.light.expectedProgress}%` : ""}
          {card.lastUpdateWeek && isWeekKey(card.lastUpdateWeek)
            ? `；最近填报：${weekLabel(card.lastUpdateWeek, detail.plan.year)}`
            : "；尚无填报"}
        </p>
        <progress max={100} value={card.progress} aria-label={`完成${card.progress}%`} />
      </div>

      {canManage ? (
        <p className="detail-actions">
          <Link to={`/board/${card.id}/edit${back}`} className="button primary">
            编辑
          </Link>
        </p>
      ) : null}

      <dl className="fact-grid detail-fields">
        <div>
          <dt>类别</dt>
          <dd>{card.category || "未分类"}</dd>
        </div>
        <div>
          <dt>来源</dt>
          <dd>
            {ORIGIN_LABELS[card.origin]}
            {card.originRef ? `（上年总结 ${card.originRef}）` : ""}
          </dd>
        </div>
        <div>
          <dt>责任领导</dt>
          <dd>{card.leadUser?.name ?? "未指定"}</dd>
        </div>
        <div>
          <dt>牵头单位</dt>
          <dd>{card.leadUnit?.name ?? "未指定"}</dd>
        </div>
        <div>
          <dt>配合单位</dt>
          <dd>{card.supportUnits.map((u) => u.name).join("、") || "无"}</dd>
        </div>
        <div>
          <dt>开始日期</dt>
          <dd>{card.startDate ? formatDate(card.startDate) : `${detail.plan.year}年1月1日（年初）`}</dd>
        </div>
        <DueDateFact card={card} />
        {detail.doneAt ? (
          <div>
            <dt>销号时间</dt>
            <dd>{formatDateTime(detail.doneAt)}</dd>
          </div>
        ) : null}
      </dl>

      {snapshot.description ? (
        <DetailSection id="detail-desc" title="工作说明">
          <p className="pre-line">{snapshot.description}</p>
        </DetailSection>
      ) : null}
      {detail.sourceExcerpt ? (
        <DetailSection id="detail-source" title="上年总结原文">
          <blockquote className="pre-line">{detail.sourceExcerpt}</blockquote>
        </DetailSection>
      ) : null}

      <DetailSection id="detail-metrics" title="指标">
        {detail.metrics.length === 0 ? (
          <p className="muted">没有设定指标。{canManage ? "可在“编辑”中添加。" : ""}</p>
        ) : (
          <DataTable label="指标表" columns={["指标", "上年基数", "目标", "累计完成", "完成目标", "口径"]}>
            {detail.metrics.map((m) => (
              <tr key={m.id}>
                <th scope="row">{m.name}</th>
                <td>{m.baseline == null ? "—" : formatNumber(m.baseline, m.unit)}</td>
                <td>{m.target == null ? "未设" : formatNumber(m.target, m.unit)}</td>
                <td>{m.actual == null ? "暂无数据" : formatNumber(m.actual, m.unit)}</td>
                <td>{m.percent == null ? "—" : `${m.percent}%`}</td>
                <td className="small">
                  {DIRECTION_LABELS[m.direction]}；{AGGREGATION_LABELS[m.aggregation]}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </DetailSection>

      <DetailSection id="detail-updates" title="进展填报">
        {detail.updates.length === 0 ? (
          <p className="muted">还没有进展填报。</p>
        ) : (
          <ul className="detail-updates">
            {detail.updates.map((u) => (
              <li key={u.id}>
                <p className="small muted">
                  {isWeekKey(u.week) ? weekLabel(u.week, detail.plan.year) : u.week} · {u.unit} · {u.author} · 完成{u.progress}%
                </p>
                <p className="pre-line">{u.body}</p>
                {u.blockers ? <p className="pre-line small">困难问题：{u.blockers}</p> : null}
                {u.nextSteps ? <p className="pre-line small">下步计划：{u.nextSteps}</p> : null}
              </li>
            ))}
          </ul>
        )}
      </DetailSection>
      <ExtensionSection
        taskId={card.id}
        dueDate={card.dueDate}
        originalDueDate={card.originalDueDate ?? null}
        back={`/board/${card.id}${back}`}
        data={extensions}
      />
      {activity ? <TaskActivity activity={activity} back={`/board/${card.id}${back}`} planYear={detail.plan.year} /> : null}

      {canMove ? (
        <DetailSection id="detail-move" title="移动卡片">
          <MoveToForm card={card} back={back} targets={targets} withReason open />
        </DetailSection>
      ) : null}

      <DetailSection id="detail-history" title="历史记录">
        <ol className="plain-list detail-history">
          {detail.history.map((entry) => (
            <li key={entry.id}>
              <p>
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time> · <strong>{entry.actor ?? "系统"}</strong> {historyText(entry)}
                {entry.changes && entry.changes.length > 0 ? `：${entry.changes.map((c) => c.field).join("、")}` : ""}
              </p>
              {entry.reason ? (
                <p className="history-reason">
                  {entry.reasonLabel ?? (entry.action === "task.reject" ? "驳回原因" : "说明")}：{entry.reason}
                </p>
              ) : null}
              {entry.changes && entry.changes.length > 0 ? <ChangeList changes={entry.changes} className="history-changes small" /> : null}
            </li>
          ))}
        </ol>
      </DetailSection>

      {canManage ? (
        <details className="detail-delete" open={actionData ? true : undefined}>
          <summary>删除这项重点工作</summary>
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="delete" />
            <input type="hidden" name="version" value={actionData?.currentVersion ?? card.version} />
            <p>删除后，它的指标、进展填报和评论都会一并删除，且无法恢复。</p>
            {actionData ? (
              <div className="form-error" role="alert">
                <p>{actionData.message}</p>
                {actionData.changes.length > 0 ? <ChangeList changes={actionData.changes} /> : null}
              </div>
            ) : null}
            <label className="checkbox">
              <input type="checkbox" name="confirm" value="yes" />
              我确认删除“{card.code} {card.title}”
            </label>
            <button type="submit" className="button danger" disabled={navigation.state === "submitting"}>
              {navigation.state === "submitting" ? "正在删除…" : "删除"}
            </button>
          </Form>
        </details>
      ) : null}
    </TaskPanel>
  );
}

/** A titled part of the task panel (工作说明, 指标, 进展填报…). */
function DetailSection({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="detail-section" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

export function ErrorBoundary() {
  return (
    <TaskPanelError>
      <p>
        <Link to="/board">返回看板</Link>
      </p>
    </TaskPanelError>
  );
}
