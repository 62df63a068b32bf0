// Guards in front of Remix 2's own endpoints, for advisories fixed only in React Router 7
// (see .github/SECURITY.md). Each refuses, cheaply and in Chinese, a request no page of this
// app ever sends, before Remix spends work on it:
// - URLs longer than any link of ours, and paths with more segments than any route has:
//   Remix's route matching (and <Scripts>' initial manifest, with lazy route discovery) does
//   work quadratic in the segment count — a 14 kB path of "a/" cost 6 s of CPU.
// - backslashes in the path (GHSA-wrjc-x8rr-h8h6): no route has one, and browsers read "\" as "/".
// - legacy `?_data=` requests: a single-fetch app never makes them, and some ended in a 500.
// - `.data` POSTs that are not forms: actions read forms only; turbo-stream bodies are refused
//   (the server never decodes turbo-stream, GHSA-rxv8-25v2-qmq8).
// - /__manifest (GHSA-8x6r-g9mw-2r78, GHSA-chx6-hx7r-mcp5): each path it is asked about costs
//   Remix a full route match (~0.6 ms here), so paths per request and per client and minute
//   are bounded. A refused batch only loses early discovery: the browser then asks for the one
//   path it navigates to.
import type { NextFunction, Request, RequestHandler, Response } from "express";

/** The longest URL (path and query) served; Remix's own /__manifest limit is 7,680. */
export const MAX_URL_LENGTH = 8192;
/** The deepest route has 4 segments (/admin/users/:userId, /summary/export/:format). */
export const MAX_PATH_SEGMENTS = 16;
/** Distinct paths one /__manifest request may ask about (a board links a few hundred cards). */
export const MAX_MANIFEST_PATHS = 500;
/** /__manifest paths per client address and minute (a page asks once for its new links). */
export const MANIFEST_PATHS_PER_MINUTE = 5000;

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

function refuse(res: Response, status: number, title: string, detail: string) {
  res
    .status(status)
    .type("html")
    .send(
      `<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${title}</title>` +
        `<h1>${title}</h1><p>${detail}</p><p><a href="/">返回首页</a></p></html>`,
    );
}

function segmentCount(path: string): number {
  let count = 0;
  for (const part of path.split("/")) if (part) count++;
  return count;
}

/** A fixed-window budget per client address; all windows end together and are dropped then. */
export function windowBudget(limit: number, windowMs: number, now: () => number = Date.now) {
  let windowStart = now();
  let spent = new Map<string, number>();
  return (key: string, cost = 1): boolean => {
    const t = now();
    if (t - windowStart >= windowMs) {
      windowStart = t;
      spent = new Map();
    }
    const total = (spent.get(key) ?? 0) + cost;
    if (total > limit) return false;
    spent.set(key, total);
    return true;
  };
}

function manifestPathCount(query: URLSearchParams): number | null {
  const paths = new Set<string>();
  for (const p of query.getAll("p")) {
    if (segmentCount(p) > MAX_PATH_SEGMENTS || p.includes("\\")) return null;
    const segments = p.split("/").filter(Boolean);
    for (let i = 1; i <= segments.length; i++) paths.add(segments.slice(0, i).join("/"));
  }
  return paths.size;
}

export function remixGuards(): RequestHandler {
  const manifestBudget = windowBudget(MANIFEST_PATHS_PER_MINUTE, 60_000);
  return (req: Request, res: Response, next: NextFunction) => {
    const url = req.originalUrl;
    if (url.length > MAX_URL_LENGTH) {
      return refuse(res, 414, "网址过长", "请求的网址超出本系统的长度限制，请从系统页面重新打开。");
    }
    const queryAt = url.indexOf("?");
    const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
    if (rawPath.includes("\\") || /%5c/i.test(rawPath) || segmentCount(rawPath) > MAX_PATH_SEGMENTS) {
      return refuse(res, 404, "页面不存在", "请检查网址，或从首页重新进入。");
    }
    const query = new URLSearchParams(queryAt === -1 ? "" : url.slice(queryAt + 1));
    if (query.has("_data")) {
      return refuse(res, 400, "请求无效", "本系统不接受这种数据请求，请从系统页面重新操作。");
    }
    if (req.method === "POST" && rawPath.endsWith(".data")) {
      const type = (req.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
      if (!FORM_TYPES.includes(type)) {
        return refuse(res, 415, "请求无效", "提交的内容格式无法识别，请从系统页面重新提交。");
      }
    }
    if (rawPath === "/__manifest") {
      const count = manifestPathCount(query);
      if (count === null || count > MAX_MANIFEST_PATHS) {
        return refuse(res, 400, "请求无效", "请求的页面清单过大。");
      }
      if (!manifestBudget(req.ip ?? req.socket.remoteAddress ?? "unknown", Math.max(count, 1))) {
        res.setHeader("Retry-After", "60");
        return refuse(res, 429, "请求过于频繁", "请稍后再试。");
      }
    }
    next();
  };
}
