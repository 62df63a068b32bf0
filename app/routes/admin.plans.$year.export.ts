// GET /admin/plans/2025/export: the whole plan as one JSON document (admins only).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { planDocumentResponse } from "~/models/plan-transfer.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/lib/refusal";

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "admin");
  const year = args.params.year ?? "";
  if (!/^\d{4}$/.test(year)) notFound("没有找到该年度计划。");
  return planDocumentResponse(getDb(), Number(year));
}
