// Graceful SIGTERM, against its own copy of the built server: requests already in flight (slow
// uploads and a burst of writes) finish with 2xx, new connections are refused, the process
// exits 0 and leaves a closed database — WAL folded in, integrity ok, every acknowledged
// write present. A Playwright spec (no page) so it runs in `npm test` after the build.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync, statSync } from "node:fs";
import { request as httpRequest, type ClientRequest } from "node:http";
import { connect } from "node:net";
import { resolve } from "node:path";
import { expect, test } from "@playwright/test";
import { sql } from "kysely";
import { openDatabase } from "../../db/index";
import { SERVER_ENTRY } from "../../app/server/build";
import { freePort } from "../bench/harness";

const dir = resolve("tests/.tmp/shutdown");
const databasePath = `${dir}/app.sqlite`;

async function waitForServer(url: string, child: ChildProcess, stderr: () => string) {
  for (let i = 0; i < 300; i += 1) {
    if (child.exitCode != null) throw new Error(`server exited: ${stderr()}`);
    try {
      await (await fetch(`${url}/login`)).arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`server did not start: ${stderr()}`);
}

/** A POST whose body is sent in two halves: the request is in flight until `finish()`. */
function slowPost(port: number, path: string, cookie: string, body: string) {
  let req!: ClientRequest;
  const response = new Promise<{ status: number; text: string }>((resolveResponse, reject) => {
    req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        headers: {
          Cookie: cookie,
          Origin: `http://127.0.0.1:${port}`,
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolveResponse({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
  });
  const half = Math.floor(body.length / 2);
  req.write(body.slice(0, half));
  return { response, finish: () => req.end(body.slice(half)) };
}

test("SIGTERM finishes in-flight requests, refuses new ones and closes the database", async () => {
  test.setTimeout(120_000);
  rmSync(dir, { recursive: true, force: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: {
      ...process.env,
      DATABASE_PATH: databasePath,
      DEMO_PASSWORD: "demo-pass-2025",
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_REQUESTS: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout!.on("data", (chunk) => (stdout += String(chunk)));
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  try {
    await waitForServer(url, child, () => stderr);

    const login = await fetch(`${url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username: "leader", password: "demo-pass-2025" }),
    });
    await login.arrayBuffer();
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const db = openDatabase(databasePath);
    const task = await db.selectFrom("tasks").select("id").orderBy("id").executeTakeFirstOrThrow();
    await db.destroy();
    const path = `/tasks/${task.id}/comments`;
    const form = (marker: string) =>
      new URLSearchParams({ intent: "comment", fetcher: "1", body: `关停测试 ${marker} ${"进展".repeat(400)}` }).toString();

    // In flight: three slow uploads and a burst of 20 writes, each with its headers and half
    // its body sent (so the server has taken the request). The burst's bodies are completed
    // just before SIGTERM (the server is busy writing them when it arrives), the slow uploads'
    // only after it.
    const slow = ["slow-1", "slow-2", "slow-3"].map((marker) => ({ marker, ...slowPost(port, path, cookie, form(marker)) }));
    const burst = Array.from({ length: 20 }, (_, i) => `burst-${i}`).map((marker) => ({
      marker,
      ...slowPost(port, path, cookie, form(marker)),
    }));
    // In a cluster the primary hands accepted connections to the workers one at a time; on a
    // loaded 2-core machine 23 of them take a while. A connection still queued in the primary
    // when the last worker closes its listener is reset, like one still in the kernel's backlog.
    await new Promise((r) => setTimeout(r, 2000));
    for (const b of burst) b.finish();
    child.kill("SIGTERM");
    // The signal is handled between requests: wait until the server says it is stopping.
    while (!stdout.includes("收到 SIGTERM")) await new Promise((r) => setTimeout(r, 20));

    // The listener is closed: a new connection is refused while the old requests still run.
    const refused = await new Promise<string>((r) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), r("connected")));
      socket.once("error", (error: NodeJS.ErrnoException) => r(error.code ?? "error"));
    });
    expect(refused).toBe("ECONNREFUSED");
    expect(child.exitCode).toBeNull();

    for (const s of slow) s.finish();
    const settled = await Promise.allSettled([...slow, ...burst].map((r) => r.response));
    const results = [...slow, ...burst].map((r, i) => {
      const outcome = settled[i];
      return { marker: r.marker, ...(outcome.status === "fulfilled" ? outcome.value : { status: 0, text: String(outcome.reason) }) };
    });
    for (const r of results) expect(r.status, `${r.marker}: ${r.text.slice(0, 200)}`).toBe(200);

    // Exits on its own with 0 (the 10-second fallback would exit 1).
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/Error|错误/);

    // Closed cleanly: no WAL left to replay, the file is intact, every acknowledged write is there.
    expect(!existsSync(`${databasePath}-wal`) || statSync(`${databasePath}-wal`).size === 0).toBe(true);
    const after = openDatabase(databasePath);
    const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(after);
    expect(integrity.rows.map((r) => r.integrity_check)).toEqual(["ok"]);
    const bodies = (await after.selectFrom("comments").select("body").where("body", "like", "关停测试 %").execute()).map(
      (c) => c.body.split(" ")[1],
    );
    await after.destroy();
    expect(bodies.sort()).toEqual(results.map((r) => r.marker).sort());
  } finally {
    if (child.exitCode == null) child.kill("SIGKILL");
  }
});
