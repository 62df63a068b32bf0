// GET /kpi/ledger.xlsx?year=2025&week=2025-W26 — the 工作台账 for leaders and admins.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { attachmentDisposition, ledgerFileName } from "~/lib/kpi-ledger";
import { isWeekKey, weekKeyOf } from "~/lib/weeks";
import { buildLedgerWorkbook } from "~/routes/kpi/ledger.server";
import { lastFinishedWeeks, planWeeks } from "~/routes/kpi/queries.server";
import { loadLedger } from "~/routes/kpi/ledger-data.server";
import { loadLedgerRefs, loadLedgerRows } from "~/routes/ledger/queries.server";
import { addLedgerSheet } from "~/routes/ledger/xlsx.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { findPlan, todayKey } from "~/models/plans.server";
import { badRequest, notFound, isRefusal } from "~/lib/refusal";

/**
 * A download link has no page around it to show an error boundary: a refused download answers
 * with a small Chinese page saying why, with the same status, instead of Remix's JSON.
 */
export async function loader(args: LoaderFunctionArgs) {
  try {
    return await ledgerResponse(args);
  } catch (thrown) {
    const failure = asFailure(thrown);
    if (!failure) throw thrown;
    return new Response(errorPage(failure.status, failure.message), {
      status: failure.status,
      headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
}

function asFailure(thrown: unknown): { status: number; message: string } | null {
  return isRefusal(thrown) ? { status: thrown.status, message: thrown.message } : null;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function errorPage(status: number, message: string): string {
  return (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>无法导出工作台账</title></head><body><h1>无法导出工作台账（${status}）</h1><p>${escapeHtml(message)}</p>` +
    '<p><a href="/kpi">返回指标对比</a></p></body></html>'
  );
}

async function ledgerResponse(args: LoaderFunctionArgs): Promise<Response> {
  await requireUser(args, "summary.manage");
  const url = new URL(args.request.url);
  const db = getDb();
  const now = new Date();
  const today = todayKey(now);
  const yearParam = url.searchParams.get("year");
  if (yearParam !== null && !/^\d{4}$/.test(yearParam)) badRequest("年度无效，请回到指标页重新导出。");
  const plan = await findPlan(db, yearParam ? Number(yearParam) : null, today);
  if (!plan) notFound(yearParam ? `没有${yearParam}年度计划，无法导出工作台账。` : "还没有年度计划，无法导出工作台账。");

  const weeks = planWeeks(plan.year, today);
  const thisWeek = weekKeyOf(today);
  const week =
    url.searchParams.get("week") ??
    (weeks.includes(thisWeek) ? thisWeek : (lastFinishedWeeks(plan.year, today).at(-1) ?? weeks.at(-1) ?? null));
  if (!week) badRequest(`${plan.year}年度尚未开始，没有可导出的填报周次。`);
  if (!isWeekKey(week) || !weeks.includes(week)) {
    badRequest(`周次无效：请选择${plan.year}年度内、不晚于本周的周次后重新导出。`);
  }

  const [ledger, planRows, refs] = await Promise.all([
    loadLedger(db, plan, week, now),
    loadLedgerRows(db, plan.id),
    loadLedgerRefs(db, plan.year),
  ]);
  // The 计划台账 sheet makes this file importable on the 计划台账 page (its hidden ids tie rows to tasks).
  const body = await buildLedgerWorkbook(ledger, now, (book) => addLedgerSheet(book, planRows, refs));
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": attachmentDisposition(ledgerFileName(plan.organization, plan.year, today)),
      "Content-Length": String(body.byteLength),
      "Cache-Control": "private, no-store",
    },
  });
}
