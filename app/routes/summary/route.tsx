import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { diffDocuments } from "~/lib/summary/diff";
import { SECTION_KEYS, type SectionKey } from "~/lib/summary/types";
import { formatDateTime } from "~/lib/weeks";
import { getLatestSummary, getSummaryVersion, listSummaryVersions } from "~/routes/summary/summary.server";
import summaryStyles from "~/styles/summary.css";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";
import { can } from "~/utils/permissions";
import type { PageHandle } from "~/utils/kept-page";
import { handleSummaryAction } from "~/routes/summary/actions.server";
import { DocumentView } from "~/routes/summary/document-view";
import { DiffView, VersionsPanel } from "~/routes/summary/versions";
import { GenerateForm, IntentForm } from "~/routes/summary/form-actions";
import { parsePlanYear, parseRowId } from "~/lib/row-id";
import { findPlanByYear, findSummaryPlan, listPlanYears } from "~/models/plans.server";
import { YearPicker } from "~/components/year-picker";
import { planPageTitle } from "~/components/page-meta";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: summaryStyles }];

export const handle: PageHandle = { keptWhileUnchanged: true };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: planPageTitle(data?.plan, "总结草稿") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args, "read");
  const url = new URL(args.request.url);
  const db = getDb();
  const canEdit = can(user, "summary.manage");
  const years = await listPlanYears(db);
  const plan = await findSummaryPlan(db, parsePlanYear(url.searchParams.get("year")));
  if (!plan) return { canEdit, years, plan: null, latest: null, versions: [], editKey: null, compare: null, nextPlanExists: false };

  const [latest, versions] = await Promise.all([getLatestSummary(db, plan.id), listSummaryVersions(db, plan.id)]);
  const editParam = url.searchParams.get("edit");
  const editKey = canEdit && latest ? (SECTION_KEYS.find((k) => k === editParam) ?? null) : null;

  let compare = null;
  const from = parseRowId(url.searchParams.get("from"));
  const to = parseRowId(url.searchParams.get("to"));
  if (from && to) {
    const [a, b] = await Promise.all([getSummaryVersion(db, plan.id, from), getSummaryVersion(db, plan.id, to)]);
    compare = a && b ? { from, to, sections: diffDocuments(a.content.document, b.content.document) } : { from, to, sections: null };
  }
  const nextPlanExists = Boolean(await findPlanByYear(db, plan.year + 1));
  return {
    canEdit,
    years,
    plan: { id: plan.id, year: plan.year, organization: plan.organization },
    latest: latest && {
      version: latest.version,
      status: latest.status,
      authorName: latest.authorName,
      savedAt: latest.content.savedAt,
      note: latest.content.note,
      document: latest.content.document,
      revs: latest.content.revs,
    },
    versions: versions.map((v) => ({
      version: v.version,
      status: v.status,
      authorName: v.authorName,
      createdAt: v.createdAt,
      savedAt: v.content.savedAt,
      note: v.content.note,
    })),
    editKey,
    compare,
    nextPlanExists,
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args, "summary.manage");
  const formData = await readForm(args.request, { maxFields: 1000 });
  return handleSummaryAction(user, formData);
}

/** The draft's downloads, in the toolbar's order: the .docx in 公文 layout, plain text, Markdown. */
const EXPORT_FORMATS = [
  ["docx", "Word 公文（.docx）"],
  ["txt", "纯文本（.txt）"],
  ["md", "Markdown（.md）"],
] as const;

export default function SummaryPage() {
  const { canEdit, years, plan, latest, versions, editKey, compare, nextPlanExists } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();

  if (!plan) {
    return (
      <section className="page summary-page">
        <h1>年度总结草稿</h1>
        <div className="empty-state">
          <p className="empty-title">还没有年度计划</p>
          <p>
            总结草稿根据年度计划的任务和指标生成。
            {canEdit ? <Link to="/import">先导入上一年的工作总结</Link> : "请联系街道领导创建年度计划。"}
          </p>
        </div>
      </section>
    );
  }

  const exportBase = `/summary/export`;
  return (
    <section className="page summary-page">
      <header className="summary-head">
        <div>
          <h1>{plan.year}年度总结草稿</h1>
          {latest ? (
            <p className="muted small summary-status" aria-live="polite">
              当前版本 {latest.version} · {latest.status === "final" ? <strong className="badge-final">已定稿</strong> : "草稿"} ·{" "}
              {latest.authorName ?? "系统"} · {formatDateTime(latest.savedAt)} · {latest.note}
            </p>
          ) : null}
        </div>
        <YearPicker years={years} current={plan.year} to={(year) => `/summary?year=${year}`} />
      </header>

      {!latest ? (
        <div className="empty-state">
          <p className="empty-title">{plan.year}年还没有总结草稿</p>
          {canEdit ? (
            <>
              <p>根据本年度的任务进展、指标完成情况和基层反映的困难问题，按上一年工作总结的结构生成初稿；生成后可逐段修改。</p>
              <GenerateForm year={plan.year} expectedVersion={0} className="button primary" />
            </>
          ) : (
            <p>街道领导生成草稿后，这里会显示全文。</p>
          )}
        </div>
      ) : (
        <>
          {canEdit ? (
            <div className="summary-toolbar no-print" role="group" aria-label="导出与操作">
              <span className="toolbar-label">导出：</span>
              {EXPORT_FORMATS.map(([format, label]) => (
                <a key={format} className="button secondary small" href={`${exportBase}/${format}?year=${plan.year}`} download>
                  {label}
                </a>
              ))}
              {
                <span className="toolbar-actions">
                  <GenerateForm year={plan.year} expectedVersion={latest.version} className="button secondary small" />
                  {latest.status === "draft" ? (
                    <IntentForm
                      intent="finalize"
                      year={plan.year}
                      fields={{ expectedLatest: latest.version }}
                      label="定稿"
                      pendingLabel="正在定稿…"
                      className="button primary small"
                    />
                  ) : nextPlanExists ? (
                    <Link className="button secondary small" to={`/board?year=${plan.year + 1}`}>
                      查看{plan.year + 1}年看板
                    </Link>
                  ) : (
                    <Link className="button primary small" to={`/summary/next-year?year=${plan.year}`}>
                      开启{plan.year + 1}年度
                    </Link>
                  )}
                  {!nextPlanExists ? (
                    <Link className="button secondary small" to={`/summary/outline?year=${plan.year}`}>
                      {plan.year + 1}年工作思路
                    </Link>
                  ) : null}
                </span>
              }
            </div>
          ) : null}
          {canEdit && latest.status === "final" ? (
            <p className="notice no-print">已定稿。继续修改会产生新的草稿版本，开启下一年度前需再次定稿。</p>
          ) : null}

          {compare ? <DiffView compare={compare} year={plan.year} /> : null}

          <DocumentView
            document={latest.document}
            revs={latest.revs}
            year={plan.year}
            canEdit={canEdit}
            editKey={editKey as SectionKey | null}
            search={searchParams.toString()}
          />

          <VersionsPanel versions={versions} latestVersion={latest.version} year={plan.year} canEdit={canEdit} compare={compare} />
        </>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
