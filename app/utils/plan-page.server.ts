// What the plan pages (看板, 指标对比, 填报情况 and its export) read first, the same way: the reader
// with the page's right, today's date key, the year the URL asks for (`?year=`), that year's plan
// (else the default plan) and the year list.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { parsePlanYear } from "~/lib/row-id";
import { findPlanAndYears, todayKey } from "~/models/plans.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import type { Permission } from "~/utils/permissions";

export async function loadPlanPage(args: LoaderFunctionArgs, permission: Permission = "read", now: Date = new Date()) {
  const user = await requireUser(args, permission);
  const url = new URL(args.request.url);
  const db = getDb();
  const today = todayKey(now);
  const requestedYear = parsePlanYear(url.searchParams.get("year"));
  const { plan, years } = await findPlanAndYears(db, requestedYear, today);
  return { user, url, db, today, requestedYear, plan, years };
}
