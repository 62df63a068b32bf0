// The board's cheap live check: the plan's change counter, ~30 bytes. With If-None-Match the
// answer is an empty 304 when nothing changed; the browser's cache then hands the page the
// body it already had, so the board compares and revalidates only when the counter moved.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseRowId } from "~/lib/row-id";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { getChangeSeq } from "~/models/plans.server";
import { badRequest, notFound } from "~/lib/refusal";

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "read");
  const planId = parseRowId(new URL(args.request.url).searchParams.get("plan")) ?? badRequest("缺少年度计划编号。");
  const seq = await getChangeSeq(getDb(), planId);
  if (seq == null) notFound("没有找到该年度计划。");
  const etag = `W/"plan-${planId}-${seq}"`;
  const headers = {
    ETag: etag,
    // Always ask again, but let the browser keep the body for 304s; never shared caches.
    "Cache-Control": "private, no-cache",
    Vary: "Cookie",
  };
  if (args.request.headers.get("If-None-Match") === etag) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(JSON.stringify({ seq }), {
    status: 200,
    headers: { ...headers, "Content-Type": "application/json; charset=utf-8" },
  });
}
