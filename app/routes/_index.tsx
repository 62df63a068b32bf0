import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/utils/auth.server";

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args);
  return redirect("/board");
}
