// GET /ledger.xlsx?year=2025 — the 计划台账 as an .xlsx to fill in Excel or WPS and import back
// on the 台账 page (hidden columns carry each row's task id and version).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { attachmentDisposition } from "~/lib/kpi-ledger";
import { badRequest, notFound } from "~/lib/refusal";
import { parsePlanYear } from "~/lib/row-id";
import { findPlan, todayKey } from "~/models/plans.server";
import { loadLedgerRefs, loadLedgerRows } from "~/routes/ledger/queries.server";
import { buildLedgerXlsx } from "~/routes/ledger/xlsx.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "tasks.manage");
  const url = new URL(args.request.url);
  const yearParam = url.searchParams.get("year");
  const year = yearParam ? parsePlanYear(yearParam) : null;
  if (yearParam && year == null) badRequest("年度无效。");
  const db = getDb();
  const today = todayKey();
  const plan = await findPlan(db, year, today);
  if (!plan) notFound(year ? `没有${year}年度计划。` : "还没有年度计划。");
  const [rows, refs] = await Promise.all([loadLedgerRows(db, plan.id), loadLedgerRefs(db, plan.year)]);
  const body = await buildLedgerXlsx(`${plan.organization}${plan.year}年计划台账`, rows, refs);
  return new Response(new Uint8Array(body), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": attachmentDisposition(`${plan.organization}${plan.year}年计划台账_${today}.xlsx`),
      "Content-Length": String(body.byteLength),
      "Cache-Control": "private, no-store",
    },
  });
}
