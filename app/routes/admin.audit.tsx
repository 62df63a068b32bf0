// 操作日志: every write of the system (who, when, what, before and after), searchable by
// admins. Read-only: the log is never edited from the UI.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { AUDIT_ENTITY_LABELS, auditActionLabel } from "~/lib/audit-labels";
import { formatDateTime } from "~/lib/weeks";
import { listAuditActors, listAuditLog } from "~/models/audit-log.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { DataTable } from "~/components/data-table";
import { SelectField, namedOptions } from "~/components/select-field";

export const meta: MetaFunction = () => [{ title: "操作日志 · 系统管理" }];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ENTITY_OPTIONS = Object.entries(AUDIT_ENTITY_LABELS).map(([value, label]) => ({ value, label }));

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "admin");
  const url = new URL(args.request.url);
  const param = (name: string) => url.searchParams.get(name)?.trim() ?? "";
  const id = (value: string) => (/^\d+$/.test(value) ? Number(value) : null);
  const entity = param("entity");
  const query = {
    q: param("q").slice(0, 100),
    entity: entity in AUDIT_ENTITY_LABELS ? entity : null,
    actorId: id(param("actor")),
    from: DATE.test(param("from")) ? param("from") : null,
    to: DATE.test(param("to")) ? param("to") : null,
    beforeId: id(param("before")),
  };
  const db = getDb();
  const [log, actors] = await Promise.all([listAuditLog(db, query), listAuditActors(db)]);
  return { query, log, actors };
}

function Json({ text }: { text: string | null }) {
  if (!text) return <span className="muted">—</span>;
  let pretty = text;
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 1);
  } catch {
    // Stored as written; show it raw.
  }
  return <pre className="audit-json">{pretty.length > 1500 ? `${pretty.slice(0, 1500)}…` : pretty}</pre>;
}

export default function AuditLogPage() {
  const { query, log, actors } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const next = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value != null && value !== "" && key !== "beforeId") next.set(key === "actorId" ? "actor" : key, String(value));
  if (log.nextBeforeId != null) next.set("before", String(log.nextBeforeId));
  return (
    <section className="stack audit-page">
      <h2>操作日志</h2>
      <Form method="get" className="audit-filters">
        <label className="field grow">
          <span>搜索</span>
          <input name="q" type="search" defaultValue={query.q} placeholder="操作、编号、人员或内容" />
        </label>
        <SelectField name="entity" label="对象" defaultValue={query.entity} options={ENTITY_OPTIONS} emptyLabel="全部" />
        <SelectField name="actor" label="操作人" defaultValue={query.actorId} options={namedOptions(actors)} emptyLabel="全部" />
        <label className="field">
          <span>从</span>
          <input name="from" type="date" defaultValue={query.from ?? ""} />
        </label>
        <label className="field">
          <span>到</span>
          <input name="to" type="date" defaultValue={query.to ?? ""} />
        </label>
        <button type="submit" className="button primary">
          {navigation.state === "loading" ? "正在查询…" : "查询"}
        </button>
      </Form>
      {log.rows.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">没有符合条件的记录</p>
          <p>
            <Link to="/admin/audit">清除条件</Link>
          </p>
        </div>
      ) : (
        <DataTable label="操作日志表" className="audit-table" columns={["时间", "操作人", "操作", "对象", "修改前", "修改后"]}>
          {log.rows.map((row) => (
            <tr key={row.id}>
              <td>
                <time dateTime={row.at}>{formatDateTime(row.at)}</time>
              </td>
              <td>{row.actor ?? "系统"}</td>
              <td>{auditActionLabel(row.action)}</td>
              <td>
                {AUDIT_ENTITY_LABELS[row.entity] ?? row.entity}
                {row.entityId ? ` #${row.entityId}` : ""}
              </td>
              <td>
                <Json text={row.before} />
              </td>
              <td>
                <Json text={row.after} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {log.nextBeforeId != null ? (
        <p>
          <Link className="button secondary" to={`?${next}`}>
            更早的记录
          </Link>
        </p>
      ) : null}
    </section>
  );
}
