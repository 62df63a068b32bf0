// 填报情况: for a chosen week, the task × unit matrix of who has reported (已填报), reported
// after the week (补报) or not at all (未填报), counts per unit, 催办 per missing cell or for
// all at once, and an .xlsx export of the list.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { STATUS_LABELS } from "~/lib/board";
import { CELL_STATUS_LABELS } from "~/lib/updates";
import { formatDateTime, isWeekKey, weekKeyOf, weekLabel, weeksBetween } from "~/lib/weeks";
import { defaultUrgeNote, urgeMany, urgeUnit } from "~/models/comments.server";
import { getWeekMatrix } from "~/models/reports.server";
import { MatrixUrgeAllSchema, MatrixUrgeSchema } from "~/routes/tasks.$taskId.update/update-forms.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm, readIntent } from "~/utils/forms.server";
import { loadPlanPage } from "~/utils/plan-page.server";
import type { PageHandle } from "~/utils/kept-page";
import { YearPicker } from "~/components/year-picker";
import { badRequest } from "~/lib/refusal";
import { DataTable } from "~/components/data-table";
import { SAME_ORIGIN_REFERRER } from "~/components/page-meta";

export const handle: PageHandle = { keptWhileUnchanged: true };

export const meta: MetaFunction = () => [{ title: "填报情况 · 年度重点工作看板" }, SAME_ORIGIN_REFERRER];

/** Weeks the matrix can show for a plan: from its first week to this week (newest first). */
function planWeeks(year: number, now: Date): string[] {
  const first = weekKeyOf(`${year}-01-01`);
  const current = weekKeyOf(now);
  return current < first ? [first] : weeksBetween(first, current).reverse();
}

export async function loader(args: LoaderFunctionArgs) {
  const now = new Date();
  const { url, db, plan, years } = await loadPlanPage(args, "urge", now);
  if (!plan) return { plan: null, years, weeks: [] as string[], matrix: null, currentWeek: weekKeyOf(now) };
  const weeks = planWeeks(plan.year, now);
  const asked = url.searchParams.get("week") ?? "";
  const week = isWeekKey(asked) && weeks.includes(asked) ? asked : weeks[0];
  const matrix = await getWeekMatrix(db, plan.id, week, now);
  return {
    plan: { id: plan.id, year: plan.year, title: plan.title, status: plan.status },
    years,
    weeks,
    matrix,
    currentWeek: weekKeyOf(now),
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args, "urge");
  const formData = await readForm(args.request);
  const intent = readIntent(formData, ["urge", "urgeAll"] as const);
  const db = getDb();
  const now = new Date();
  if (intent === "urge") {
    const parsed = parseForm(formData, MatrixUrgeSchema);
    if (!parsed.ok) return badRequest(Object.values(parsed.errors)[0]);
    const { cell, week } = parsed.data;
    const result = await urgeUnit(db, user, { ...cell, note: defaultUrgeNote(week) }, now);
    return data(
      result.ok
        ? { ok: true, message: `已催办${result.unitName}。对方会在“我的待办”中看到。` }
        : {
            ok: false,
            message: `今天已经催办过${result.unitName}（${formatDateTime(result.lastAt)}），同一单位同一项工作一天只催办一次。`,
          },
      { status: result.ok ? 200 : 429 },
    );
  }
  const parsed = parseForm(formData, MatrixUrgeAllSchema);
  if (!parsed.ok) return badRequest(Object.values(parsed.errors)[0]);
  const { planId, week } = parsed.data;
  if (!isWeekKey(week)) badRequest("周次无效，请刷新页面后重试。");
  const matrix = await getWeekMatrix(db, planId, week, now);
  const missing = matrix.rows.flatMap((row) =>
    row.cells.filter((c) => c.status === "missing").map((c) => ({ taskId: c.taskId, unitId: c.unitId })),
  );
  if (missing.length === 0) return { ok: true, message: "这一周没有未填报的单位。" };
  const { sent, skipped } = await urgeMany(db, user, missing, defaultUrgeNote(week), now);
  return {
    ok: true,
    message: `已催办${sent}项${skipped ? `；另有${skipped}项今天已催办过，未重复催办` : ""}。`,
  };
}

export default function ReportsPage() {
  const { plan, years, weeks, matrix, currentWeek } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";

  if (!plan || !matrix) {
    return (
      <section className="page">
        <h1>填报情况</h1>
        <div className="empty-state">
          <p className="empty-title">还没有年度计划</p>
          <p>建立年度计划并分配重点工作后，这里会显示各单位每周的填报情况。</p>
        </div>
      </section>
    );
  }

  const week = matrix.week;
  const index = weeks.indexOf(week);
  const newer = index > 0 ? weeks[index - 1] : null;
  const older = index < weeks.length - 1 ? weeks[index + 1] : null;
  const unitName = new Map(matrix.units.map((u) => [u.id, u.name]));
  const search = (w: string) => `?year=${plan.year}&week=${w}`;

  return (
    <section className="page reports-page">
      <header className="page-head reports-head">
        <div>
          <h1>填报情况</h1>
          <p className="muted small">
            {plan.title} · {weekLabel(week, plan.year)}
            {week === currentWeek ? "（本周，尚未结束）" : ""}
          </p>
        </div>
        <YearPicker years={years} current={plan.year} to={(year) => `?year=${year}`} />
      </header>

      <Form method="get" className="week-picker" aria-label="选择周次">
        <input type="hidden" name="year" value={plan.year} />
        {older ? (
          <Link className="button secondary" to={search(older)} aria-label="上一周">
            ‹ 上一周
          </Link>
        ) : null}
        <label className="field">
          <span className="visually-hidden">周次</span>
          <select name="week" defaultValue={week}>
            {weeks.map((w) => (
              <option key={w} value={w}>
                {weekLabel(w, plan.year)}
                {w === currentWeek ? " · 本周" : ""}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button secondary">
          查看
        </button>
        {newer ? (
          <Link className="button secondary" to={search(newer)} aria-label="下一周">
            下一周 ›
          </Link>
        ) : null}
      </Form>

      {result ? (
        <p className={result.ok ? "notice" : "form-error"} role="status">
          {result.message}
        </p>
      ) : null}

      <div className="report-totals" aria-label="本周合计">
        <span className="cell-reported">
          <span aria-hidden="true">{CELL_STATUS_LABELS.reported.shape}</span> 已填报 {matrix.totals.reported}
        </span>
        <span className="cell-late">
          <span aria-hidden="true">{CELL_STATUS_LABELS.late.shape}</span> 补报 {matrix.totals.late}
        </span>
        <span className="cell-missing">
          <span aria-hidden="true">{CELL_STATUS_LABELS.missing.shape}</span> 未填报 {matrix.totals.missing}
        </span>
        <span className="report-actions">
          <a className="button secondary" href={`/reports/export${search(week)}`} download>
            导出名单（Excel）
          </a>
          {matrix.totals.missing > 0 && plan.status === "active" ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="urgeAll" />
              <input type="hidden" name="planId" value={plan.id} />
              <input type="hidden" name="week" value={week} />
              <button type="submit" className="button primary" disabled={busy}>
                {busy ? "正在催办…" : `一键催办全部未填报（${matrix.totals.missing}）`}
              </button>
            </Form>
          ) : null}
        </span>
      </div>

      {matrix.rows.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">这一周没有需要填报的重点工作</p>
          <p>已销号、待验收或尚未开始的重点工作不需要每周填报。</p>
        </div>
      ) : (
        <>
          <h2>各单位情况</h2>
          <DataTable label="各单位填报情况表" className="unit-counts" columns={["单位", "已填报", "补报", "未填报"]}>
            {matrix.units.map((u) => (
              <tr key={u.id} className={u.missing > 0 ? "has-missing" : undefined}>
                <th scope="row">{u.name}</th>
                <td>{u.reported}</td>
                <td>{u.late}</td>
                <td>{u.missing > 0 ? <strong>{u.missing}</strong> : 0}</td>
              </tr>
            ))}
          </DataTable>

          <h2>重点工作 × 单位</h2>
          <div className="table-scroll matrix-scroll">
            <table className="table report-matrix">
              <thead>
                <tr>
                  <th scope="col" className="matrix-task">
                    重点工作
                  </th>
                  {matrix.units.map((u) => (
                    <th scope="col" key={u.id}>
                      {u.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {matrix.rows.map((row) => (
                  <tr key={row.taskId}>
                    <th scope="row" className="matrix-task">
                      <Link to={`/board/${row.taskId}?year=${plan.year}`}>
                        <span className="task-code">{row.code}</span> {row.title}
                      </Link>
                      <span className="muted small"> · {STATUS_LABELS[row.status]}</span>
                    </th>
                    {matrix.units.map((u) => {
                      const cell = row.cells.find((c) => c.unitId === u.id);
                      if (!cell) {
                        return (
                          <td key={u.id} className="cell-none">
                            <span className="visually-hidden">不涉及</span>
                          </td>
                        );
                      }
                      const label = CELL_STATUS_LABELS[cell.status];
                      return (
                        <td key={u.id} className={`cell-${cell.status}`}>
                          <span className="cell-status">
                            <span aria-hidden="true">{label.shape}</span> {label.word}
                            {cell.progress != null ? ` ${cell.progress}%` : ""}
                          </span>
                          {cell.role === "lead" ? <span className="small muted"> 牵头</span> : null}
                          {cell.status === "missing" && plan.status === "active" ? (
                            cell.urgedRecently ? (
                              <span className="small muted cell-note">今日已催办</span>
                            ) : (
                              <Form method="post" className="cell-urge">
                                <input type="hidden" name="intent" value="urge" />
                                <input type="hidden" name="cell" value={`${cell.taskId}:${cell.unitId}`} />
                                <input type="hidden" name="week" value={week} />
                                <button
                                  type="submit"
                                  className="button secondary small"
                                  disabled={busy}
                                  aria-label={`催办${unitName.get(u.id)}：${row.code}`}
                                >
                                  催办
                                </button>
                              </Form>
                            )
                          ) : null}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p className="muted small">
        已填报：该周内提交；补报：该周结束后才提交；未填报：尚未提交。销号之后、未到开始时间以及本周处于待验收的重点工作不计入。
        {week === currentWeek ? "本周截至周日24时，之后提交的记为补报。" : ""}
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
