import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { backupsByPgDump, createDatabaseBackup, listDatabaseBackups } from "~/models/backups.server";
import { formatDateTime } from "~/lib/weeks";
import { requireUser } from "~/utils/auth.server";
import { readForm, readIntent } from "~/utils/forms.server";
import { DataTable } from "~/components/data-table";

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "admin");
  return { backups: listDatabaseBackups(), pgDump: backupsByPgDump() };
}

export async function action(args: ActionFunctionArgs) {
  const admin = await requireUser(args, "admin");
  readIntent(await readForm(args.request), ["create"] as const);
  return { created: await createDatabaseBackup(admin.id) };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export default function AdminBackups() {
  const { backups, pgDump } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const pending = useNavigation().state === "submitting";
  if (pgDump) {
    return (
      <section className="card stack" aria-labelledby="backup-title">
        <h2 id="backup-title">数据库备份</h2>
        <p>本系统使用 PostgreSQL 数据库，备份不在这里生成，由数据库管理员用 PostgreSQL 自带的工具完成：</p>
        <ul>
          <li>
            备份：<code>pg_dump -Fc -f kanban-日期.dump 数据库地址</code>
            （可在服务运行时进行，得到一致的副本），建议每天定时执行并保存到另一台机器。
          </li>
          <li>
            恢复：停止所有应用服务器，<code>pg_restore --clean --if-exists -d 数据库地址 kanban-日期.dump</code>，再启动服务。
          </li>
        </ul>
        <p className="muted">详见 README 中“在 PostgreSQL 上部署”一节。佐证材料文件保存在 ATTACHMENTS_DIR 目录，需要另行备份。</p>
      </section>
    );
  }
  return (
    <div className="stack">
      <section className="card stack" aria-labelledby="backup-title">
        <h2 id="backup-title">数据库备份</h2>
        <p className="muted">
          备份是数据库在某一时刻的完整一致副本，生成时不影响大家继续使用。恢复方法：停止服务，用备份文件替换数据库文件（并删除同名的
          -wal、-shm 文件），再启动服务。
        </p>
        {actionData?.created ? (
          <p className="notice" role="status">
            已生成备份 {actionData.created}。
          </p>
        ) : null}
        <Form method="post">
          <button type="submit" name="intent" value="create" className="button primary" disabled={pending}>
            {pending ? "正在备份…" : "立即备份"}
          </button>
        </Form>
      </section>
      {backups.length === 0 ? (
        <p className="empty-state">还没有备份。点击“立即备份”生成第一份。</p>
      ) : (
        <DataTable label="备份文件表" columns={["文件", "时间", "大小", { label: "下载", hidden: true }]}>
          {backups.map((backup) => (
            <tr key={backup.name}>
              <td>{backup.name}</td>
              <td>{formatDateTime(backup.createdAt)}</td>
              <td>{formatBytes(backup.bytes)}</td>
              <td>
                <a href={`/admin/backups/${backup.name}`} download>
                  下载
                </a>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
