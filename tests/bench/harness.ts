// Small pieces the benchmark cases share: servers as child processes, a bounded load loop.
import { execSync, spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { freePort } from "../built-server";

export { freePort };

/** Builds the app when its build is missing or stale; build output goes to stderr (stdout may be JSON). */
export function ensureBuilt(): void {
  execSync("npx tsx app/cli/build.ts --if-needed", { stdio: ["ignore", process.stderr, process.stderr] });
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
  /** Peak resident memory of the server so far, all its processes together, in bytes (Linux). */
  peakRss: () => number;
  /** Peak resident memory of its largest single process so far (a cluster worker), in bytes. */
  peakProcessRss: () => number;
  /** CPU time (user + system) its processes have used so far, in seconds (Linux). */
  cpuSeconds: () => number;
  /** How many processes serve requests: the cluster's workers, or 1. */
  workers: () => number;
}

/** A process and all its descendants (a cluster primary and its workers), from Linux's /proc. */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${all[i]}/task`)) {
        const children = readFileSync(`/proc/${all[i]}/task/${task}/children`, "utf8").trim();
        if (children) all.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // the process ended meanwhile
    }
  }
  return all;
}

/** Field `name` of /proc/<pid>/status in bytes (VmRSS, VmHWM), 0 when the process is gone. */
export function statusBytes(pid: number, name: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execSync("getconf CLK_TCK", { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (utime + stime) of the processes, from /proc/<pid>/stat. */
export function cpuSecondsOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) start at state: utime is 14th, stime 15th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended
    }
  }
  return ticks / CLOCK_TICKS;
}

export async function startServer(script: string, env: Record<string, string>, readyPath: string): Promise<RunningServer> {
  const port = await freePort();
  // Compiled JavaScript (the app's build) runs as production runs it; our TypeScript through tsx.
  const loader = script.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...loader, script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", LOG_REQUESTS: "0" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode != null) throw new Error(`server ${script} exited: ${stderr}`);
    try {
      const response = await fetch(url + readyPath, { redirect: "manual" });
      await response.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`server ${script} did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  // The server's memory, all processes together, sampled while it runs (VmHWM is per process
  // and the workers' peaks need not coincide).
  let peakTotal = 0;
  let peakLargest = 0;
  const sampleRss = () => {
    let total = 0;
    for (const pid of processTree(child.pid!)) {
      total += statusBytes(pid, "VmRSS");
      peakLargest = Math.max(peakLargest, statusBytes(pid, "VmHWM"));
    }
    peakTotal = Math.max(peakTotal, total);
    return { total: peakTotal, largest: peakLargest };
  };
  const sampler = setInterval(sampleRss, 250);
  sampler.unref();
  child.once("exit", () => clearInterval(sampler));
  return {
    url,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode != null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
    peakRss: () => sampleRss().total,
    peakProcessRss: () => sampleRss().largest,
    cpuSeconds: () => cpuSecondsOf(processTree(child.pid!)),
    workers: () => Math.max(1, processTree(child.pid!).length - 1),
  };
}

/**
 * `count` warm-up requests (numbered -1, -2, …) from `concurrency` clients, as the measured ones
 * come: one client keeps one connection, which the cluster gives to one worker, so a warm-up
 * sent one request at a time would warm one worker and leave the others cold.
 */
async function warmUp(request: (i: number) => Promise<void>, count: number, concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(count, concurrency) }, async () => {
      for (let i = next++; i < count; i = next++) await request(-1 - i);
    }),
  );
}

/**
 * Runs `count` requests with `concurrency` clients and returns seconds per request
 * (wall time ÷ count): the server's cost per request under that load.
 */
export async function secondsPerRequest(
  request: (i: number) => Promise<void>,
  { count, concurrency, warmup = 5 }: { count: number; concurrency: number; warmup?: number },
): Promise<number> {
  await warmUp(request, warmup, concurrency);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) await request(i);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9 / count;
}

/** Fetch that fails loudly on an unexpected status, and reads the whole body. */
export async function expectOk(response: Response, allowed: number[] = [200]): Promise<string> {
  const body = await response.text();
  if (!allowed.includes(response.status)) throw new Error(`HTTP ${response.status} for ${response.url}: ${body.slice(0, 300)}`);
  return body;
}

/**
 * Ours and the baseline in alternating rounds (`warmup` requests each first, then `rounds` turns each of
 * count ÷ rounds requests): on a shared machine a burst of someone else's load then falls on
 * both sides alike instead of on whichever happened to run during it. Seconds per request.
 */
export async function alternating(
  ours: (i: number) => Promise<void>,
  baseline: (i: number) => Promise<void>,
  { count, concurrency, rounds = 4, warmup: firstWarmup = 5 }: { count: number; concurrency: number; rounds?: number; warmup?: number },
): Promise<{ ours: number; baseline: number }> {
  const per = Math.max(1, Math.round(count / rounds));
  let oursTotal = 0;
  let baselineTotal = 0;
  for (let round = 0; round < rounds; round++) {
    const warmup = round === 0 ? firstWarmup : 0;
    oursTotal += await secondsPerRequest(ours, { count: per, concurrency, warmup });
    baselineTotal += await secondsPerRequest(baseline, { count: per, concurrency, warmup });
  }
  return { ours: oursTotal / rounds, baseline: baselineTotal / rounds };
}

/** Signs in through the real login form; the session cookie for later requests. */
export async function login(app: RunningServer, username: string, password: string): Promise<string> {
  const response = await fetch(`${app.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password }),
  });
  await response.arrayBuffer();
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (response.status !== 302 || !cookie) throw new Error(`login of ${username} failed: ${response.status}`);
  return cookie;
}

/**
 * Server CPU time per request, in milliseconds: all the server's processes' CPU time (Linux
 * /proc, user + system) over `count` requests from `concurrency` clients, divided by `count`.
 * Unlike wall time it hardly changes when someone else loads the machine.
 */
export async function cpuMsPerRequest(
  app: RunningServer,
  request: (i: number) => Promise<void>,
  { count, concurrency, warmup = 20 }: { count: number; concurrency: number; warmup?: number },
): Promise<number> {
  await warmUp(request, warmup, concurrency);
  const before = app.cpuSeconds();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) await request(i);
    }),
  );
  return ((app.cpuSeconds() - before) * 1000) / count;
}
