// The lockfile must never fall back below the releases that fix known advisories in the
// framework's router (GHSA-jjmj-jmhj-qwj2 / CVE-2026-53668 and GHSA-2j2x-hqr9-3h42): Remix
// 2.17.5 itself pins react-router 6.30.4, so only package.json's `overrides` keep these up.
// See .github/SECURITY.md.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

const FLOORS: Record<string, string> = {
  "react-router": "6.30.6",
  "react-router-dom": "6.30.6",
  "@remix-run/router": "1.23.4",
};

function compareVersions(a: string, b: string): number {
  const parse = (v: string) => v.split("-")[0].split(".").map(Number);
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  // A prerelease of the same version (6.30.6-pre) comes before the release.
  return (a.includes("-") ? -1 : 0) - (b.includes("-") ? -1 : 0);
}

function installedVersions(name: string): { path: string; version: string }[] {
  const lock = JSON.parse(readFileSync(`${root}package-lock.json`, "utf8")) as {
    packages: Record<string, { version?: string }>;
  };
  return Object.entries(lock.packages)
    .filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`))
    .map(([path, entry]) => ({ path, version: entry.version ?? "0.0.0" }));
}

describe("dependency floors in package-lock.json", () => {
  it("compares versions the way npm does for these", () => {
    expect(compareVersions("6.30.6", "6.30.6")).toBe(0);
    expect(compareVersions("6.30.4", "6.30.6")).toBeLessThan(0);
    expect(compareVersions("6.30.6-pre.0", "6.30.6")).toBeLessThan(0);
    expect(compareVersions("7.0.0", "6.30.6")).toBeGreaterThan(0);
    expect(compareVersions("1.23.10", "1.23.4")).toBeGreaterThan(0);
  });

  for (const [name, floor] of Object.entries(FLOORS)) {
    it(`locks ${name} at ${floor} or later, everywhere in the tree`, () => {
      const found = installedVersions(name);
      expect(found.length, `${name} is missing from package-lock.json`).toBeGreaterThan(0);
      for (const { path, version } of found) {
        expect(compareVersions(version, floor), `${path} is ${version}, below ${floor}`).toBeGreaterThanOrEqual(0);
      }
    });
  }

  it("keeps the overrides that lift them in package.json", () => {
    const manifest = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { overrides?: Record<string, string> };
    for (const [name, floor] of Object.entries(FLOORS)) {
      expect(manifest.overrides?.[name], `overrides.${name}`).toBeDefined();
      expect(compareVersions(manifest.overrides![name], floor)).toBeGreaterThanOrEqual(0);
    }
  });
});
