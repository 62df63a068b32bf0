// The compiled server as tests and benchmarks start it: a free port, the production build (made
// when missing or stale), and `node build/server.js` with its own database, waited for until it
// prints its start banner.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { SERVER_ENTRY } from "../app/server/build";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

/**
 * Builds the app when its build is missing or older than the sources, with NODE_ENV=production as
 * `npm start` has it: Vitest's NODE_ENV=test would make a development bundle that later
 * production starts (e2e, bench) would fail on.
 */
export function buildForProduction(): void {
  execFileSync("npx", ["tsx", "app/cli/build.ts", "--if-needed"], {
    stdio: "ignore",
    timeout: 240_000,
    env: { ...process.env, NODE_ENV: "production" },
  });
}

export interface BuiltServer {
  child: ChildProcess;
  url: string;
  /** Everything the server printed so far. */
  output: () => string;
}

/**
 * Starts `node build/server.js` on a free port of 127.0.0.1 with SQLite at `databasePath` (never
 * the suite's PostgreSQL), resolving once its output contains `ready`.
 */
export async function startBuiltServer(options: {
  databasePath: string;
  env: Record<string, string>;
  ready: string;
}): Promise<BuiltServer> {
  const port = await freePort();
  const { DATABASE_URL: _sqliteHere, TEST_DATABASE_URL: _notPostgres, NODE_ENV: _production, ...inherited } = process.env;
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: {
      ...inherited,
      DATABASE_PATH: options.databasePath,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_REQUESTS: "0",
      ...options.env,
    } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += String(chunk)));
  child.stderr!.on("data", (chunk: Buffer) => (output += String(chunk)));
  const deadline = Date.now() + 90_000;
  while (!output.includes(options.ready)) {
    if (child.exitCode != null) throw new Error(`app server exited (${child.exitCode}): ${output}`);
    if (Date.now() > deadline) throw new Error(`app server did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url: `http://127.0.0.1:${port}`, output: () => output };
}
