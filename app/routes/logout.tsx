import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { assertSameOrigin } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { requestIsHttps } from "~/utils/https.server";
import { blankSessionCookie, invalidateSession, readSessionToken, sessionIdFromToken } from "~/utils/session.server";

export async function loader() {
  // Logging out changes state, so it only happens by POST; a GET just goes home.
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const token = readSessionToken(request);
  if (token) await invalidateSession(getDb(), sessionIdFromToken(token));
  return redirect("/login", { headers: { "Set-Cookie": blankSessionCookie(requestIsHttps({ request, context })) } });
}
