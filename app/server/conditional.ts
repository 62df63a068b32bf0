// Conditional GETs for the pages people leave open and reload: the board, the meeting view (which
// refreshes itself every few seconds) and the KPI page, as documents and as single-fetch data.
// Each answer carries an ETag made of everything those pages show that can change: the code
// (the build's version), who is looking (user, role, unit, name, and the 我的待办 count their
// navigation shows), what they asked for (path and query: year, filters, paging), the date, and
// the database's state as the pages see it (every plan's change counter and version, and the
// newest user, unit, comment and attachment). When a browser asks again with that tag, the answer
// is an empty 304 before Remix routes, loads or renders anything: a few small queries instead of
// a page. A page that does render takes what was read here from the load context.
//
// Every other page a signed-in user opens (GET, a document) gets no tag, but the same key with
// the database's generation may find it kept (app/server/kept-pages.ts): rendered before for the
// same user, address and date while nothing at all was written since. Only pages whose every
// route says it shows nothing but those (see app/utils/kept-page.ts) are ever kept.
//
// A write that changes what these pages show must bump the plan's change counter
// (bumpChangeSeq) or be covered by the state below.
import { createHash } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { AppDatabase } from "../../db/index";
import { todayKey } from "~/models/plans.server";
import { countTodoReusing } from "~/models/todo.server";
import { readViewState } from "~/models/view-state.server";
import { sessionCookie, sessionTokenOfCookieHeader, validateSessionReusing } from "~/utils/session.server";
import { generationToken, whileUnchanged } from "~/utils/while-unchanged.server";
import { isHttpsRequest } from "~/utils/https.server";
import { acceptsGzip } from "~/utils/render-output.server";
import type { KeptPage, KeptPages } from "~/server/kept-pages";

/** Paths (documents and their single-fetch .data) that answer 304 to a matching If-None-Match. */
export const CONDITIONAL_PATHS = new Set(["/board", "/board.data", "/board/meeting", "/board/meeting.data", "/kpi", "/kpi.data"]);

/** A path that ends in a file name's extension: a file in public/, never a page. */
export function namesAFile(path: string): boolean {
  return /\.[\w-]+$/.test(path);
}

/** Sign-in and sign-out pages, files, and single-fetch data are never kept. */
function mayBeKeptDocument(path: string): boolean {
  return path !== "/login" && path !== "/logout" && !path.endsWith(".data") && !namesAFile(path);
}

/** The sorted query string, so the same view under reordered parameters has one tag. */
function normalizedQuery(url: string): string {
  const at = url.indexOf("?");
  if (at === -1) return "";
  const params = [...new URLSearchParams(url.slice(at + 1))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(params).toString();
}

export function viewTag(parts: unknown[]): string {
  return `W/"v-${createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 27)}"`;
}

/** Only a page that rendered (200) may be revalidated; a redirect or an error is not. */
function untagUnlessRendered(res: Response) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: Parameters<Response["writeHead"]>) {
    const status = typeof args[0] === "number" ? args[0] : this.statusCode;
    if (status !== 200) {
      this.removeHeader("ETag");
      this.setHeader("Cache-Control", "no-store");
    }
    return writeHead.apply(this, args);
  } as Response["writeHead"];
}

export function conditionalViews({
  db,
  buildVersion,
  keptPages,
}: {
  db: () => AppDatabase;
  buildVersion: string;
  /** Where rendered documents are kept under their tag; none keeps nothing. */
  keptPages?: KeptPages;
}): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const conditional = CONDITIONAL_PATHS.has(req.path);
    if (!conditional && !(keptPages && req.method === "GET" && mayBeKeptDocument(req.path))) return next();
    try {
      const token = sessionTokenOfCookieHeader(req.headers.cookie);
      if (!token) return next();
      // One generation probe for this request (res.locals is its scope): a GET writes nothing.
      const scope = res.locals;
      const session = await validateSessionReusing(db(), token, scope);
      if (!session) return next();
      if (session.renewed) res.append("Set-Cookie", sessionCookie(token, session.session.expiresAt, isHttpsRequest(req)));
      const user = session.user;
      // Those sent to change their password first get a redirect, never a cached page.
      if (user.must_change_password) return next();
      // The shell's 我的待办 badge (填报 due, 催办, 退回, 待验收, 延期申请): the same count the root loader shows.
      const todoCount = await countTodoReusing(db(), { id: user.id, role: user.role, unitId: user.unit_id }, new Date(), scope);
      const parts = [
        buildVersion,
        req.path,
        normalizedQuery(req.originalUrl),
        user.id,
        user.role,
        user.unit_id,
        user.display_name,
        todayKey(),
        todoCount,
      ];
      // Only the pages that answer 304 need the tag to name what they show: for any other, the
      // generation below (any write at all) is what decides whether a kept copy still holds.
      const viewState = conditional ? await whileUnchanged(db(), "viewState", () => readViewState(db()), scope) : undefined;
      const tag = viewTag(conditional ? [...parts, viewState] : parts);
      if (conditional) {
        const headers = { ETag: tag, "Cache-Control": "private, no-cache", Vary: "Cookie" };
        const asked = req.get("if-none-match");
        if (asked && asked.split(",").some((t) => t.trim() === tag)) {
          // No body and no new CSP nonce: the browser keeps the page (and its headers) it has.
          res.locals.userId = user.id;
          res.status(304).set(headers).end();
          return;
        }
        res.set(headers);
      }
      // A document rendered under this tag before is sent again as it was (app/server/kept-pages.ts);
      // else the one about to render may be kept. Single-fetch data (.data) is not kept.
      // The page is kept only while nothing at all was written since (the generation token): the tag
      // is what the browser's own copy is checked against; a kept page is held to the stricter rule.
      // PostgreSQL has no such token, so there nothing is kept.
      const generation = keptPages && req.method === "GET" && !req.path.endsWith(".data") ? await generationToken(db(), scope) : null;
      if (generation !== null && keptPages) {
        const pageKey = `${tag}:${generation}${acceptsGzip(req.get("accept-encoding") ?? null) ? ":gzip" : ""}`;
        const kept = keptPages.get(pageKey);
        if (kept) {
          res.locals.userId = user.id;
          res.locals.cspNonce = kept.nonce;
          res.locals.keptPage = kept;
          return next();
        }
        res.locals.keepPage = (page: KeptPage) => keptPages.set(pageKey, page);
      }
      // The page's loaders take these from here (the renewed cookie is already on the answer).
      res.locals.checked = { session: { ...session, renewed: false }, todoCount, viewState };
      if (conditional) untagUnlessRendered(res);
      next();
    } catch (error) {
      next(error);
    }
  };
}
