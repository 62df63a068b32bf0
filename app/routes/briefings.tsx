// 督办通报: leaders pick a finished week or month of the plan, issue its 通报 (numbered within
// the year; the same period again gives back the same issue), read it here and download it as
// a 公文 .docx or as short Markdown. Past issues are listed with their figures.
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField } from "~/components/select-field";
import { YearPicker } from "~/components/year-picker";
import {
  briefingLines,
  briefingTitle,
  finishedPeriods,
  parsePeriod,
  PERIOD_KIND_LABELS,
  type BriefingPeriod,
  type PeriodKind,
} from "~/lib/briefing";
import { badRequest } from "~/lib/refusal";
import { parseRowId } from "~/lib/row-id";
import { formatDateTime } from "~/lib/weeks";
import { getBriefing, issueBriefing, listBriefings, periodProblem } from "~/models/briefings.server";
import { getPlan } from "~/models/plans.server";
import { loadPlanPage } from "~/utils/plan-page.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { readForm, readIntent } from "~/utils/forms.server";
import type { PageHandle } from "~/utils/kept-page";
import briefingStyles from "~/styles/briefings.css";
import { SAME_ORIGIN_REFERRER } from "~/components/page-meta";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: briefingStyles }];

export const handle: PageHandle = { keptWhileUnchanged: true };

export const meta: MetaFunction = () => [{ title: "督办通报 · 年度重点工作看板" }, SAME_ORIGIN_REFERRER];

/** The plan's finished periods of a kind, newest first (up to the year's end). */
function choices(kind: PeriodKind, year: number, today: string): BriefingPeriod[] {
  const anchor = today > `${year}-12-31` ? `${year + 1}-01-01` : today;
  const plan = { year };
  return finishedPeriods(kind, anchor, kind === "week" ? 54 : 12).filter((p) => periodProblem(plan, p, today) === null);
}

export async function loader(args: LoaderFunctionArgs) {
  const { url, db, today, plan, years } = await loadPlanPage(args, "urge");
  if (!plan) return { plan: null, years, weeks: [], months: [], issues: [], shown: null, created: false };
  const issues = (await listBriefings(db, plan.id)).map((b) => ({
    id: b.id,
    number: b.number,
    kind: b.kind,
    periodKey: b.periodKey,
    title: briefingTitle(b.content),
    period: b.content.period.label,
    totals: b.content.totals,
    issuedAt: b.issuedAt,
    issuedBy: b.issuedBy,
  }));
  const shownId = parseRowId(url.searchParams.get("issue"));
  const shownIssue = shownId ? await getBriefing(db, shownId) : null;
  const shown =
    shownIssue && issues.some((i) => i.id === shownIssue.id)
      ? { id: shownIssue.id, title: briefingTitle(shownIssue.content), lines: briefingLines(shownIssue.content) }
      : null;
  return {
    plan: { id: plan.id, year: plan.year, organization: plan.organization },
    years,
    weeks: choices("week", plan.year, today).map((p) => ({ key: p.key, label: p.label })),
    months: choices("month", plan.year, today).map((p) => ({ key: p.key, label: p.label })),
    issues,
    shown,
    created: url.searchParams.get("new") === "1",
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args, "urge");
  const formData = await readForm(args.request);
  const intent = readIntent(formData, ["issue", "regenerate"] as const);
  const db = getDb();
  const planId = parseRowId(formData.get("planId"));
  const plan = planId ? await getPlan(db, planId) : null;
  if (!plan) badRequest("没有找到该年度计划，请刷新页面后重试。");
  const kind = String(formData.get("kind") ?? "");
  const key = String(formData.get(kind === "month" ? "month" : "week") ?? formData.get("key") ?? "");
  const period = parsePeriod(kind, key);
  if (!period) badRequest("请选择要通报的周或月。");
  const { briefing, created } = await issueBriefing(db, user, plan, period, new Date(), { regenerate: intent === "regenerate" });
  return redirect(`/briefings?year=${plan.year}&issue=${briefing.id}${created ? "&new=1" : ""}#issue`);
}

function Totals({ totals }: { totals: { red: number; yellow: number; doneInPeriod: number; extended: number } }) {
  return (
    <span className="briefing-totals">
      <span className="light-word light-red">
        <span aria-hidden="true">■</span> 红灯{totals.red}
      </span>
      <span className="light-word light-yellow">
        <span aria-hidden="true">▲</span> 黄灯{totals.yellow}
      </span>
      <span>销号{totals.doneInPeriod}</span>
      <span>延期{totals.extended}</span>
    </span>
  );
}

function PeriodForm({ planId, kind, options }: { planId: number; kind: PeriodKind; options: { key: string; label: string }[] }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("kind") === kind;
  return (
    <Form method="post" className="briefing-form">
      <input type="hidden" name="intent" value="issue" />
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="kind" value={kind} />
      <SelectField
        id={`briefing-${kind}`}
        name={kind}
        label={kind === "week" ? "按周（周报）" : "按月（月报）"}
        options={options.map((o) => ({ value: o.key, label: o.label }))}
        disabled={options.length === 0}
      />
      <button type="submit" className="button primary" disabled={busy || options.length === 0}>
        {busy ? "正在生成…" : `出具${PERIOD_KIND_LABELS[kind]}`}
      </button>
    </Form>
  );
}

export default function BriefingsPage() {
  const { plan, years, weeks, months, issues, shown, created } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  if (!plan) {
    return (
      <section className="page">
        <h1>督办通报</h1>
        <p className="muted">还没有年度计划。</p>
      </section>
    );
  }
  const shownIssue = shown ? issues.find((i) => i.id === shown.id) : null;
  return (
    <section className="page briefings-page">
      <header className="page-head">
        <h1>督办通报 · {plan.year}年</h1>
        <YearPicker years={years} current={plan.year} to={(year) => `/briefings?year=${year}`} />
      </header>
      <p className="muted">
        选择已经结束的一周或一个月，按当期最后一天的督办灯生成《{plan.organization}
        重点工作督办通报》：总体情况、红灯和黄灯事项、未按时填报的单位、经批准延期和本期销号的事项。期号按年度连续编排；同一期间再次出具，仍是原来那一期。
      </p>

      <div className="briefing-forms">
        <PeriodForm planId={plan.id} kind="week" options={weeks} />
        <PeriodForm planId={plan.id} kind="month" options={months} />
      </div>
      {weeks.length === 0 && months.length === 0 ? <p className="muted">本年度还没有已经结束的周或月。</p> : null}

      {shown && shownIssue ? (
        <section className="briefing-preview" id="issue" aria-labelledby="issue-title">
          {created ? (
            <p className="notice" role="status">
              已出具第{shownIssue.number}期。
            </p>
          ) : null}
          <div className="briefing-actions">
            <a className="button primary" href={`/briefings/${shown.id}/docx`} download>
              下载 .docx（公文格式）
            </a>
            <a className="button secondary" href={`/briefings/${shown.id}/md`} download>
              下载简版（Markdown）
            </a>
            <Form method="post">
              <input type="hidden" name="intent" value="regenerate" />
              <input type="hidden" name="planId" value={plan.id} />
              <input type="hidden" name="kind" value={shownIssue.kind} />
              <input type="hidden" name="key" value={shownIssue.periodKey} />
              <button type="submit" className="button secondary" disabled={navigation.state === "submitting"}>
                按最新数据重新生成（期号不变）
              </button>
            </Form>
          </div>
          <article className="briefing-document" lang="zh-CN">
            {shown.lines.map((line, index) =>
              line.kind === "title" ? (
                index === 0 ? (
                  <h2 key={index} id="issue-title" className="briefing-title">
                    {line.text}
                  </h2>
                ) : (
                  <p key={index} className="briefing-title">
                    {line.text}
                  </p>
                )
              ) : line.kind === "heading1" ? (
                <h3 key={index}>{line.text}</h3>
              ) : (
                <p key={index} className={line.kind === "signature" ? "briefing-signature" : undefined}>
                  {line.text}
                </p>
              ),
            )}
          </article>
        </section>
      ) : null}

      <section aria-labelledby="issues-title">
        <h2 id="issues-title">已出具的通报</h2>
        {issues.length === 0 ? (
          <p className="muted">本年度还没有出具督办通报。</p>
        ) : (
          <ul className="plain-list briefing-list">
            {issues.map((issue) => (
              <li key={issue.id} className={shown?.id === issue.id ? "is-current" : undefined}>
                <Link
                  to={`/briefings?year=${plan.year}&issue=${issue.id}#issue`}
                  aria-current={shown?.id === issue.id ? "true" : undefined}
                >
                  第{issue.number}期 · {issue.period}
                </Link>
                <Totals totals={issue.totals} />
                <span className="small muted">
                  {issue.issuedBy ?? "系统"} · <time dateTime={issue.issuedAt}>{formatDateTime(issue.issuedAt)}</time>
                </span>
                <span className="briefing-downloads">
                  <a href={`/briefings/${issue.id}/docx`} download aria-label={`下载第${issue.number}期 .docx`}>
                    .docx
                  </a>
                  <a href={`/briefings/${issue.id}/md`} download aria-label={`下载第${issue.number}期简版`}>
                    简版
                  </a>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
