// `npm run bench`: measures the product against its floor on a large generated plan.
// Every figure is a ratio against a baseline measured in the same run, so a busy machine
// slows both sides alike. `--json` prints one JSON object per case and nothing else.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { parseSummary } from "../../app/lib/importer";
import { SERVER_ENTRY } from "../../app/server/build";
import { availableParallelism } from "node:os";
import { BENCH_PASSWORD, FULL_SIZE, generateLargePlan, LARGE_PLAN_YEAR, MEDIUM_PLAN_YEAR, type LargePlanSize } from "./generate";
import { alternating, cpuMsPerRequest, ensureBuilt, expectOk, login, secondsPerRequest, startServer, type RunningServer } from "./harness";
import { moveTransfer } from "./move-transfer";
import { benchDatabaseUrl, preparePostgres } from "./pg-option";
import { updatePost } from "./update-post";

export interface CaseResult {
  name: string;
  ours: number;
  baseline: number;
  ratio: number;
  unit: string;
  /** null: reported only (see `reported`). */
  budget: number | null;
  ok: boolean;
  /** The app server's request-serving processes during the case (cluster workers, or 1). */
  workers?: number;
  cores?: number;
}

const args = process.argv.slice(2);
const json = args.includes("--json");
const smoke = args.includes("--smoke");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const pgServer = benchDatabaseUrl(args);
const largeDb = args.find((a) => a.startsWith("--large-db="))?.slice("--large-db=".length);
const log = (message: string) => process.stderr.write(`${message}\n`);

const SMOKE_SIZE: LargePlanSize = { tasks: 60, leaders: 4, metrics: 20, weeks: 6 };
const dir = "tests/.tmp/bench";
const SEED_PLAN_YEAR = 2025;
const TODAY = "2024-11-25";

/** A figure shown beside the budgeted cases, with no budget of its own. */
function reported(name: string, ours: number, unit: string): CaseResult {
  return { name, ours, baseline: 0, ratio: 0, unit, budget: null, ok: true };
}

function result(name: string, ours: number, baseline: number, unit: string, budget: number, absolute = false): CaseResult {
  const ratio = baseline > 0 ? ours / baseline : 0;
  return { name, ours, baseline, ratio: Number(ratio.toFixed(3)), unit, budget, ok: absolute ? ours <= budget : ratio <= budget };
}

function boardCase(name: string, year: number, app: RunningServer, base: RunningServer, cookie: string, count: number) {
  return async () => {
    const { ours, baseline } = await alternating(
      async () => void (await expectOk(await fetch(`${app.url}/board?year=${year}`, { headers: { Cookie: cookie } }))),
      async () => void (await expectOk(await fetch(`${base.url}/board?year=${year}&today=${TODAY}`))),
      { count, concurrency: 10, rounds: smoke ? 1 : count >= 100 ? 4 : 2 },
    );
    return result(name, ours, baseline, "s/request", 3);
  };
}

/**
 * Moves each worker serves before the move case is measured. A server runs for weeks, and V8
 * optimizes code that runs once per request only after it has run many times. Measured in
 * batches of 500 from a fresh start (2 workers, 10 clients): a move took 2.9–3.1, 2.4–2.5,
 * 2.3–2.4, 2.1–2.2, 1.8–1.9 ms … and about 1.7 from the 3,500th on; the baseline's 2.4–2.6 …
 * 1.5 ms. After 500 per worker both sides were still 30–50% slower than that.
 */
const MOVE_WARMUP_PER_WORKER = 2000;

/**
 * Server CPU milliseconds per GET of `path` (all workers together), against an absolute budget;
 * with `firstRender`, reported beside the cases with budgets.
 */
function cpuCase(
  name: string,
  path: string,
  app: RunningServer,
  cookie: string,
  count: number,
  budgetMs: number | null,
  firstRender?: { warmupPerWorker: number },
) {
  return async () => {
    // A first render: each request asks for a view nobody asked for before (an ignored parameter
    // that is part of the page's tag), so every one renders instead of being sent again as kept.
    // Measured once its figure has stopped falling, as on a server that has been up a while.
    const url = (i: number) => (firstRender ? `${app.url}${path}${path.includes("?") ? "&" : "?"}render=${i}` : `${app.url}${path}`);
    const ms = await cpuMsPerRequest(app, async (i) => void (await expectOk(await fetch(url(i), { headers: { Cookie: cookie } }))), {
      count,
      concurrency: 10,
      warmup: firstRender && !smoke ? firstRender.warmupPerWorker * app.workers() : undefined,
    });
    const figure = Number(ms.toFixed(2));
    return budgetMs == null ? reported(name, figure, "ms CPU/request") : result(name, figure, 0, "ms CPU/request", budgetMs, true);
  };
}

async function main() {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  ensureBuilt();
  if (largeDb) {
    // A plan generated before (e.g. `npx tsx -e` with generateLargePlan), for profiling runs.
    copyFileSync(largeDb, `${dir}/large.sqlite`);
  } else {
    log("生成大型测试计划…");
    await generateLargePlan(`${dir}/large.sqlite`, smoke ? SMOKE_SIZE : FULL_SIZE);
  }
  copyFileSync(`${dir}/large.sqlite`, `${dir}/baseline.sqlite`);

  const pg = pgServer ? await preparePostgres(pgServer, `${dir}/large.sqlite`) : null;
  if (pg) log("应用使用 PostgreSQL（--db），基线服务器仍使用 SQLite：比值里也含两种数据库的差别。");
  const app = await startServer(SERVER_ENTRY, { DATABASE_PATH: `${dir}/large.sqlite`, NODE_ENV: "production", ...pg?.env }, "/login");
  const base = await startServer("tests/bench/baseline-server.ts", { DATABASE_PATH: `${dir}/baseline.sqlite` }, "/board?year=1");
  const results: CaseResult[] = [];
  let peakRss = 0;
  let peakProcessRss = 0;
  const cores = availableParallelism();
  try {
    const cookie = await login(app, "leader", BENCH_PASSWORD);
    const n = (full: number) => (smoke ? Math.max(4, Math.round(full / 20)) : full);
    const cases: Record<string, () => Promise<CaseResult>> = {
      // A 40-card plan in the database that also holds the 1,000-card plan (past years accumulate).
      "board-page-40": boardCase("board-page-40", MEDIUM_PLAN_YEAR, app, base, cookie, n(200)),
      "board-page-1000": boardCase("board-page-1000", LARGE_PLAN_YEAR, app, base, cookie, n(30)),
      move: async () => {
        const tasks = await movableTasks(`${dir}/baseline.sqlite`);
        // As many moves as a busy office makes in a morning, after a warm-up to the steady state
        // (see MOVE_WARMUP_PER_WORKER): the JIT of a freshly started server is not what
        // users meet. The baseline is warmed with as many moves.
        // Eight rounds a side: a move is short, and the wall time of 100 moves swings with the
        // machine's other load (runs of four rounds gave ratios from 1.3 to 1.9).
        const count = n(800);
        const warmup = smoke ? 5 : MOVE_WARMUP_PER_WORKER * app.workers();
        const state = new Map(tasks.map((t) => [t.id, { status: t.status, version: t.version }]));
        const toggle = (status: string) => (status === "in_progress" ? "pending_review" : "in_progress");
        const baseState = new Map(tasks.map((t) => [t.id, { status: t.status, version: t.version }]));
        // In alternating rounds, like the page cases: a burst of someone else's load hits both.
        const { ours, baseline } = await alternating(
          async (i) => {
            const task = tasks[((i % tasks.length) + tasks.length) % tasks.length];
            const current = state.get(task.id)!;
            const to = toggle(current.status);
            await expectOk(
              await fetch(`${app.url}/board.data`, {
                method: "POST",
                headers: { Cookie: cookie, Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
                // pending_review → in_progress is a 驳回, which needs a reason.
                body: new URLSearchParams({
                  intent: "move",
                  taskId: String(task.id),
                  toStatus: to,
                  beforeId: "",
                  afterId: "",
                  reason: to === "in_progress" ? "基准测试：退回补充材料" : "",
                }),
              }),
            );
            current.status = to;
          },
          async (i) => {
            const task = tasks[((i % tasks.length) + tasks.length) % tasks.length];
            const current = baseState.get(task.id)!;
            const to = toggle(current.status);
            const reason = to === "in_progress" ? "基准测试：退回补充材料" : "";
            await expectOk(
              await fetch(
                `${base.url}/move?${new URLSearchParams({ taskId: String(task.id), to, version: String(current.version), reason })}`,
                { method: "POST" },
              ),
            );
            current.status = to;
            current.version++;
          },
          { count, concurrency: 10, rounds: smoke ? 1 : 8, warmup },
        );
        return result("move", ours, baseline, "s/request", 1.5);
      },
      "move-transfer": () => moveTransfer(app, cookie, LARGE_PLAN_YEAR),
      "kpi-page-large": async () => {
        const probe = await fetch(`${app.url}/kpi?year=${LARGE_PLAN_YEAR}`, { headers: { Cookie: cookie } });
        await probe.arrayBuffer();
        const ours = await secondsPerRequest(
          async () => void (await expectOk(await fetch(`${app.url}/kpi?year=${LARGE_PLAN_YEAR}`, { headers: { Cookie: cookie } }))),
          { count: n(30), concurrency: 10 },
        );
        const baseline = await secondsPerRequest(
          async () => void (await expectOk(await fetch(`${base.url}/kpi?year=${LARGE_PLAN_YEAR}`))),
          { count: n(30), concurrency: 10 },
        );
        return result("kpi-page-large", ours, baseline, "s/request", 2);
      },
      "update-post": async () => {
        const { ours, baseline } = await updatePost(app, base, `${dir}/baseline.sqlite`, smoke ? 2 : 10, smoke ? 1 : 5);
        return result("update-post", ours, baseline, "s/request", 2);
      },
      // The floor: an almost empty page that still signs the user in and draws the layout.
      "floor-cpu": cpuCase("floor-cpu", "/settings/password", app, cookie, n(400), 2),
      "board-40-cpu": cpuCase("board-40-cpu", `/board?year=${MEDIUM_PLAN_YEAR}`, app, cookie, n(300), 4),
      "board-1000-cpu": cpuCase("board-1000-cpu", `/board?year=${LARGE_PLAN_YEAR}`, app, cookie, n(60), 25),
      // The same pages, every request rendered: what a page costs the first time it is shown
      // (after a change to the plan, or for a view nobody opened since). Reported, not budgeted:
      // the budgets are for a run of requests, which the cases above measure. Warm-ups
      // from batches measured from a fresh start (2 workers): the nearly empty page fell from
      // 4.4–4.9 ms to about 2.0 only after 4,000–4,500 requests (its per-request framework code
      // runs once per request); the boards' figures stopped falling after about 400 (40 cards)
      // and 200 (1,000 cards) requests, as their cards run the same code many times per page.
      "floor-cpu-render": cpuCase("floor-cpu-render", "/settings/password", app, cookie, n(400), null, { warmupPerWorker: 2000 }),
      "board-40-cpu-render": cpuCase("board-40-cpu-render", `/board?year=${MEDIUM_PLAN_YEAR}`, app, cookie, n(300), null, {
        warmupPerWorker: 300,
      }),
      "board-1000-cpu-render": cpuCase("board-1000-cpu-render", `/board?year=${LARGE_PLAN_YEAR}`, app, cookie, n(60), null, {
        warmupPerWorker: 100,
      }),
      "board-1000-html": async () => {
        const html = await expectOk(await fetch(`${app.url}/board?year=${LARGE_PLAN_YEAR}`, { headers: { Cookie: cookie } }));
        return result("board-1000-html", Math.round(Buffer.byteLength(html) / 1024), 0, "KB", 200, true);
      },
      "board-js": async () => {
        const html = await expectOk(await fetch(`${app.url}/board?year=${SEED_PLAN_YEAR}`, { headers: { Cookie: cookie } }));
        const sources = new Set<string>();
        for (const match of html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g))
          sources.add(match[1]);
        for (const match of html.matchAll(/import\("([^"]+\.js)"\)|from\s*"([^"]+\.js)"/g)) sources.add(match[1] ?? match[2]);
        let bytes = 0;
        for (const source of sources) {
          const body = await (await fetch(new URL(source, app.url))).arrayBuffer();
          bytes += gzipSync(Buffer.from(body), { level: 9 }).length;
        }
        return result("board-js", bytes, 0, "bytes (gzip)", 120_000, true);
      },
      // The parser's cases run last: they run in this process, which is also the server cases'
      // client, and their garbage (a 1 MB text parsed again and again) would be collected while
      // later server cases run, taking time on a core the two-worker server needs more than the
      // one-process baseline does.
      "importer-seed": async () => {
        const path = "db/seed/pingdong-2024-summary.txt";
        const text = readFileSync(path, "utf8");
        const runs = smoke ? 20 : 200;
        for (let i = 0; i < 20; i++) parseSummary(text);
        let started = process.hrtime.bigint();
        for (let i = 0; i < runs; i++) parseSummary(text);
        const ours = Number(process.hrtime.bigint() - started) / 1e6 / runs;
        started = process.hrtime.bigint();
        for (let i = 0; i < runs; i++) readFileSync(path, "utf8");
        const baseline = Number(process.hrtime.bigint() - started) / 1e6 / runs;
        return result("importer-seed", ours, baseline, "ms", 20, true);
      },
      "importer-linear": async () => {
        const seed = readFileSync("db/seed/pingdong-2024-summary.txt", "utf8");
        const big = largeSummary(seed, smoke ? 200_000 : 1_000_000);
        // The median of single runs: one garbage collection or a neighbour's burst falls on
        // one run, not on the figure (means of three runs ranged 0.6–1.7 on one machine). The
        // two texts take turns, like the page cases: measured one after the other, a slower
        // stretch of a shared machine fell on one side only (ours alone ranged 84–122 ns/byte).
        const nsPerByte = (text: string) => {
          const started = process.hrtime.bigint();
          parseSummary(text);
          return Number(process.hrtime.bigint() - started) / Buffer.byteLength(text);
        };
        const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
        parseSummary(seed);
        parseSummary(big);
        const ourRuns: number[] = [];
        const baselineRuns: number[] = [];
        for (let round = 0; round < (smoke ? 1 : 7); round++) {
          ourRuns.push(nsPerByte(big));
          for (let i = 0; i < (smoke ? 10 : 9); i++) baselineRuns.push(nsPerByte(seed));
        }
        const ours = median(ourRuns);
        const baseline = median(baselineRuns);
        return result("importer-linear", ours, baseline, "ns/byte", 1.5);
      },
    };
    for (const [name, run] of Object.entries(cases)) {
      if (only && !only.includes(name)) continue;
      log(`测量 ${name}…`);
      try {
        results.push({ ...(await run()), workers: app.workers(), cores });
      } catch (error) {
        log(`${name} 失败：${error instanceof Error ? error.message : String(error)}`);
        results.push({ name, ours: NaN, baseline: NaN, ratio: NaN, unit: "error", budget: NaN, ok: false });
      }
      peakRss = Math.max(peakRss, app.peakRss());
      peakProcessRss = Math.max(peakProcessRss, app.peakProcessRss());
      log(
        `  ${name}: server peak RSS so far ${Math.round(peakProcessRss / 1024 / 1024)} MB per process, ${Math.round(peakRss / 1024 / 1024)} MB in all (${app.workers()} workers)`,
      );
    }
    // Per process, as when the server was one process: each worker holds its own build, caches
    // and database connection. All processes together are reported beside it.
    const workers = app.workers();
    results.push({ ...result("server-peak-rss", Math.round(peakProcessRss / 1024 / 1024), 0, "MB", 300, true), workers, cores });
    results.push({
      ...result("server-peak-rss-total", Math.round(peakRss / 1024 / 1024), 0, "MB", 300 * workers, true),
      workers,
      cores,
    });
  } finally {
    await app.stop();
    await base.stop();
    await pg?.cleanup();
  }

  if (json) {
    for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
  } else {
    const rows = results.map((r) => [
      r.name,
      fmt(r.ours),
      fmt(r.baseline),
      r.baseline ? r.ratio.toFixed(2) : "—",
      r.unit,
      r.budget == null ? "—" : `≤ ${r.budget}`,
      r.budget == null ? "reported" : r.ok ? "ok" : "NOT OK",
    ]);
    process.stdout.write(`${cores} cores, app server with ${results.find((r) => r.workers)?.workers ?? "?"} workers\n`);
    const header = ["case", "ours", "baseline", "ratio", "unit", "budget", ""];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
    const line = (cells: string[]) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ");
    process.stdout.write(`${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${rows.map(line).join("\n")}\n`);
    if (pgServer) process.stdout.write("ours: the app on PostgreSQL (--db); baseline: SQLite.\n");
  }
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return "—";
  if (value === 0) return "0";
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return value.toPrecision(3);
}

/** About `bytes` of summary text: the seed's sections repeated under fresh top-level numbers. */
export function largeSummary(seed: string, bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let copy = 1; size < bytes; copy++) {
    const chunk = seed.replace(/^(一|二|三|四)、/gm, (_, n) => `${n}、第${copy}部分 `);
    parts.push(chunk);
    size += Buffer.byteLength(chunk);
  }
  return parts.join("\n");
}

async function movableTasks(path: string) {
  const { openDatabase } = await import("../../db/index");
  const db = openDatabase(path);
  const rows = await db
    .selectFrom("tasks")
    .innerJoin("plans", "plans.id", "tasks.plan_id")
    .select(["tasks.id", "tasks.status", "tasks.version"])
    .where("plans.year", "=", LARGE_PLAN_YEAR)
    .where("tasks.status", "in", ["in_progress", "pending_review"])
    .orderBy("tasks.id")
    .limit(300)
    .execute();
  await db.destroy();
  return rows;
}

main().catch((error) => {
  log(String(error instanceof Error ? error.stack : error));
  process.exit(2);
});
