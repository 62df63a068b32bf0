// 发送记录 (admin): the outbox — what was sent where, what failed with the channel's own
// answer, what waits for its next attempt — and 重发 for a failed or sent message.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { CHANNEL_LABELS, EVENT_LABELS, OUTBOX_STATUS_LABELS, type OutboxStatus } from "~/lib/notify";
import { badRequest } from "~/lib/refusal";
import { parseRowId } from "~/lib/row-id";
import { formatDateTime } from "~/lib/weeks";
import { listOutbox, OUTBOX_PAGE_SIZE, outboxCounts, resendMessage } from "~/models/outbox.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { readForm, readIntent } from "~/utils/forms.server";

const STATUSES = ["pending", "sending", "sent", "failed"] as const;

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "admin");
  const param = new URL(args.request.url).searchParams.get("status");
  const status = (STATUSES as readonly string[]).includes(param ?? "") ? (param as OutboxStatus) : null;
  const db = getDb();
  return { status, counts: await outboxCounts(db), entries: await listOutbox(db, { status }) };
}

export async function action(args: ActionFunctionArgs) {
  const admin = await requireUser(args, "admin");
  const formData = await readForm(args.request);
  readIntent(formData, ["resend"] as const);
  // A row id the database can hold (PostgreSQL's integer stops at 2^31 − 1), else a forged form.
  const id = parseRowId(formData.get("messageId")) ?? badRequest("请求内容有误，请刷新页面后重试。");
  await resendMessage(getDb(), admin, id);
  return { resent: id };
}

const STATUS_CLASS: Record<OutboxStatus, string> = {
  pending: "status-pill is-pending",
  sending: "status-pill is-pending",
  sent: "status-pill is-sent",
  failed: "status-pill is-failed",
};

export default function AdminOutbox() {
  const { status, counts, entries } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="stack">
      <nav className="filter-links" aria-label="按状态筛选">
        <Link to="/admin/outbox" aria-current={status == null ? "page" : undefined}>
          全部
        </Link>
        {STATUSES.map((s) => (
          <Link key={s} to={`/admin/outbox?status=${s}`} aria-current={status === s ? "page" : undefined}>
            {OUTBOX_STATUS_LABELS[s]} {counts[s]}
          </Link>
        ))}
        <Link to="/admin/notify">推送设置</Link>
      </nav>
      {actionData?.resent ? (
        <p className="notice" role="status">
          已重新放入发送队列，几秒钟后刷新本页查看结果。
        </p>
      ) : null}
      {entries.length === 0 ? (
        <p className="empty-state">
          {status ? "没有这种状态的消息。" : "还没有发出过消息。在“推送设置”中添加渠道后，催办和定时提醒会出现在这里。"}
        </p>
      ) : (
        <DataTable
          label="发送记录"
          className="outbox-table"
          columns={["时间", "类型", "接收", "渠道", "内容", "状态", "渠道应答", { label: "操作", hidden: true }]}
        >
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td className="nowrap">{formatDateTime(entry.createdAt)}</td>
              <td className="nowrap">{EVENT_LABELS[entry.event] ?? entry.event}</td>
              <td className="nowrap">{entry.targetName}</td>
              <td>
                {entry.channelName ?? "（已删除）"}
                <br />
                <span className="small muted">{CHANNEL_LABELS[entry.channelKind]}</span>
              </td>
              <td>{entry.title}</td>
              <td className="nowrap">
                <span className={STATUS_CLASS[entry.status]}>{OUTBOX_STATUS_LABELS[entry.status]}</span>
                <br />
                <span className="small muted">
                  {entry.status === "sent" && entry.sentAt
                    ? formatDateTime(entry.sentAt)
                    : entry.status === "pending" && entry.attempts > 0
                      ? `第${entry.attempts}次失败，${formatDateTime(entry.nextAttemptAt)}重试`
                      : `尝试${entry.attempts}次`}
                </span>
              </td>
              <td className="outbox-answer">{entry.status === "sent" ? entry.response : (entry.lastError ?? "")}</td>
              <td>
                {entry.status === "failed" || entry.status === "sent" ? (
                  <Form method="post">
                    <input type="hidden" name="messageId" value={entry.id} />
                    <button type="submit" name="intent" value="resend" className="button secondary small" disabled={busy}>
                      重发
                    </button>
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {entries.length === OUTBOX_PAGE_SIZE ? <p className="muted small">只显示最近{OUTBOX_PAGE_SIZE}条。</p> : null}
    </div>
  );
}
