// One server process per core. The primary prepares the database once (migrations, the
// first-start bootstrap and its demo accounts), then forks the HTTP workers, restarts one that
// dies and stops them all on SIGTERM/SIGINT. Workers share the listening port (node:cluster
// hands connections out round-robin) and share everything else through the database: sessions,
// failed-login counts, the plans' change counters, idempotency keys, leases.
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { serveWriteTurns } from "~/server/write-turns";

/** The environment variable that tells a worker its slot (1…N); a restarted worker keeps its slot. */
export const WORKER_SLOT_ENV = "APP_WORKER_SLOT";

/**
 * How many HTTP workers to run: WEB_CONCURRENCY when it is a positive whole number, else one
 * per core. 1 means no cluster at all: the server runs in this one process, as before.
 */
export function workerCount(env: Record<string, string | undefined> = process.env, cores: number = availableParallelism()): number {
  const configured = env.WEB_CONCURRENCY?.trim();
  if (configured) {
    const n = Number(configured);
    if (!Number.isInteger(n) || n < 1) throw new Error(`WEB_CONCURRENCY 必须是正整数，当前为：${configured}`);
    return Math.min(n, 64);
  }
  return Math.max(1, cores);
}

/**
 * Whether this process runs the installation's once-only background work (a scheduler, an
 * outbox sender): the single server process, or worker slot 1 of a cluster. It is a cheap
 * first filter, not the guarantee — two installations on one PostgreSQL database, or a slot-1
 * worker restarted while its predecessor still finishes, must still take the database lease.
 */
export function runsBackgroundJobs(env: Record<string, string | undefined> = process.env): boolean {
  const slot = env[WORKER_SLOT_ENV];
  return slot === undefined || slot === "1";
}

/**
 * Each worker's V8 heap ceiling (MB), unless the command line or NODE_OPTIONS sets one. V8's
 * default follows the machine's memory (4 GB on a 24 GB server) and lets garbage pile up toward
 * it: under a storm of moves or first renders a worker grew to 250–330 MB of RSS whose live heap
 * was 55–60 MB. With 1,536 MB a worker stayed near 210–265 MB doing the same; first renders of
 * the 40-card board then took 5–15% more CPU (more frequent collections), 1,024 MB saved little
 * more memory, 2,048 MB little. The app's largest requests (a 1,000-task board, a whole year's
 * document) use about 150 MB.
 */
export const WORKER_MAX_OLD_SPACE_MB = 1536;

/** The V8 flags a worker starts with: the primary's, plus the heap ceiling if none is set. */
export function workerExecArgv(execArgv: readonly string[], nodeOptions = process.env.NODE_OPTIONS ?? ""): string[] {
  const setsCeiling = [...execArgv, ...nodeOptions.split(/\s+/)].some((flag) => /^--max[-_]old[-_]space[-_]size(=|$)/.test(flag));
  return setsCeiling ? [...execArgv] : [...execArgv, `--max-old-space-size=${WORKER_MAX_OLD_SPACE_MB}`];
}

/** The delay before restarting a worker that died: quick once, slower when it keeps dying. */
export function restartDelayMs(recentDeaths: number): number {
  if (recentDeaths <= 1) return 100;
  return Math.min(10_000, 100 * 2 ** Math.min(10, recentDeaths - 1));
}

export interface PrimaryOptions {
  workers: number;
  /** Called once, when the first worker listens: the server answers from then on. */
  onAllListening: () => void;
  log?: (message: string) => void;
}

/** Runs in the primary process: forks `workers` workers and keeps them running until stopped. */
export function runPrimary({ workers, onAllListening, log = (m) => process.stderr.write(`${m}\n`) }: PrimaryOptions): void {
  const slots = new Map<Worker, number>();
  const deaths: number[] = [];
  let announced = false;
  let stopping = false;

  // The workers write to one SQLite file: they take turns, in the order they ask (write-turns.ts).
  const turns = serveWriteTurns(() => slots.keys(), log);
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv) });

  const fork = (slot: number) => {
    const worker = cluster.fork({ [WORKER_SLOT_ENV]: String(slot) });
    slots.set(worker, slot);
    turns.attach(worker);
    worker.on("listening", () => {
      if (!announced) {
        announced = true;
        onAllListening();
      }
    });
  };

  cluster.on("exit", (worker, code, signal) => {
    const slot = slots.get(worker);
    slots.delete(worker);
    turns.detach(worker);
    if (slot === undefined) return;
    if (stopping) {
      if (slots.size === 0) process.exit(0);
      return;
    }
    const now = Date.now();
    deaths.push(now);
    while (deaths.length > 0 && deaths[0] < now - 60_000) deaths.shift();
    const delay = restartDelayMs(deaths.length);
    log(`工作进程 ${slot} 异常退出（${signal ?? `代码 ${code}`}），${delay} 毫秒后重新启动。`);
    setTimeout(() => {
      if (!stopping) fork(slot);
    }, delay);
  });

  for (let slot = 1; slot <= workers; slot++) fork(slot);

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // Each worker closes its listener, finishes its requests, closes its database handle and
    // exits (main.ts). Once all have closed their listeners, no new connection is taken.
    const waiting = new Set(slots.keys());
    const announce = () => process.stdout.write(`收到 ${signal}，正在完成进行中的请求并关闭数据库…\n`);
    for (const worker of waiting) {
      const stopped = () => {
        if (waiting.delete(worker) && waiting.size === 0) announce();
      };
      worker.on("message", (message: { type?: string }) => message?.type === "stopping" && stopped());
      worker.once("exit", stopped);
      worker.process.kill(signal);
    }
    if (slots.size === 0) process.exit(0);
    setTimeout(() => process.exit(1), 12_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
