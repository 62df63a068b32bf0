// The server patches Remix's router packages on install (app/server/patches, applied by
// patch-package in postinstall) so that a request stops re-flattening, re-ranking and
// re-compiling every route pattern 3–5 times (and @remix-run/dev, so the browser build drops
// unused `.server` stubs). These tests check that the patches are in place
// and that matching still answers exactly as before, call after call on the same routes.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { matchPath, matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);

describe("the router patches", () => {
  it.each([
    ["@remix-run/router", "rankedBranchesCache"],
    ["@remix-run/router", "compiledPaths"],
    ["@remix-run/router", "matchesCache"],
    ["react-router-dom/server", "dataRoutesCache"],
    ["@remix-run/react/dist/server", "serverRoutesCache"],
    // The build: a `.server` module the browser bundle imports but never uses leaves no empty
    // chunk behind (six of them, each one more request, were on every board page).
    ["@remix-run/dev/dist/compiler/plugins/emptyModules", "sideEffects: false"],
    // The browser build: the router's development warnings (and React Router's future-flag
    // notices) stay out of the board page's JavaScript.
    ["@remix-run/router/dist/router.js", "dev-only warnings"],
    ["react-router/dist/index.js", "the warnings are dev-only"],
  ])("%s carries %s (npm install ran patch-package)", (module, marker) => {
    expect(readFileSync(require.resolve(module), "utf8")).toContain(marker);
  });

  const routes: AgnosticRouteObject[] = [
    {
      id: "root",
      path: "/",
      children: [
        { id: "board", path: "board" },
        { id: "task", path: "board/:taskId" },
        { id: "edit", path: "board/:taskId/edit" },
        { id: "kpi", path: "kpi", caseSensitive: true },
        { id: "index", index: true },
        { id: "rest", path: "*" },
      ],
    },
  ];
  const leaf = (path: string) => matchRoutes(routes, path)?.at(-1);

  it("matches every path of one routes array right, however often it is asked", () => {
    for (let round = 0; round < 3; round++) {
      expect(leaf("/board")?.route.id).toBe("board");
      expect(leaf("/board/42")?.params).toEqual({ taskId: "42" });
      expect(leaf("/board/42/edit")?.route.id).toBe("edit");
      expect(leaf("/")?.route.id).toBe("index");
      expect(leaf("/KPI")?.route.id).toBe("rest");
      expect(leaf("/kpi")?.route.id).toBe("kpi");
      expect(leaf("/nothing/here")?.params).toEqual({ "*": "nothing/here" });
    }
  });

  it("gives every caller its own matches: changing one answer leaves the next one as it was", () => {
    const first = matchRoutes(routes, "/board/7/edit")!;
    expect(first.every((match) => match.params === first[0].params)).toBe(true);
    (first[0].params as Record<string, string>).taskId = "changed";
    first.at(-1)!.pathname = "/elsewhere";
    first.length = 1;
    const again = matchRoutes(routes, "/board/7/edit")!;
    expect(again.map((match) => match.route.id)).toEqual(["root", "edit"]);
    expect(again.at(-1)).toMatchObject({ pathname: "/board/7/edit", params: { taskId: "7" } });
    expect(matchRoutes(routes, "/board/7/edit", "/base")).toBeNull();
  });

  it("keeps case sensitivity and end matching apart for the same pattern", () => {
    expect(matchPath({ path: "/Board", caseSensitive: false }, "/board")).not.toBeNull();
    expect(matchPath({ path: "/Board", caseSensitive: true }, "/board")).toBeNull();
    expect(matchPath({ path: "/board", end: true }, "/board/1")).toBeNull();
    expect(matchPath({ path: "/board", end: false }, "/board/1")?.pathnameBase).toBe("/board");
  });
});
