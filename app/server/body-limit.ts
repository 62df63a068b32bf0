// A request body is counted as it arrives, chunked or not, and refused with 413 the moment it
// passes the limit of its route (app/utils/body-limits.server.ts): nothing beyond the limit is
// read into memory. Remix reads the body through a counting stream handed to it in place of
// the raw request.
import { Transform, type TransformCallback } from "node:stream";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { bodyTooLargeMessage, requestBodyLimit } from "~/utils/body-limits.server";

class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

class CountingLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.seen += chunk.length;
    if (this.seen > this.limit) return done(new BodyTooLarge(this.limit));
    done(null, chunk);
  }
}

const BODYLESS = new Set(["GET", "HEAD", "OPTIONS"]);
// What Remix's body reader uses of the request it is given; everything else comes from the
// Express request itself (headers, method, URL, the "trust proxy" getters).
const STREAM_MEMBERS = new Set<PropertyKey>([
  "on",
  "once",
  "off",
  "addListener",
  "removeListener",
  "pause",
  "resume",
  "destroy",
  "readable",
  "readableHighWaterMark",
  "isPaused",
  "pipe",
  "read",
]);

function refuse(req: Request, res: Response, limit: number) {
  if (!res.headersSent) {
    res
      .status(413)
      .set("Connection", "close")
      .type("html")
      .send(
        '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>提交的内容太大</title>' +
          `<h1>提交的内容太大</h1><p>${bodyTooLargeMessage(limit)}</p><p><a href="/">返回首页</a></p></html>`,
      );
  }
  // The rest of the body is discarded as it comes (never kept), so the client can read the 413
  // instead of meeting a reset connection; the connection is closed soon after the answer.
  req.unpipe();
  req.resume();
  const close = () => setTimeout(() => req.socket.destroy(), 1000).unref();
  if (res.writableFinished) close();
  else res.once("finish", close);
}

/**
 * Wraps the Remix request handler: a body longer than its route's limit (by Content-Length,
 * or counted as it streams in) gets a 413 and is never buffered beyond the limit.
 */
export function withBodyLimit(handler: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (BODYLESS.has(req.method)) return handler(req, res, next);
    const limit = requestBodyLimit(req.path);
    const declared = Number(req.get("content-length") ?? NaN);
    if (declared > limit) return refuse(req, res, limit);

    let refused = false;
    const counted = new CountingLimit(limit);
    counted.on("error", (error) => {
      if (!(error instanceof BodyTooLarge)) return;
      refused = true;
      req.unpipe(counted);
      refuse(req, res, limit);
    });
    req.pipe(counted);
    const view = new Proxy(req, {
      get(target, property) {
        if (STREAM_MEMBERS.has(property)) {
          const value = Reflect.get(counted, property, counted);
          return typeof value === "function" ? value.bind(counted) : value;
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    // Once the 413 is sent, whatever Remix makes of the broken body has nowhere to go.
    return handler(view, res, (error?: unknown) => (refused ? undefined : next(error)));
  };
}
