// Every action route (found from the route files, so a new one is fuzzed too) gets seeded fuzz
// payloads from a user allowed to post there: empty and malformed bodies, forged intents,
// huge and oddly encoded fields, HTML, forged / foreign / negative / huge ids, stale versions
// and oversize uploads; thousands of fields, bodies past the route's limit (with a length and
// streamed without one) and .docx decompression bombs. No input may cause a 500; a refusal is a 4xx with a Chinese message
// and leaves every table unchanged; structurally broken requests must be refused.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ActionFunction } from "@remix-run/node";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { exportPlan, importPlan } from "../../app/models/plan-transfer.server";
import { getDb } from "../../app/utils/db.server";
import { tableChecksums } from "./db-checksum";
import { isPostgres } from "../../db/dialect-sql";
import { cookieFor, ORIGIN } from "./helpers";
import { requestBodyLimit } from "../../app/utils/body-limits.server";
import { docxBomb } from "../docx-bomb";
import { seededRandom as random } from "../seeded-random";
import { answerOf } from "../../app/utils/http.server";

const SEED = 20251125;

/** Route files with an action, and the source text that tells their fields and intents. */
function actionRoutes(): { file: string; source: string }[] {
  const out: { file: string; source: string }[] = [];
  for (const entry of readdirSync("app/routes").sort()) {
    const path = join("app/routes", entry);
    if (statSync(path).isDirectory()) {
      const files = readdirSync(path).filter((f) => /\.tsx?$/.test(f));
      const main = files.find((f) => /^route\.tsx?$/.test(f));
      if (!main) continue;
      out.push({ file: `${entry}/${main}`, source: files.map((f) => readFileSync(join(path, f), "utf8")).join("\n") });
    } else if (/\.tsx?$/.test(entry)) {
      out.push({ file: entry, source: readFileSync(path, "utf8") });
    }
  }
  return out.filter((r) => /export (async )?function action|export const action/.test(r.source));
}

/** Every field name any form of the app uses (name="…", formData.get("…")). */
function knownFieldNames(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry)) {
        const text = readFileSync(path, "utf8");
        for (const m of text.matchAll(/\bname="([A-Za-z_][\w.]*)"/g)) names.add(m[1]);
        for (const m of text.matchAll(/\.(?:get|getAll)\("([A-Za-z_][\w.]*)"\)/g)) names.add(m[1]);
      }
    }
  };
  walk("app");
  names.delete("intent");
  return [...names].sort();
}

function ownFields(source: string): string[] {
  return [...new Set([...source.matchAll(/\bname="([A-Za-z_][\w.]*)"/g)].map((m) => m[1]))].sort();
}

function intentsOf(source: string): string[] {
  const intents = new Set<string>();
  for (const m of source.matchAll(/(?:readIntent\([^,]+,\s*|_INTENTS\s*=\s*)\[([^\]]*)\]/g)) {
    for (const lit of m[1].matchAll(/"([\w-]+)"/g)) intents.add(lit[1]);
  }
  for (const m of source.matchAll(/intent"?\)?\s*[!=]==\s*"([\w-]+)"/g)) intents.add(m[1]);
  return [...intents].sort();
}

const MB = 1024 * 1024;
const HUGE = "x".repeat(MB);
const TEXTS = [
  "",
  " ",
  "\u202e\u200f右到左\u202c",
  "a\u0000b",
  "\ud800",
  "\udfff孤立",
  "👩‍👩‍👧‍👦🚩",
  "e\u0301\u0301\u0301\u0308",
  "<img src=x onerror=alert(1)>",
  "<script>alert(document.cookie)</script>",
  "\"'><svg onload=alert(1)>",
  "'; drop table tasks; --",
  "[object Object]",
  '{"$ne":null}',
  "__proto__",
  "%00%2e%2e%2f",
  "\r\n\r\nSet-Cookie: x=1",
];
const NUMBERS = [
  "0",
  "-1",
  "-99999999",
  "1.5",
  "1e400",
  "NaN",
  "Infinity",
  "9007199254740993",
  "99999999999999999999",
  "0x10",
  "",
  "abc",
  "１２",
];
const ID_LIKE = /(^id$|Id$|Ids$|^version$|^year$|^progress$|^value|^target|^baseline|sort|^week$)/;

interface Ids {
  taskId: number;
  otherPlanTaskId: number;
  otherPlanMetricId: number;
  metricId: number;
  userId: number;
  unitId: number;
}

function paramsFor(file: string, ids: Ids): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of file.matchAll(/\$(\w+)/g)) {
    const name = m[1];
    params[name] =
      name === "taskId"
        ? String(ids.taskId)
        : name === "userId"
          ? String(ids.userId)
          : name === "metricId"
            ? String(ids.metricId)
            : name === "year"
              ? "2025"
              : "1";
  }
  return params;
}

function urlFor(file: string, params: Record<string, string>): string {
  const route = file.replace(/\/route\.tsx?$/, "").replace(/\.tsx?$/, "");
  const path = route
    .split(".")
    .filter((s) => s !== "_index")
    .map((s) => s.replace(/_$/, "").replace(/^\$(\w+)$/, (_m, p: string) => params[p]))
    .join("/");
  return `/${path}`;
}

type Body =
  | { kind: "form"; fields: [string, string | File][] }
  | { kind: "raw"; contentType: string; body: string | Uint8Array<ArrayBuffer> }
  /** `bytes` of urlencoded body streamed in 64 KB chunks, without a Content-Length. */
  | { kind: "stream"; bytes: number };

interface Input {
  label: string;
  body: Body;
  /** Structurally broken: must be refused, never accepted. */
  mustRefuse: boolean;
}

function requestOf(url: string, cookie: string, body: Body): Request {
  const headers = new Headers({ Cookie: cookie, Origin: ORIGIN });
  if (body.kind === "raw") {
    headers.set("Content-Type", body.contentType);
    return new Request(`${ORIGIN}${url}`, { method: "POST", headers, body: body.body });
  }
  if (body.kind === "stream") {
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    let left = body.bytes;
    const chunk = new TextEncoder().encode(`a=${"b".repeat(64 * 1024 - 3)}&`);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (left <= 0) return controller.close();
        controller.enqueue(chunk.subarray(0, Math.min(chunk.length, left)));
        left -= chunk.length;
      },
    });
    return new Request(`${ORIGIN}${url}`, { method: "POST", headers, body: stream, duplex: "half" } as RequestInit);
  }
  const hasFile = body.fields.some(([, v]) => typeof v !== "string");
  if (hasFile) {
    const form = new FormData();
    for (const [k, v] of body.fields) form.append(k, v);
    return new Request(`${ORIGIN}${url}`, { method: "POST", headers, body: form });
  }
  const search = new URLSearchParams();
  for (const [k, v] of body.fields) search.append(k, v as string);
  return new Request(`${ORIGIN}${url}`, { method: "POST", headers, body: search });
}

interface Result {
  status: number;
  text: string;
  /** Where a redirect points. */
  location?: string | null;
}

/** Calls the action as Remix does; a thrown non-Response is what would be a 500. */
async function post(action: ActionFunction, request: Request, params: Record<string, string>): Promise<Result> {
  let value: unknown;
  try {
    value = await action({ request, params, context: {} as never });
  } catch (thrown) {
    value = thrown;
  }
  if (value instanceof Response) {
    const redirect = value.status >= 300 && value.status < 400;
    return { status: value.status, text: redirect ? "" : await value.text(), location: redirect ? value.headers.get("Location") : null };
  }
  const answer = answerOf(value);
  if (answer) return { status: answer.status || 200, text: JSON.stringify(answer.data) };
  if (value instanceof Error) return { status: 500, text: `${value.name}: ${value.message}` };
  return { status: 200, text: JSON.stringify(value ?? null) };
}

// word/document.xml opens to 30 MB while the zip claims 4 KB.
let bomb: Uint8Array<ArrayBuffer>;

function inputsFor(file: string, source: string, fieldNames: string[], ids: Ids, rand: () => number): Input[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const intents = intentsOf(source);
  const inputs: Input[] = [
    { label: "empty body", body: { kind: "form", fields: [] }, mustRefuse: false },
    { label: "JSON body", body: { kind: "raw", contentType: "application/json", body: '{"intent":' }, mustRefuse: true },
    {
      label: "multipart with a wrong boundary",
      body: {
        kind: "raw",
        contentType: "multipart/form-data; boundary=abc",
        body: '--xyz\r\nContent-Disposition: form-data; name="intent"\r\n\r\nx\r\n--xyz--',
      },
      mustRefuse: true,
    },
    {
      label: "truncated multipart",
      body: {
        kind: "raw",
        contentType: "multipart/form-data; boundary=b",
        body: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.json"\r\nContent-Type: application/json\r\n\r\n{"a',
      },
      mustRefuse: true,
    },
    { label: "multipart without boundary", body: { kind: "raw", contentType: "multipart/form-data", body: "intent=x" }, mustRefuse: true },
    {
      label: "binary garbage",
      body: {
        kind: "raw",
        contentType: "application/x-www-form-urlencoded",
        body: new Uint8Array(Array.from({ length: 512 }, () => Math.floor(rand() * 256))),
      },
      mustRefuse: false,
    },
  ];
  // Forged intents: refused outright where the route has intents.
  if (intents.length) {
    for (const forged of [
      "",
      "DELETE",
      "__proto__",
      "constructor",
      "move;drop",
      "移动",
      `${intents[0]} `,
      intents[0].toUpperCase(),
      "\u0000",
    ]) {
      inputs.push({
        label: `forged intent ${JSON.stringify(forged)}`,
        body: {
          kind: "form",
          fields: [
            ["intent", forged],
            ["taskId", String(ids.taskId)],
          ],
        },
        mustRefuse: true,
      });
    }
  }
  const idValues = [
    "0",
    "-1",
    "-5",
    "2147483648",
    "9007199254740993",
    "1e308",
    "1.5",
    "abc",
    String(ids.otherPlanTaskId),
    String(ids.otherPlanMetricId),
    "999999",
  ];
  for (const intent of intents.length ? intents : [null]) {
    const base: [string, string][] = intent ? [["intent", intent]] : [];
    // Forged / foreign / negative / huge ids and stale versions, one id-like field at a time,
    // with the other fields plausible.
    const idFields = fieldNames.filter((n) => ID_LIKE.test(n));
    for (const field of idFields) {
      const fields: [string, string][] = [
        ...base,
        ["taskId", String(ids.taskId)],
        ["version", "1"],
        ["body", "本周进展正常。"],
        ["title", "测试任务"],
        [field, pick(idValues)],
      ];
      inputs.push({ label: `${intent ?? "-"}: ${field} forged`, body: { kind: "form", fields }, mustRefuse: false });
    }
    // Random fields with odd values.
    for (let i = 0; i < 24; i += 1) {
      const fields: [string, string][] = [...base];
      const count = 1 + Math.floor(rand() * 6);
      for (let j = 0; j < count; j += 1) {
        const name = pick(fieldNames);
        const roll = rand();
        const value = roll < 0.04 ? HUGE : roll < 0.5 ? pick(TEXTS) : ID_LIKE.test(name) ? pick(NUMBERS) : pick([...TEXTS, ...NUMBERS]);
        fields.push([name, value]);
        if (rand() < 0.15) fields.push([name, pick(TEXTS)]); // the same field twice
      }
      inputs.push({ label: `${intent ?? "-"}: random fields #${i}`, body: { kind: "form", fields }, mustRefuse: false });
    }
    // A 1 MB value in each text field this route's own forms name.
    for (const name of ownFields(source).filter((n) => !ID_LIKE.test(n) && n !== "intent")) {
      inputs.push({
        label: `${intent ?? "-"}: ${name} 1 MB`,
        body: { kind: "form", fields: [...base, ["taskId", String(ids.taskId)], [name, HUGE]] },
        mustRefuse: false,
      });
    }
  }
  // Thousands of fields (more than any form has), bodies past the route's limit, and a .docx
  // bomb in every file field a route might read.
  const limit = requestBodyLimit(urlFor(file, paramsFor(file, ids)));
  const fieldsOf = (count: number) => Array.from({ length: count }, (_, i) => `f${i}=1`).join("&");
  inputs.push(
    {
      label: "6,000 fields",
      body: { kind: "raw", contentType: "application/x-www-form-urlencoded", body: `intent=${intents[0] ?? ""}&${fieldsOf(6000)}` },
      mustRefuse: true,
    },
    {
      label: "30,000 fields",
      body: { kind: "raw", contentType: "application/x-www-form-urlencoded", body: fieldsOf(30_000) },
      mustRefuse: true,
    },
    {
      label: `body of ${limit + 1} bytes`,
      body: { kind: "raw", contentType: "application/x-www-form-urlencoded", body: `a=${"b".repeat(limit - 1)}` },
      mustRefuse: true,
    },
    { label: `streamed body of ${limit + 64 * 1024} bytes`, body: { kind: "stream", bytes: limit + 64 * 1024 }, mustRefuse: true },
  );
  for (const field of ["file", "attachments"]) {
    const base: [string, string][] = intents.includes("preview")
      ? [["intent", "preview"]]
      : intents.includes("import")
        ? [["intent", "import"]]
        : [];
    inputs.push({
      label: `.docx bomb in ${field}`,
      body: { kind: "form", fields: [...base, [field, new File([bomb], "总结.docx")]] },
      mustRefuse: /import\/route/.test(file) && field === "file",
    });
  }
  // Oversize and fake files on the upload routes.
  if (/import\/route|admin\.plans\.tsx|tasks\.\$taskId\.update/.test(file)) {
    const field = /update/.test(file) ? "attachments" : "file";
    const intent = /import\/route/.test(file) ? "preview" : /admin\.plans/.test(file) ? "import" : null;
    const base: [string, string][] = intent ? [["intent", intent]] : [];
    const big = new File([new Uint8Array(21 * MB)], "大文件.json", { type: "application/json" });
    const fake = new File([new TextEncoder().encode("<script>alert(1)</script>")], "photo.png", { type: "image/png" });
    const nul = new File([new Uint8Array([0, 0, 0, 0])], "../../etc/passwd\u0000.txt", { type: "text/plain" });
    for (const file of [big, fake, nul])
      inputs.push({
        label: `upload ${file.name} (${file.size} B)`,
        body: { kind: "form", fields: [...base, [field, file]] },
        mustRefuse: file === big,
      });
  }
  return inputs;
}

const CHINESE = /[\u4e00-\u9fff]/;
const MESSAGE_KEYS = new Set(["message", "error", "errors", "importError"]);

/** The messages a refusal shows (not the user's values echoed back); every one must be Chinese. */
function messagesOf(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [text];
  }
  const found: string[] = [];
  const collect = (value: unknown, underMessage: boolean) => {
    if (typeof value === "string") {
      if (underMessage && value) found.push(value);
    } else if (value && typeof value === "object") {
      for (const [key, v] of Object.entries(value)) collect(v, underMessage || MESSAGE_KEYS.has(key));
    }
  };
  collect(parsed, false);
  return found;
}

describe("fuzzing every action route", () => {
  let ids: Ids;
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    bomb = await docxBomb(30 * 1024 * 1024, { declareSmall: true });
    const db = getDb();
    // A second plan (a copy of the demo plan in 2031) supplies other plans' ids.
    const doc = await exportPlan(db, 2025);
    doc.plan.year = 2031;
    const other = await importPlan(db, null, doc);
    const task = await db
      .selectFrom("tasks")
      .innerJoin("plans", "plans.id", "tasks.plan_id")
      .select("tasks.id")
      .where("plans.year", "=", 2025)
      .orderBy("tasks.id")
      .executeTakeFirstOrThrow();
    const otherTask = await db.selectFrom("tasks").select("id").where("plan_id", "=", other.planId).orderBy("id").executeTakeFirstOrThrow();
    const otherMetric = await db
      .selectFrom("metrics")
      .select("id")
      .where("plan_id", "=", other.planId)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const metric = await db
      .selectFrom("metrics")
      .innerJoin("plans", "plans.id", "metrics.plan_id")
      .select("metrics.id")
      .where("plans.year", "=", 2025)
      .orderBy("metrics.id")
      .executeTakeFirstOrThrow();
    const user = await db.selectFrom("users").select("id").where("username", "=", "viewer").executeTakeFirstOrThrow();
    const unit = await db.selectFrom("units").select("id").orderBy("id").executeTakeFirstOrThrow();
    ids = {
      taskId: task.id,
      otherPlanTaskId: otherTask.id,
      otherPlanMetricId: otherMetric.id,
      metricId: metric.id,
      userId: user.id,
      unitId: unit.id,
    };
    for (const role of ["admin", "leader", "secretary", "viewer"]) cookies.set(role, await cookieFor(role));
  }, 120_000);

  // First, while their accounts are as seeded: the admin pass below resets and disables the viewer.
  it(
    "answers a 社区书记's and a viewer's fuzz inputs, whose rights end at their unit or at reading, the same way",
    { timeout: 600_000 },
    async () => {
      await fuzzAs(() => "secretary", SEED + 1);
      // A viewer only reads: the one form it may send is its own password change.
      await fuzzAs(
        () => "viewer",
        SEED + 2,
        (file) => file === "settings.password.tsx",
      );
    },
  );

  it("answers every fuzz input with a handled response; refusals are Chinese 4xx that write nothing", { timeout: 600_000 }, async () => {
    // As the role that may use each route (admin pages as admin, the rest as a leader).
    await fuzzAs((file) => (file.startsWith("admin") ? "admin" : "leader"), SEED);
  });

  async function fuzzAs(roleFor: (file: string) => string, seed: number, mayWrite: (file: string) => boolean = () => true) {
    const rand = random(seed);
    const fieldNames = knownFieldNames();
    const routes = actionRoutes();
    // Signing out ends the session every other input relies on: it takes no input to fuzz.
    const fuzzed = routes.filter((r) => r.file !== "logout.tsx");
    expect(fuzzed.length).toBeGreaterThan(10);
    const failures: string[] = [];
    let tried = 0;
    let accepted = 0;
    let sums = await tableChecksums(getDb());
    // Fast path: a counter that moves whenever something may have been written — SQLite's count
    // of rows this (the app's only) connection changed, PostgreSQL's WAL position (cluster-wide,
    // so it also moves for other tests' writes: then the checksum just finds nothing) — and the
    // full per-table checksum runs only when it moved, to name what was written.
    const changes = async () =>
      isPostgres(getDb())
        ? (await sql<{ n: string }>`select pg_current_wal_insert_lsn()::text as n`.execute(getDb())).rows[0].n
        : (await sql<{ n: number }>`select total_changes() as n`.execute(getDb())).rows[0].n;
    let changeCount = await changes();
    for (const { file, source } of fuzzed) {
      const module = (await import(`../../app/routes/${file.replace(/\.tsx?$/, "")}`)) as { action: ActionFunction };
      const params = paramsFor(file, ids);
      const url = urlFor(file, params);
      const cookie = cookies.get(roleFor(file))!;
      for (const input of inputsFor(file, source, fieldNames, ids, rand)) {
        tried += 1;
        const result = await post(module.action, requestOf(url, cookie, input.body), params);
        const where = `${file} ← ${input.label}`;
        if (result.status >= 500) {
          failures.push(`${where}: ${result.status} ${result.text.slice(0, 300)}`);
        } else if (result.status >= 400) {
          const messages = messagesOf(result.text);
          if (!messages.length || !messages.every((m) => CHINESE.test(m))) {
            failures.push(`${where}: ${result.status} without a Chinese message: ${result.text.slice(0, 200)}`);
          }
          const now = await changes();
          if (now !== changeCount) {
            const after = await tableChecksums(getDb());
            const changed = Object.keys(after).filter((t) => after[t] !== sums[t]);
            if (changed.length) failures.push(`${where}: ${result.status} but wrote to ${changed.join(", ")}`);
            sums = after;
            changeCount = now;
          }
        } else if (/^\/login\b/.test(result.location ?? "")) {
          // The session ended (e.g. another pass reset this account): every later input would be a no-op.
          failures.push(`${where}: redirected to ${result.location}; the ${roleFor(file)} session is gone`);
        } else {
          accepted += 1;
          if (!mayWrite(file)) failures.push(`${where}: accepted (${result.status}) from a ${roleFor(file)}`);
          if (process.env.FUZZ_VERBOSE) console.log(`accepted ${result.status}: ${where}`);
          if (input.mustRefuse) failures.push(`${where}: accepted (${result.status}) a malformed request`);
          sums = await tableChecksums(getDb());
          changeCount = await changes();
        }
      }
    }
    console.log(
      `fuzz as ${roleFor("")}: ${tried} inputs over ${fuzzed.length} action routes (seed ${seed}); ${tried - accepted} refused with a 4xx, ${accepted} accepted as valid`,
    );
    expect(failures).toEqual([]);
  }
});
