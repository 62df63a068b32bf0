// Known advisories in Remix 2's router and turbo-stream that only React Router 7 fixes: does
// their kind of input reach this app's server, and is what reaches it refused at the edge
// (app/server/remix-guards.ts)? Each case sends the advisory's input to the real compiled server
// (build/server.js, as `npm start` runs it). The statuses are in .github/SECURITY.md.
// Runs in the SQLite run only: it concerns the framework, not the database.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode } from "turbo-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_ENTRY } from "../../app/server/build";
import { buildForProduction, freePort } from "../built-server";
import { MAX_MANIFEST_PATHS, MAX_PATH_SEGMENTS, MAX_URL_LENGTH } from "../../app/server/remix-guards";
import { TEST_PASSWORD } from "./helpers";
import { testDatabaseUrl } from "./pg";

let child: ChildProcess | undefined;
let base = "";
let output = "";
let version = "";
let adminCookie = "";

/** The server process's CPU time so far (user + system), in seconds; Linux /proc. */
function serverCpuSeconds(): number {
  const fields = readFileSync(`/proc/${child!.pid}/stat`, "utf8").split(") ")[1].split(" ");
  // utime and stime are fields 14 and 15 of stat; fields[0] here is field 3.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A GET with the path sent byte for byte: fetch() would turn "\\" into "/" first. */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; location: string | null; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(`${base}/`, { path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          location: response.headers.location ?? null,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
    request.on("error", reject);
  });
}

async function signIn(username: string): Promise<string> {
  const response = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password: TEST_PASSWORD }),
  });
  await response.text();
  return response.headers.get("set-cookie")?.split(";")[0] ?? "";
}

/** Every href, src and action in a page: none may lead off the site. */
function pageTargets(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src|action)="([^"]*)"/g)].map((m) => m[1]);
}

/** As a browser reads it ("\\" counts as "/"): does the target leave this server? */
function leadsOffSite(target: string): boolean {
  const value = target.replace(/&amp;/g, "&").trim();
  if (value === "" || value.startsWith("#")) return false;
  try {
    const resolved = new URL(value, base);
    return resolved.origin !== base && resolved.protocol !== "data:" && resolved.protocol !== "blob:";
  } catch {
    return true;
  }
}

describe.skipIf(testDatabaseUrl())("advisories against the compiled server", () => {
  beforeAll(async () => {
    // NODE_ENV=production as `npm run build` has it (see two-instances.test.ts).
    buildForProduction();
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), "kanban-advisories-"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // The file's own copy of the bootstrapped test database (setup-db.ts).
      DATABASE_PATH: process.env.DATABASE_PATH,
      ATTACHMENTS_DIR: join(dataDir, "attachments"),
      DEMO_PASSWORD: TEST_PASSWORD,
      NODE_ENV: "test",
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_REQUESTS: "0",
    };
    delete env.DATABASE_URL;
    child = spawn(process.execPath, [SERVER_ENTRY], { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (chunk) => (output += String(chunk)));
    child.stderr!.on("data", (chunk) => (output += String(chunk)));
    base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode != null) throw new Error(`app server exited (${child.exitCode}): ${output}`);
      try {
        const response = await fetch(`${base}/login`);
        const html = await response.text();
        if (response.status === 200) {
          const manifest = html.match(/\/build\/manifest-([0-9A-F]+)\.js/i);
          version = manifest ? manifest[1].toLowerCase() : "";
          break;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`app server did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    adminCookie = await signIn("admin");
  }, 300_000);

  afterAll(async () => {
    if (!child || child.exitCode != null) return;
    await new Promise<void>((resolve) => {
      child!.once("exit", () => resolve());
      child!.kill("SIGTERM");
      setTimeout(() => child!.kill("SIGKILL"), 5000).unref();
    });
  });

  describe("GHSA-chx6-hx7r-mcp5 and GHSA-8x6r-g9mw-2r78: the cost of /__manifest and deep paths", () => {
    it("still answers the browser's own route discovery", async () => {
      expect(version).toMatch(/^[0-9a-f]+$/);
      const answer = await get(`/__manifest?p=%2Fboard&p=%2Fboard%2F12&version=${version}`);
      expect(answer.status).toBe(200);
      const patches = JSON.parse(answer.body) as Record<string, unknown>;
      expect(Object.keys(patches)).toEqual(expect.arrayContaining(["root", "routes/board", "routes/board.$taskId"]));
    });

    it("refuses paths deeper than any route and too many paths at once, before matching them", async () => {
      const deep = `/__manifest?p=${"/a".repeat(MAX_PATH_SEGMENTS + 1)}&version=${version}`;
      expect((await get(deep)).status).toBe(400);
      const many = Array.from({ length: MAX_MANIFEST_PATHS + 1 }, (_, i) => `p=/${i}`).join("&");
      expect((await get(`/__manifest?${many}&version=${version}`)).status).toBe(400);
      const backslash = await get(`/__manifest?p=%2F%5Cevil.example&version=${version}`);
      expect(backslash.status).toBe(400);
    });

    it("refuses URLs longer than the limit and pages deeper than any route, in Chinese", async () => {
      const long = await get(`/${"a".repeat(MAX_URL_LENGTH)}`);
      expect(long.status).toBe(414);
      expect(long.body).toContain("网址过长");
      const deep = await get(`/${"a/".repeat(MAX_PATH_SEGMENTS + 1)}`);
      expect(deep.status).toBe(404);
      expect(deep.body).toContain("页面不存在");
      expect((await get(`/${"a/".repeat(MAX_PATH_SEGMENTS + 1)}.data`)).status).toBe(404);
    });

    it("spends little CPU on the worst requests an unauthenticated client can send", async () => {
      // Before the guards, one of each cost the server about 2.4 s (deep /__manifest path),
      // 0.4 s (700 short paths) and 6 s (a 14 kB path of "a/") of CPU on this machine.
      const attacks = [
        `/__manifest?p=${"/a".repeat(3700)}&version=${version}`,
        `/__manifest?${Array.from({ length: 1400 }, (_, i) => `p=/${i}`).join("&")}&version=${version}`,
        `/${"a/".repeat(4000)}`,
        `/${"a/".repeat(7000)}`,
      ];
      const before = serverCpuSeconds();
      for (let round = 0; round < 3; round++) {
        for (const path of attacks) expect((await get(path)).status).toBeGreaterThanOrEqual(400);
      }
      // Generous for a noisy 2-core machine: 12 refusals are a few milliseconds each.
      expect(serverCpuSeconds() - before).toBeLessThan(1.5);
    });

    it("bounds the paths one client may have matched per minute", async () => {
      const batch = Array.from({ length: MAX_MANIFEST_PATHS - 1 }, (_, i) => `p=%2Fkpi%2F${i}`).join("&");
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await get(`/__manifest?${batch}&version=${version}`)).status);
      expect(statuses.slice(0, 9).every((status) => status === 200)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
    });
  });

  describe("GHSA-wrjc-x8rr-h8h6 and GHSA-jjmj-jmhj-qwj2: backslash paths and open redirects", () => {
    const crafted = [
      "/\\evil.example",
      "/%5Cevil.example",
      "/%5cevil.example",
      "//evil.example",
      "/\\/evil.example",
      "/board/\\evil.example",
      "/board%5C..%5C..%5Cevil.example",
    ];

    it("answers backslash and protocol-relative paths with a 404 that links nowhere else", async () => {
      for (const path of crafted) {
        for (const cookie of ["", adminCookie]) {
          const answer = await get(path, cookie ? { Cookie: cookie } : {});
          expect(answer.status, path).toBe(404);
          expect(answer.location, path).toBeNull();
          expect(pageTargets(answer.body).filter(leadsOffSite), path).toEqual([]);
        }
      }
    });

    it("never redirects off the site after signing in, whatever redirectTo says", async () => {
      const targets = [
        "/\\evil.example",
        "//evil.example",
        "/\\/evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "/%5Cevil.example",
      ];
      for (const redirectTo of targets) {
        const response = await fetch(`${base}/login`, {
          method: "POST",
          redirect: "manual",
          headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ username: "leader", password: TEST_PASSWORD, redirectTo }),
        });
        await response.text();
        expect(response.status, redirectTo).toBe(302);
        const location = response.headers.get("location") ?? "";
        expect(leadsOffSite(location), `${redirectTo} → ${location}`).toBe(false);
        // Already signed in, /login sends the user on: the same check applies.
        const again = await get(`/login?redirectTo=${encodeURIComponent(redirectTo)}`, { Cookie: adminCookie });
        expect(again.status, redirectTo).toBe(302);
        expect(leadsOffSite(again.location ?? ""), `${redirectTo} → ${again.location}`).toBe(false);
      }
    });

    it("renders no link off the site from crafted query values on the pages that echo them", async () => {
      const pages = ["/board", "/kpi", "/summary", "/reports", "/import", "/board/meeting"];
      const values = ["/\\evil.example", "//evil.example", "\\\\evil.example"];
      for (const page of pages) {
        for (const value of values) {
          const q = encodeURIComponent(value);
          const answer = await get(`${page}?year=${q}&unit=${q}&leader=${q}&redirectTo=${q}`, { Cookie: adminCookie });
          expect(answer.status, page).toBeLessThan(500);
          expect(pageTargets(answer.body).filter(leadsOffSite), `${page} ${value}`).toEqual([]);
        }
      }
    });
  });

  describe("GHSA-rxv8-25v2-qmq8: turbo-stream decoding", () => {
    it("is done only by the browser: the server side only encodes", () => {
      const serverSide = [
        "node_modules/@remix-run/server-runtime/dist/single-fetch.js",
        "node_modules/@remix-run/server-runtime/dist/esm/single-fetch.js",
        "build/index.js",
        SERVER_ENTRY,
      ];
      for (const file of serverSide) {
        expect(existsSync(file), file).toBe(true);
        const source = readFileSync(file, "utf8");
        expect(source, file).not.toMatch(/turboStream\.decode\s*\(|import\s*\{[^}]*\bdecode\b[^}]*\}\s*from\s*["']turbo-stream/);
      }
      const runtime = readFileSync("node_modules/@remix-run/server-runtime/dist/single-fetch.js", "utf8");
      expect(runtime).toMatch(/turboStream\.encode/);
    });

    it("refuses turbo-stream and other non-form bodies to .data endpoints, and survives form-wrapped ones", async () => {
      // Shapes that stress a turbo-stream decoder: deep nesting, self references, a huge index.
      // Small: a route that refuses before reading a large body gets its connection reset.
      const bodies = [
        "[".repeat(2_000) + "]".repeat(2_000),
        '[{"_1":0},"a"]\nP1:[{"_1":0}]\n',
        '[["E","x","EventSource"]]',
        `[${"0,".repeat(2_000)}99999999]`,
      ];
      const endpoints = ["/login.data", "/_root.data", "/board.data", "/tasks/1/update.data"];
      for (const endpoint of endpoints) {
        for (const type of ["text/x-script", "application/json", "text/plain;charset=UTF-8", ""]) {
          const response = await fetch(`${base}${endpoint}`, {
            method: "POST",
            headers: { Origin: base, Cookie: adminCookie, ...(type ? { "Content-Type": type } : {}) },
            body: bodies[0],
          });
          await response.text();
          expect(response.status, `${endpoint} ${type}`).toBe(415);
        }
        for (const body of bodies) {
          const response = await fetch(`${base}${endpoint}`, {
            method: "POST",
            headers: { Origin: base, Cookie: adminCookie, "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ intent: body, username: body }),
          });
          await response.text();
          expect(response.status, endpoint).toBeLessThan(500);
        }
      }
      expect((await get("/login")).status).toBe(200);
    });
  });

  describe("legacy ?_data requests (a single-fetch app never makes them)", () => {
    it("are refused with a 400 instead of reaching the old data handler", async () => {
      for (const path of ["/login?_data=routes/login", "/?_data=root", "/board?_data=routes/board", "/?_data=routes/nonexistent"]) {
        for (const cookie of ["", adminCookie]) {
          const answer = await get(path, cookie ? { Cookie: cookie } : {});
          expect(answer.status, path).toBe(400);
        }
      }
    });
  });

  describe("GHSA-337j-9hxr-rhxg: error types sent to the browser", () => {
    it("sends only plain Error types, whatever the request names", async () => {
      const names: unknown[] = [];
      const paths = [
        "/EventSource.data",
        "/board/WebSocket.data",
        "/board/99999999999.data",
        "/kpi/Worker.data",
        "/_root.data?_routes=Image",
        "/board.data?_routes=routes%2FEventSource",
        "/summary/export/EventSource.data",
        "/tasks/EventSource/update.data",
      ];
      for (const path of paths) {
        for (const cookie of ["", adminCookie]) {
          const response = await fetch(base + path, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });
          const raw = await response.text();
          expect(response.status, path).toBeLessThan(500);
          // turbo-stream's own error form carries a constructor name the browser looks up.
          expect(raw, path).not.toMatch(/\["E",/);
          if (!raw.startsWith("[")) continue;
          const stream = new Response(raw).body!;
          const decoded = await decode(stream, {
            plugins: [
              (type: string, ...rest: unknown[]) => {
                if (type === "SanitizedError") {
                  names.push(rest[0]);
                  return { value: new Error(String(rest[1])) };
                }
                if (type === "ErrorResponse" || type === "SingleFetchRedirect" || type === "SingleFetchClassInstance") {
                  return { value: rest[0] };
                }
                if (type === "SingleFetchFallback") return { value: undefined };
                return undefined;
              },
            ],
          });
          await decoded.done;
        }
      }
      // Production mode sanitizes every Error to a plain one before it is serialized.
      expect(
        names.every((name) => name === "Error" || name === undefined),
        JSON.stringify(names),
      ).toBe(true);
    });
  });
});
