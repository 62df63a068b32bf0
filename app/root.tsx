import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { AppShell } from "~/components/app-shell";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { countTodoReusing } from "~/models/todo.server";
import { getCurrentUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { useNonce } from "~/utils/nonce";
import { readOnlyScope } from "~/utils/while-unchanged.server";
import type { PageHandle } from "~/utils/kept-page";
import appStyles from "~/styles/app.css";
import updatesStyles from "~/styles/updates.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: appStyles },
  { rel: "stylesheet", href: updatesStyles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const handle: PageHandle = { keptWhileUnchanged: true };

export const meta: MetaFunction = () => [{ title: "年度重点工作看板" }];

export async function loader(args: LoaderFunctionArgs) {
  const user = await getCurrentUser(args);
  return {
    requestId: args.context.requestId ?? null,
    user: user && {
      id: user.id,
      displayName: user.displayName,
      username: user.username,
      role: user.role,
      unitId: user.unitId,
      todoCount:
        args.context.checked?.todoCount ?? (await countTodoReusing(getDb(), user, new Date(), readOnlyScope(args.request, args.context))),
    },
  };
}

export type RootUser = NonNullable<Awaited<ReturnType<typeof loader>>["user"]>;

export function useOptionalUser(): RootUser | null {
  return useRouteLoaderData<typeof loader>("root")?.user ?? null;
}

function Document({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

/** The document with the navigation for the signed-in user (none on the login page). */
function Page({ user, children }: { user: Parameters<typeof AppShell>[0]["user"]; children: React.ReactNode }) {
  return (
    <Document>
      <AppShell user={user}>{children}</AppShell>
    </Document>
  );
}

export default function App() {
  const { user } = useLoaderData<typeof loader>();
  return (
    <Page user={user}>
      <Outlet />
    </Page>
  );
}

export function ErrorBoundary() {
  // When a child route failed, the root loader still ran: keep the navigation.
  const user = useOptionalUser();
  return (
    <Page user={user}>
      <GeneralErrorBoundary />
    </Page>
  );
}
