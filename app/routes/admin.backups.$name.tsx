import type { LoaderFunctionArgs } from "@remix-run/node";
import { backupDownload } from "~/models/backups.server";
import { requireUser } from "~/utils/auth.server";

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "admin");
  return backupDownload(args.params.name ?? "");
}
