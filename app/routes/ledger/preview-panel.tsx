// What a paste or an imported .xlsx would change, before anything is saved: changed cells per
// task (old → new), refused cells with the reason, new rows offered as new tasks.
import { Form, Link, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { FIELD_LABELS, type LedgerRefs } from "~/lib/ledger";
import type { LedgerPreview } from "~/routes/ledger/actions.server";
import { TableHead } from "~/components/data-table";

export function PreviewPanel({ preview, year }: { preview: LedgerPreview; year: number; refs: LedgerRefs }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const navigation = useNavigation();
  const changeCount = preview.rows.reduce((n, r) => n + r.changes.length, 0);
  const errorCount = preview.rows.reduce((n, r) => n + r.refused.length, 0) + preview.newRows.reduce((n, r) => n + r.refused.length, 0);
  const nothing = changeCount === 0 && preview.newRows.length === 0;
  const what = preview.source === "paste" ? "粘贴" : "导入";

  useEffect(() => {
    headingRef.current?.focus();
  }, [preview]);

  return (
    <section className="ledger-preview" aria-labelledby="ledger-preview-title">
      <h2 id="ledger-preview-title" ref={headingRef} tabIndex={-1}>
        {what}预览：将修改{changeCount}处{preview.newRows.length > 0 ? `，新增${preview.newRows.length}项重点工作` : ""}
        {errorCount > 0 ? `，${errorCount}处有误未采用` : ""}
      </h2>
      <p className="preview-note">以下内容尚未保存。核对无误后点“确认保存”，全部修改在一次操作中保存；有误的格子不会保存。</p>
      {preview.notes.length > 0 ? (
        <ul className="preview-notes">
          {preview.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
      {preview.rows.length > 0 ? (
        <div className="table-scroll">
          <table className="preview-table">
            <TableHead columns={["编号", "工作任务", "项目", "原值", "新值"]} />
            <tbody>
              {preview.rows.flatMap((row) => [
                ...row.changes.map((change, i) => (
                  <tr key={`${row.taskId}-${change.field}`} className="preview-change">
                    {i === 0 ? <td rowSpan={row.changes.length + row.refused.length}>{row.code}</td> : null}
                    {i === 0 ? <td rowSpan={row.changes.length + row.refused.length}>{row.title}</td> : null}
                    <th scope="row">{FIELD_LABELS[change.field]}</th>
                    <td className="old-value">{change.before || "（空）"}</td>
                    <td className="new-value">{change.after || "（空）"}</td>
                  </tr>
                )),
                ...row.refused.map((refusal, i) => (
                  <tr key={`${row.taskId}-${refusal.field}-refused`} className="preview-refused">
                    {i === 0 && row.changes.length === 0 ? <td rowSpan={row.refused.length}>{row.code}</td> : null}
                    {i === 0 && row.changes.length === 0 ? <td rowSpan={row.refused.length}>{row.title}</td> : null}
                    <th scope="row">{FIELD_LABELS[refusal.field]}</th>
                    <td className="old-value">{refusal.raw || "（空）"}</td>
                    <td className="refusal">
                      <span aria-hidden="true">✕ </span>
                      {refusal.message}
                    </td>
                  </tr>
                )),
              ])}
            </tbody>
          </table>
        </div>
      ) : null}
      {preview.newRows.length > 0 ? (
        <>
          <h3>新增重点工作（表格中没有任务ID的行）</h3>
          <ul className="preview-new">
            {preview.newRows.map((row) => (
              <li key={row.line}>
                第{row.line}行：<strong>{row.values.title}</strong>
                {row.cells
                  .filter((c) => c.field !== "title")
                  .map((c) => `；${FIELD_LABELS[c.field]}：${c.after}`)
                  .join("")}
                {row.refused.map((r) => (
                  <span key={r.field} className="refusal">
                    ；{FIELD_LABELS[r.field]}「{r.raw}」：{r.message}
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <div className="dialog-actions">
        {nothing ? (
          <p>没有需要保存的修改。</p>
        ) : (
          <Form method="post" preventScrollReset>
            <input type="hidden" name="intent" value="apply" />
            <input type="hidden" name="year" value={year} />
            <input type="hidden" name="payload" value={preview.payload} />
            <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
              确认保存
            </button>
          </Form>
        )}
        <Link to={`/ledger?year=${year}`} className="button secondary" preventScrollReset>
          {nothing ? "关闭" : "放弃"}
        </Link>
      </div>
    </section>
  );
}
