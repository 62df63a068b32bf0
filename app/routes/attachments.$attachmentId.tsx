// Download of one 佐证材料: only for signed-in users who may read tasks (everyone with an
// account); files live outside public/, so this check is the only way to them.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { readAttachment } from "~/models/attachments.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { rowIdParam } from "~/utils/http.server";
import { notFound } from "~/lib/refusal";

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "read");
  const id = rowIdParam(args.params.attachmentId, "没有找到这个佐证材料。");
  const file = await readAttachment(getDb(), id);
  if (!file) notFound("没有找到这个佐证材料，它可能已被删除。");
  // Types were checked by their first bytes on upload, so images and PDFs open in the browser.
  const inline = file.contentType.startsWith("image/") || file.contentType === "application/pdf";
  return new Response(new Uint8Array(file.body), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.body.byteLength),
      "Content-Disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, max-age=3600",
    },
  });
}
