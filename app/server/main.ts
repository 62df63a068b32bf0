// The production server: Express in front of the Remix build. It owns what Remix 2 has no
// middleware for: the per-request CSP nonce, security headers, compression, static files,
// request logs, migrations and the first-start bootstrap, and graceful shutdown. With more than
// one core it runs as a cluster (app/server/cluster.ts): the primary migrates and bootstraps
// once, prints the banner once, and the workers serve.
import cluster from "node:cluster";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { constants as zlibConstants } from "node:zlib";
import { createRequestHandler } from "@remix-run/express";
import { withRefusals } from "~/utils/http.server";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import helmet from "helmet";
import { migrateToLatest, setWriteTurns } from "../../db/index";
import { closeDb, getDb } from "~/utils/db.server";
import { bootstrapIfEmpty } from "~/models/bootstrap.server";
import { HSTS_HEADER_VALUE, isHttpsRequest } from "~/utils/https.server";
import { printStartBanner } from "~/server/banner";
import { runPrimary, runsBackgroundJobs, workerCount } from "~/server/cluster";
import { conditionalViews, namesAFile } from "~/server/conditional";
import { cspNonce } from "~/server/csp-nonce";
import { KeptPages, type KeptPage } from "~/server/kept-pages";
import { withBodyLimit } from "~/server/body-limit";
import { remixGuards } from "~/server/remix-guards";
import { startBackgroundJobs } from "~/server/background-jobs";
import { clusterWriteTurns } from "~/server/write-turns";

// `npm start` runs this file (build/server.js): React and Remix must take their production
// builds whatever the shell says (React's development build renders the board ~1.8× slower).
// Only `npm run dev` differs: remix dev sets NODE_ENV=development. Nothing imported above
// loads React; the Remix build that does is imported in main(), after this line.
if (process.env.NODE_ENV !== "development") process.env.NODE_ENV = "production";
const development = process.env.NODE_ENV === "development";
// Demo data (the seed's units and plan, one account per role) on an empty database is its own
// switch, on unless DEMO=0: a real installation starts with only `admin` and a one-time password.
const demo = process.env.DEMO !== "0";
const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || "0.0.0.0";
const buildPath = resolve("build/index.js");
// Rendered board, meeting and KPI documents kept per worker (a 40-card board is ~8 KB gzipped).
const KEPT_PAGES_BYTES = 32 * 1024 * 1024;

async function loadBuild(): Promise<ServerBuild> {
  if (!existsSync(buildPath)) {
    throw new Error(`找不到构建产物 ${buildPath}，请先运行 npm run build。`);
  }
  return (await import(`${pathToFileURL(buildPath).href}?t=${Date.now()}`)) as ServerBuild;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Remix itself aborts a document POST whose Origin does not match the Host with a 500;
 * answer such forged requests with a clear 403 first. Actions check the Origin again
 * (requireUser / assertSameOrigin), including requests that carry no Origin at all.
 */
function refuseCrossSiteWrites(req: express.Request, res: express.Response, next: express.NextFunction) {
  const origin = req.get("origin");
  if (SAFE_METHODS.has(req.method) || !origin) return next();
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = null;
  }
  if (originHost === req.get("host")) return next();
  res
    .status(403)
    .type("html")
    .send(
      '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>请求被拒绝</title>' +
        '<h1>请求来源无法验证，已被拒绝</h1><p>请回到本系统页面重新操作。</p><p><a href="/">返回首页</a></p></html>',
    );
}

/** Migrations and the first-start bootstrap: once per start, before any request is served. */
async function prepareDatabase() {
  const db = getDb();
  await migrateToLatest(db);
  return bootstrapIfEmpty(db, {
    production: !demo,
    demoPassword: process.env.DEMO_PASSWORD,
  });
}

async function main() {
  // `npm run dev` stays one process: remix dev reloads the build in it.
  const workers = development ? 1 : workerCount();
  if (cluster.isPrimary && workers > 1) {
    const bootstrap = await prepareDatabase();
    // The primary serves nothing: its handle goes before the workers open theirs.
    await closeDb();
    runPrimary({ workers, onAllListening: () => printStartBanner({ port, host, bootstrap, workers }) });
    return;
  }
  // A worker takes turns with the others to write (before anything opens the database).
  if (cluster.isWorker) setWriteTurns(clusterWriteTurns(process));
  const bootstrap = cluster.isWorker ? null : await prepareDatabase();
  await serve(bootstrap);
}

/** The HTTP server; in a cluster worker the primary has already prepared the database. */
async function serve(bootstrap: Awaited<ReturnType<typeof prepareDatabase>> | null) {
  const build = await loadBuild();
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", process.env.TRUST_PROXY === "1" ? 1 : false);

  app.use((req, res, next) => {
    res.locals.requestId = randomUUID();
    res.setHeader("X-Request-Id", res.locals.requestId);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      if (process.env.LOG_REQUESTS === "0") return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      process.stdout.write(
        `${JSON.stringify({
          t: new Date().toISOString(),
          id: res.locals.requestId,
          method: req.method,
          path: req.originalUrl.split("?")[0],
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          user: res.locals.userId ?? null,
        })}\n`,
      );
    });
    next();
  });
  // Before helmet: a 304 carries no new CSP nonce, so the browser keeps the page's own.
  app.use(conditionalViews({ db: getDb, buildVersion: build.assets.version, keptPages: new KeptPages(KEPT_PAGES_BYTES) }));
  // A kept page brings the nonce its scripts were rendered with; any other answer gets a new one.
  app.use((_req, res, next) => {
    res.locals.cspNonce ??= cspNonce();
    next();
  });

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          "default-src": ["'self'"],
          // Remix's modulepreload links carry no nonce, so 'self' is needed beside it.
          "script-src": ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`],
          "style-src": ["'self'"],
          "img-src": ["'self'", "data:", "blob:"],
          "font-src": ["'self'"],
          "connect-src": development ? ["'self'", "ws:"] : ["'self'"],
          "object-src": ["'none'"],
          "base-uri": ["'none'"],
          "form-action": ["'self'"],
          "frame-ancestors": ["'none'"],
        },
      },
      // Set below, and only on answers that went out over HTTPS.
      strictTransportSecurity: false,
      // "no-referrer" (helmet's default) makes browsers send "Origin: null" with a plain form
      // POST, which the CSRF check must refuse; same-origin keeps the Origin for our own forms
      // and still sends nothing to other sites.
      referrerPolicy: { policy: "same-origin" },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use((req, res, next) => {
    if (isHttpsRequest(req)) res.setHeader("Strict-Transport-Security", HSTS_HEADER_VALUE);
    next();
  });
  app.use(refuseCrossSiteWrites);
  app.use(remixGuards());
  // A document kept under the same tag (see conditionalViews), with this answer's security
  // headers. Before compression: the body is already as the client takes it.
  app.use((_req, res, next) => {
    const kept = res.locals.keptPage as KeptPage | undefined;
    if (!kept) return next();
    res.status(200).setHeader("Content-Type", kept.contentType);
    if (kept.contentEncoding) {
      res.setHeader("Content-Encoding", kept.contentEncoding);
      res.append("Vary", "Accept-Encoding");
    }
    res.setHeader("Content-Length", kept.body.length);
    res.end(kept.body);
  });

  // Assets are built once and cached for a year: compress them well. Pages and data are made
  // per request: the fastest levels (on the board's page, gzip 1 takes half the time of the
  // default 6 for ~15% more bytes, brotli 1 a sixth of the default 4 for ~20% more). Documents
  // arrive already gzipped in one call by entry.server, which this middleware leaves alone.
  const compressAssets = compression();
  const compressPages = compression({
    level: 1,
    brotli: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1 } },
    // An action's single-fetch answer (a moved card, field errors) is about a kilobyte, streamed
    // without a length so the size threshold cannot apply; a compressor per answer costs more
    // than the few hundred bytes it saves.
    filter: (req, res) => !(req.method === "POST" && req.path.endsWith(".data")) && compression.filter(req, res),
  });
  app.use((req, res, next) => (req.path.startsWith("/build/") ? compressAssets : compressPages)(req, res, next));
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  // Only a path that names a file can be one in public/ (saves a stat() per page request).
  const publicFiles = express.static("public", { maxAge: "1h" });
  app.use((req, res, next) => (namesAFile(req.path) ? publicFiles(req, res, next) : next()));

  app.all(
    "*",
    withBodyLimit(
      createRequestHandler({
        build: withRefusals(build),
        // Only `npm run dev` shows error details; `npm start` (demo) hides them like production.
        mode: development ? "development" : "production",
        getLoadContext: (req, res) => ({
          cspNonce: res.locals.cspNonce as string,
          requestId: res.locals.requestId as string,
          clientAddress: req.ip ?? req.socket.remoteAddress ?? undefined,
          https: isHttpsRequest(req),
          checked: res.locals.checked,
          keepPage: res.locals.keepPage,
          appendSetCookie: (cookie: string) => res.append("Set-Cookie", cookie),
          setLoggedUser: (userId: number) => {
            res.locals.userId = userId;
          },
        }),
      }),
    ),
  );

  const server: Server = app.listen(port, host, () => {
    if (bootstrap) printStartBanner({ port, host, bootstrap, workers: 1 });
    if (development) broadcastDevReady(build);
  });

  // Reminders and the outbox worker. One process of the cluster runs the reminders and the outbox; the database lease still makes
  // each run and each message go out once if several installations share the database.
  const backgroundJobs = process.env.BACKGROUND_JOBS === "0" || !runsBackgroundJobs() ? null : startBackgroundJobs(getDb());

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    backgroundJobs?.stop();
    if (cluster.isPrimary) process.stdout.write(`收到 ${signal}，正在完成进行中的请求并关闭数据库…\n`);
    server.close(async () => {
      await closeDb();
      process.exit(0);
    });
    // The listener is closed now (in a cluster, the primary's share of it): say so to the primary.
    if (cluster.isWorker) process.send?.({ type: "stopping" });
    // Keep-alive connections go idle as their last response ends: close them then, rather than
    // waiting out the keep-alive timeout, and tell clients not to reuse them.
    server.prependListener("request", (_req, res: import("node:http").ServerResponse) => res.setHeader("Connection", "close"));
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 100).unref();
    // Do not hang forever on a stuck client.
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error) => {
  console.error("启动失败：", error);
  process.exit(1);
});
