import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { createDatabaseBackup, listDatabaseBackups } from "../models/backups.server";
import { formatDateTime } from "../lib/weeks";
import { requireUser } from "../utils/auth.server";
import { readForm, readIntent } from "../utils/forms.server";

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "admin");
  return { backups: listDatabaseBackups() };
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
  const { backups } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const pending = useNavigation().state === "submitting";
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
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">文件</th>
                <th scope="col">时间</th>
                <th scope="col">大小</th>
                <th scope="col">
                  <span className="visually-hidden">下载</span>
                </th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
