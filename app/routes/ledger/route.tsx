// 计划台账: the plan as one spreadsheet — a row per task, grouped by category. Leaders and
// admins edit cells in place (each save one small request with the row's version), change many
// rows at once, paste blocks from Excel/WPS and take the exported .xlsx back, each previewed
// before anything is saved. Without JavaScript every row is its own form.
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { NoPlanPage, YearPicker } from "~/components/year-picker";
import { planPageTitle } from "~/components/page-meta";
import { parsePlanYear } from "~/lib/row-id";
import { badRequest, forbidden, notFound } from "~/lib/refusal";
import { findPlanAndYears, todayKey } from "~/models/plans.server";
import ledgerStyles from "~/styles/ledger.css";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { readForm, readIntent } from "~/utils/forms.server";
import { can } from "~/utils/permissions";
import type { PageHandle } from "~/utils/kept-page";
import {
  applyPreview,
  previewImport,
  previewPaste,
  saveBulk,
  saveCell,
  saveRow,
  type LedgerActionData,
} from "~/routes/ledger/actions.server";
import { loadLedgerRefs, loadLedgerRows } from "~/routes/ledger/queries.server";
import { LedgerGrid } from "~/routes/ledger/ledger-grid";
import { PreviewPanel } from "~/routes/ledger/preview-panel";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: ledgerStyles }];

export const handle: PageHandle = { keptWhileUnchanged: true };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: planPageTitle(data?.plan, "计划台账") }];

const INTENTS = ["cell", "row", "bulk", "paste-preview", "import-preview", "apply"] as const;

async function planFor(request: Request, year: number | null) {
  const { plan, years } = await findPlanAndYears(getDb(), year, todayKey());
  return { plan, years, requestedYear: year, url: new URL(request.url) };
}

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args, "read");
  const url = new URL(args.request.url);
  const yearParam = url.searchParams.get("year");
  const year = yearParam ? parsePlanYear(yearParam) : null;
  if (yearParam && year == null) badRequest("年度无效。");
  const { plan, years } = await planFor(args.request, year);
  if (!plan) return { plan: null, years, requestedYear: year, rows: [], refs: null, canEdit: false };
  const db = getDb();
  const [rows, refs] = await Promise.all([loadLedgerRows(db, plan.id), loadLedgerRefs(db, plan.year)]);
  const categories = [...new Set(rows.map((r) => r.category).filter(Boolean))];
  return {
    plan: { id: plan.id, year: plan.year, title: plan.title, archived: plan.status === "archived" },
    years,
    requestedYear: year,
    rows,
    refs: { ...refs, categories },
    canEdit: can(user, "tasks.manage") && plan.status !== "archived",
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args, "tasks.manage");
  const formData = await readForm(args.request);
  const intent = readIntent(formData, INTENTS);
  const year = parsePlanYear(formData.get("year"));
  if (year == null) badRequest("年度无效，请刷新页面后重试。");
  const { plan } = await planFor(args.request, year);
  if (!plan || plan.year !== year) notFound(`没有${year}年度计划。`);
  if (plan.status === "archived") forbidden("该年度计划已归档，不能再修改。");
  const refs = await loadLedgerRefs(getDb(), plan.year);
  switch (intent) {
    case "cell":
      return saveCell(user, plan, refs, formData);
    case "row":
      return saveRow(user, plan, refs, formData);
    case "bulk":
      return saveBulk(user, plan, refs, formData);
    case "paste-preview":
      return previewPaste(plan, refs, formData);
    case "import-preview":
      return previewImport(plan, refs, formData);
    case "apply":
      return applyPreview(user, plan, refs, formData);
  }
}

export default function LedgerPage() {
  const { plan, years, requestedYear, rows, refs, canEdit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as LedgerActionData | undefined;
  const navigation = useNavigation();
  const statusRef = useRef<HTMLDivElement>(null);
  const message =
    actionData && (actionData.intent === "bulk" || actionData.intent === "apply" || (actionData.intent === "preview" && !actionData.ok))
      ? actionData
      : null;

  useEffect(() => {
    if (message && !message.ok) statusRef.current?.focus();
  }, [message]);

  if (!plan || !refs) {
    return (
      <NoPlanPage title="计划台账" requestedYear={requestedYear} years={years} path="/ledger">
        导入上一年度工作总结、建立年度计划后，可在这里像填 Excel 台账一样逐项落实责任领导、责任单位、完成时限和目标。
      </NoPlanPage>
    );
  }

  const preview = actionData?.intent === "preview" && actionData.ok ? actionData.preview : null;
  const busy = navigation.state === "submitting";

  return (
    <section className="page ledger-page">
      <header className="page-head ledger-head">
        <div>
          <h1>{plan.year}年计划台账</h1>
          <p className="ledger-sub">
            共{rows.length}项重点工作
            {plan.archived ? "（已归档，只读）" : canEdit ? "" : "（只读）"}
          </p>
        </div>
        <div className="ledger-tools no-print">
          <YearPicker years={years} current={plan.year} to={(year) => `/ledger?year=${year}`} />
          <a className="button secondary small" href={`/ledger.xlsx?year=${plan.year}`} download>
            导出台账（Excel）
          </a>
          {canEdit ? (
            <Form method="post" encType="multipart/form-data" className="ledger-import" preventScrollReset>
              <input type="hidden" name="intent" value="import-preview" />
              <input type="hidden" name="year" value={plan.year} />
              <label className="file-pick">
                <span>导入修改后的台账</span>
                <input type="file" name="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
              </label>
              <button type="submit" className="button secondary small" disabled={busy}>
                预览导入
              </button>
            </Form>
          ) : null}
        </div>
      </header>

      {canEdit ? (
        <p className="ledger-help no-print">
          方向键、Tab、回车移动；直接输入即开始修改，回车保存，Esc 取消；F2 或双击打开下拉选择。勾选行（Shift 连选，Ctrl+A
          全选）后可统一设置；从 Excel/WPS 复制的多格内容可直接粘贴，保存前先预览。
        </p>
      ) : null}

      <div ref={statusRef} tabIndex={-1} role="status" className="ledger-status">
        {message ? <p className={message.ok ? "notice" : "form-error"}>{message.message}</p> : null}
      </div>

      {preview ? <PreviewPanel preview={preview} year={plan.year} refs={refs} /> : null}

      <LedgerGrid key={plan.id} year={plan.year} rows={rows} refs={refs} canEdit={canEdit} actionData={actionData ?? null} />

      {canEdit ? (
        <details className="paste-fallback no-print">
          <summary>从 Excel/WPS 粘贴一块内容</summary>
          <Form method="post" className="stack" preventScrollReset>
            <input type="hidden" name="intent" value="paste-preview" />
            <input type="hidden" name="year" value={plan.year} />
            <label className="field">
              <span>粘贴内容（每行一项重点工作，各列用 Tab 分隔，与上表列序一致）</span>
              <textarea name="block" rows={5} />
            </label>
            <div className="form-row">
              <label className="field">
                <span>从第几行开始</span>
                <select name="startRow" defaultValue="0">
                  {rows.map((row, index) => (
                    <option key={row.id} value={index}>
                      {row.code} {row.title.slice(0, 16)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span>从哪一列开始</span>
                <select name="startColumn" defaultValue="1">
                  <option value="0">编号</option>
                  <option value="1">工作任务</option>
                  <option value="2">类别</option>
                  <option value="3">责任领导</option>
                  <option value="4">牵头单位</option>
                  <option value="5">配合单位</option>
                  <option value="6">完成时限</option>
                  <option value="7">指标名称</option>
                  <option value="8">目标值</option>
                  <option value="9">计量单位</option>
                </select>
              </label>
            </div>
            <input type="hidden" name="rowIds" value={rows.map((r) => r.id).join(",")} />
            <div>
              <button type="submit" className="button secondary">
                预览粘贴结果
              </button>
            </div>
          </Form>
        </details>
      ) : null}
      <p className="ledger-foot no-print">
        <Link to={`/board?year=${plan.year}`}>到看板查看</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
