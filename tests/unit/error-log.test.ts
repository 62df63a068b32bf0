import { data, redirect } from "@remix-run/node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { handleError } from "~/entry.server";

const request = () => new Request("http://localhost/admin");
const context = { requestId: "req-1" } as never;

function logged(error: unknown): string {
  const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    handleError(error, { request: request(), context });
    return write.mock.calls.map(([chunk]) => String(chunk)).join("");
  } finally {
    write.mockRestore();
  }
}

describe("server error log", () => {
  afterEach(() => vi.restoreAllMocks());

  it("leaves out the app's own refusals and redirects", () => {
    expect(logged(data({ message: "您没有权限进行此操作。" }, { status: 403 }))).toBe("");
    expect(logged(data({ message: "已被他人修改" }, { status: 409 }))).toBe("");
    expect(logged(redirect("/login"))).toBe("");
    expect(logged(new Response("not found", { status: 404 }))).toBe("");
  });

  it("writes one JSON line with the request id for real failures", () => {
    const line = logged(new Error("disk full"));
    const entry = JSON.parse(line);
    expect(entry).toMatchObject({ level: "error", id: "req-1", path: "/admin" });
    expect(entry.error).toContain("disk full");
    expect(JSON.parse(logged(data({ message: "boom" }, { status: 500 }))).error).toContain("boom");
    // Thrown without a status, Remix answers 500: logged.
    expect(logged(data({ message: "no status" }))).toContain('"level":"error"');
  });

  it("keeps the router's 405 for a form posted to a route without an action (a page pointing at the wrong route)", () => {
    // The shape of the router's own error response (what isRouteErrorResponse recognises).
    const methodNotAllowed = {
      status: 405,
      statusText: "Method Not Allowed",
      internal: true,
      data: 'Error: You made a POST request to "/kpi" but did not provide an `action` for route "routes/kpi"',
      error: new Error('You made a POST request to "/kpi" but did not provide an `action`'),
    };
    expect(logged(methodNotAllowed)).toContain('"level":"error"');
    expect(logged({ ...methodNotAllowed, status: 403, statusText: "Forbidden", internal: false })).toBe("");
  });
});
