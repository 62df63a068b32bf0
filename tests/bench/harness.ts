// Small pieces the benchmark cases share: servers as child processes, a bounded load loop.
import { execSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Builds the app when its build is missing or stale; build output goes to stderr (stdout may be JSON). */
export function ensureBuilt(): void {
  execSync("npx tsx app/cli/build.ts --if-needed", { stdio: ["ignore", process.stderr, process.stderr] });
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
  /** Peak resident memory of the server process so far, in bytes (Linux). */
  peakRss: () => number;
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
    peakRss: () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        return kb * 1024;
      } catch {
        return 0;
      }
    },
  };
}

/**
 * Runs `count` requests with `concurrency` clients and returns seconds per request
 * (wall time ÷ count): the server's cost per request under that load.
 */
export async function secondsPerRequest(
  request: (i: number) => Promise<void>,
  { count, concurrency, warmup = 5 }: { count: number; concurrency: number; warmup?: number },
): Promise<number> {
  for (let i = 0; i < warmup; i++) await request(-1 - i);
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
 * Ours and the baseline in alternating rounds (warm-up first, then `rounds` turns each of
 * count ÷ rounds requests): on a shared machine a burst of someone else's load then falls on
 * both sides alike instead of on whichever happened to run during it. Seconds per request.
 */
export async function alternating(
  ours: (i: number) => Promise<void>,
  baseline: (i: number) => Promise<void>,
  { count, concurrency, rounds = 4 }: { count: number; concurrency: number; rounds?: number },
): Promise<{ ours: number; baseline: number }> {
  const per = Math.max(1, Math.round(count / rounds));
  let oursTotal = 0;
  let baselineTotal = 0;
  for (let round = 0; round < rounds; round++) {
    const warmup = round === 0 ? 5 : 0;
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
